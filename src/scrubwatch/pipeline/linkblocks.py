"""Blocks that came or went between two captures and are all link text: chrome, by history.

Teaser headlines and "related" links that the extractor keeps change from one fetch of an
unchanged article to the next. Structure catches rows of them before extraction
(`extract.cards`); this catches the rest afterwards: a block that is in one version and not
in the other, and that is nothing but link text on the page that shows it (the new page, or
the archived page of the previous version), is left out of both sides of the comparison.
Blocks on both sides are never touched, so an unchanged article costs nothing here.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from scrubwatch.errors import StorageError, StoreUnavailable
from scrubwatch.extract.links import link_only_texts, text_key
from scrubwatch.model import Document, Version
from scrubwatch.pipeline.services import Services

log = logging.getLogger(__name__)


def without_changed_link_blocks(
    services: Services,
    previous: Version,
    document: Document,
    body: bytes | None,
    content_type: str | None,
) -> tuple[Document, Document]:
    """(previous, current) without the link-only blocks that only one of them has."""
    old, new = previous.document, document
    old_keys = {text_key(p) for p in old.paragraphs}
    new_keys = {text_key(p) for p in new.paragraphs}
    if any(text_key(p) not in old_keys for p in new.paragraphs) and body:
        new = _without(new, old_keys, link_only_texts(body, content_type))
    if any(text_key(p) not in new_keys for p in old.paragraphs):
        archived = _archived_body(services, previous)
        if archived is not None:
            old = _without(old, new_keys, link_only_texts(*archived))
    return old, new


def _without(document: Document, other: set[str], links: frozenset[str]) -> Document:
    """The document without its blocks that the other side lacks and that are links only."""
    kept = tuple(
        p for p in document.paragraphs if (key := text_key(p)) in other or key not in links
    )
    return document if kept == document.paragraphs else replace(document, paragraphs=kept)


def _archived_body(services: Services, version: Version) -> tuple[bytes, str | None] | None:
    """The body and content type of the capture that first showed `version`, from the WARC
    archive (following a revisit record to the first copy of the body); None if unreadable."""
    if version.capture_id is None:
        return None
    store, archive = services.store, services.archive
    try:
        capture = store.capture(version.capture_id)
        if capture is None or capture.warc is None:
            return None
        record = archive.read(capture.warc)
        if record.record_type == "revisit" and capture.body_sha256:
            first = store.first_body(capture.body_sha256)
            record = archive.read(first.warc) if first is not None else record
    except StoreUnavailable:
        raise
    except StorageError as exc:
        log.warning("previous page of %s unreadable: %s", version.article_id, exc)
        return None
    content_type = next((v for k, v in record.headers if k.lower() == "content-type"), None)
    return record.body, content_type
