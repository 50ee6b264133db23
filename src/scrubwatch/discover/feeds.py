"""Article URLs from an outlet's feeds: RSS 0.9x/1.0/2.0, Atom and JSON Feed.

A feed is the cheapest and most precise way to hear of a new article, so discovery reads it
first. Feeds come from servers we do not control: the parsers here take bytes, never fetch,
and answer None for bytes that are not a feed instead of raising. feedparser reads the XML
dialects (it copes with the malformed feeds the web is full of); JSON Feed, which feedparser
does not know, is read with `json`.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import lxml.etree  # type: ignore[import-untyped, unused-ignore]

from scrubwatch.discover.links import normalize_url


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed: the article URL, with the title and date the feed gives, if any."""

    url: str
    title: str | None = None
    published: datetime | None = None  # timezone-aware, UTC


FEED_CONTENT_TYPES = ("rss+xml", "atom+xml", "rdf+xml", "feed+json")
_XML_ROOT = re.compile(rb"<(?:[\w.-]+:)?(?:rss|feed|rdf)\b", re.IGNORECASE)
_PROLOG = re.compile(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>", re.DOTALL | re.I)
_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body)", re.IGNORECASE)
_JSON_FEED_VERSION = re.compile(rb'"version"\s*:\s*"https?:\\?/\\?/jsonfeed\.org', re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")  # markup in a title declared as HTML
_UTF8_BOM = b"\xef\xbb\xbf"
SNIFF_BYTES = 4096
# When a limit is set, huge feeds are cut before feedparser sees them (it reads about 15,000
# items a second). Some items have no usable URL, so more than `limit` items are kept.
_TRUNCATE_SLACK = 2


def looks_like_feed(body: bytes, content_type: str | None) -> bool:
    """Whether a response is worth handing to `parse_feed`.

    The body decides when it is recognisable (servers often send feeds as text/xml or
    text/html, and HTML error pages as application/rss+xml); the content type only when the
    first bytes say nothing.
    """
    head = _head(body)
    if not head:
        return False
    if _HTML_START.match(head) or b"\x00" in head:
        return False  # a web page, or binary
    if head.startswith((b"{", b"[")):
        return bool(_JSON_FEED_VERSION.search(head))
    if head.startswith(b"<") and _XML_ROOT.match(_skip_prolog(head)):
        return True
    kind = (content_type or "").lower()
    return any(t in kind for t in FEED_CONTENT_TYPES)


def parse_feed(body: bytes, base_url: str, *, limit: int | None = None) -> list[FeedEntry] | None:
    """The entries of a feed, in feed order, or None when `body` is not a feed.

    URLs are made absolute against `base_url` and normalised; entries without a usable
    http(s) URL are skipped, and an article listed twice is kept once. `limit` caps the
    number of entries returned.
    """
    head = _head(body)
    if not head:
        return None
    if head.startswith((b"{", b"[")):
        return _parse_json_feed(body, base_url, limit)
    if limit is not None:
        body = _truncate_items(body, limit * _TRUNCATE_SLACK + 10)
    import feedparser  # here, not at the top: a pass that reads no feed need not load it

    # A stream, never bytes: feedparser opens a bytes argument as a local file path if one
    # exists by that name, and a server must not be able to make us read our own files.
    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": base_url})
    if not parsed.get("version") and not parsed.get("entries"):
        return None
    return _collect(_xml_entries(parsed.get("entries", [])), base_url, limit)


def _head(body: bytes) -> bytes:
    """The first bytes of a body, without byte-order mark and leading whitespace."""
    head = body[:SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16: re-encode the start so the byte patterns below can match it.
        head = head.decode("utf-16", "ignore").encode("utf-8", "ignore")
    return head.removeprefix(_UTF8_BOM).lstrip()


def _skip_prolog(head: bytes) -> bytes:
    """`head` after the XML declaration, processing instructions, comments and DOCTYPE."""
    return _PROLOG.sub(b"", head).lstrip()


def _truncate_items(body: bytes, keep: int) -> bytes:
    """`body` with only its first `keep` items or entries, when it parses as plain XML."""
    parser = lxml.etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        root = lxml.etree.fromstring(body, parser)
    except (lxml.etree.LxmlError, ValueError):
        return body  # malformed: feedparser's forgiving parser gets it whole
    items = list(root.iter("{*}item", "{*}entry"))
    if len(items) <= keep:
        return body
    for item in items[keep:]:
        parent = item.getparent()
        if parent is not None:
            parent.remove(item)
    return bytes(lxml.etree.tostring(root, encoding="utf-8", xml_declaration=True))


def _xml_entries(entries: Iterable[Any]) -> Iterator[tuple[list[Any], Any, datetime | None]]:
    """(URL candidates, title, date) for each feedparser entry."""
    for entry in entries:
        # feedparser already turns a permalink <guid> into the link; an http(s) Atom <id> is
        # the last resort when there is no link at all.
        candidates = [entry.get("link"), _absolute(entry.get("id"))]
        # Atom requires <updated> but not <published>; the last update is a fair upper bound.
        # dict.get, not entry.get: FeedParserDict maps a missing `updated_parsed` onto
        # `published_parsed` with a DeprecationWarning.
        stamp = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
        title = entry.get("title")
        if "html" in (entry.get("title_detail") or {}).get("type", ""):
            title = _TAG.sub("", title) if isinstance(title, str) else title
        yield candidates, title, _from_struct_time(stamp)


def _absolute(value: object) -> str | None:
    """`value` when it is an absolute http(s) URL: ids like "8812" must not resolve to paths."""
    if isinstance(value, str) and re.match(r"\s*https?://", value, re.IGNORECASE):
        return value
    return None


def _from_struct_time(stamp: Any) -> datetime | None:
    """feedparser's dates are UTC `time.struct_time`s."""
    try:
        return datetime(*stamp[:6]).replace(tzinfo=UTC) if stamp else None
    except (TypeError, ValueError, OverflowError):
        return None


def _parse_json_feed(body: bytes, base_url: str, limit: int | None) -> list[FeedEntry] | None:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # bad JSON, bad encoding, absurd nesting
        return None
    if not isinstance(document, dict) or not _is_json_feed_version(document.get("version")):
        return None
    items = document.get("items")
    if not isinstance(items, list):
        return []

    def entries() -> Iterator[tuple[list[Any], Any, datetime | None]]:
        for item in items:
            if isinstance(item, dict):
                # `url` is the permalink; `external_url` points at someone else's page.
                candidates = [item.get("url"), _absolute(item.get("id"))]
                yield candidates, item.get("title"), _iso_date(item)

    return _collect(entries(), base_url, limit)


def _is_json_feed_version(version: object) -> bool:
    return isinstance(version, str) and bool(
        re.match(r"https?://jsonfeed\.org/version/", version, re.IGNORECASE)
    )


def _iso_date(item: dict[str, Any]) -> datetime | None:
    """JSON Feed dates are RFC 3339; a date without an offset is taken as UTC."""
    for key in ("date_published", "date_modified"):
        value = item.get(key)
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.strip())
            except ValueError:
                continue
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return None


def _collect(
    entries: Iterable[tuple[list[Any], Any, datetime | None]], base_url: str, limit: int | None
) -> list[FeedEntry]:
    """FeedEntries from raw (URL candidates, title, date): valid URLs only, first sight wins."""
    result: dict[str, FeedEntry] = {}
    for candidates, title, published in entries:
        if limit is not None and len(result) >= limit:
            break
        url = next(
            (u for c in candidates if isinstance(c, str) and (u := normalize_url(c, base_url))),
            None,
        )
        if url is not None and url not in result:
            result[url] = FeedEntry(url, _clean_title(title), published)
    return list(result.values())


def _clean_title(title: object) -> str | None:
    if not isinstance(title, str):
        return None
    return " ".join(title.split()) or None
