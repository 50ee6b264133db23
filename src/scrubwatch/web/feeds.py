"""Atom feeds of changes (RFC 4287): all, per outlet, per article, and their routes.

Built with ElementTree, which escapes every text and attribute, so a hostile headline cannot
break out of the XML. Entry ids are stable tag URIs, so feed readers never show a change twice.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from scrubwatch.model import Change
from scrubwatch.serialize import archive_of, iso
from scrubwatch.store.records import ChangeFilter
from scrubwatch.web.deps import web_of

ATOM = "http://www.w3.org/2005/Atom"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ID_BASE = "tag:scrubwatch,2026"  # tag URIs (RFC 4151): stable, and no domain needed
# Characters XML 1.0 cannot carry at all; a page can contain them, a feed must not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def change_title(change: Change) -> str:
    """One line naming what happened: "EDITED (substantive)", "DELETED (http_404)"..."""
    label = change.kind.value.upper()
    detail = change.severity.value if change.severity else None
    if change.deletion is not None:
        detail = change.deletion.value
    return f"{label} ({detail})" if detail else label


def entry_text(change: Change) -> str:
    """The body of an entry: the summary, then the removed and added sentences."""
    lines = [change.summary]
    if change.diff is not None:
        lines += [f"− {s}" for s in change.diff.sentences_removed]
        lines += [f"+ {s}" for s in change.diff.sentences_added]
        lines += [f"~ {p.before} → {p.after}" for p in change.diff.sentences_changed]
        lines += [f"quote removed: {q}" for q in change.diff.quotes_removed]
    if change.redirect_to:
        lines.append(f"now redirects to {change.redirect_to}")
    archive = archive_of(change)
    if archive is not None:
        lines.append(f"index: {archive.get('cdx_url')}")
        lines += [f"vanished: capture of {moment}" for moment in archive.get("vanished", [])]
    return "\n".join(line for line in lines if line)


def atom_feed(
    *,
    title: str,
    feed_id: str,
    self_url: str,
    changes: Sequence[Change],
    link_of: Callable[[Change], str],
) -> bytes:
    """The Atom document for `changes` (newest first)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    atom_text(feed, "title", title)
    atom_text(feed, "id", feed_id)
    updated = max((c.detected_at for c in changes), default=EPOCH)
    atom_text(feed, "updated", iso(updated))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    atom_text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", "scrubwatch")
    atom_text(feed, "generator", "scrubwatch")
    for change in changes:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        atom_text(entry, "id", f"{ID_BASE}:change:{change.id}")
        atom_text(entry, "title", f"{change_title(change)} {change.url}")
        atom_text(entry, "updated", iso(change.detected_at))
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=link_of(change))
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="related", href=change.url)
        atom_text(entry, "summary", change.summary)
        content = atom_text(entry, "content", entry_text(change))
        content.set("type", "text")
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


def atom_text(parent: ET.Element, name: str, value: str) -> ET.Element:
    """A child element of the Atom namespace holding `value` (characters XML cannot carry
    dropped; ElementTree escapes the rest)."""
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = _NOT_XML.sub("", value)
    return element


router = APIRouter(prefix="/feeds", include_in_schema=False)
FEED_SIZE = 50
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def _feed(request: Request, title: str, feed_id: str, filters: ChangeFilter) -> Response:
    changes = web_of(request).store.change_page(filters, limit=FEED_SIZE)
    body = atom_feed(
        title=title,
        feed_id=feed_id,
        self_url=str(request.url),
        changes=changes,
        link_of=lambda c: str(request.url_for("article_by_url").include_query_params(url=c.url)),
    )
    return Response(body, media_type=ATOM_TYPE)


@router.get("/changes.atom")
def all_changes(request: Request) -> Response:
    return _feed(request, "scrubwatch: all changes", f"{ID_BASE}:changes", ChangeFilter())


@router.get("/outlets/{host}.atom")
def outlet_changes(request: Request, host: str) -> Response:
    if web_of(request).store.outlet(host) is None:
        raise HTTPException(404, f"no outlet {host}")
    title = f"scrubwatch: changes on {host}"
    return _feed(request, title, f"{ID_BASE}:outlet:{host}", ChangeFilter(outlet=host))


@router.get("/articles/{article_id}.atom")
def article_changes(request: Request, article_id: int) -> Response:
    article = web_of(request).store.article_by_id(article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id}")
    title = f"scrubwatch: changes of {article.url}"
    feed_id = f"{ID_BASE}:article:{article_id}"
    return _feed(request, title, feed_id, ChangeFilter(article_id=article_id))
