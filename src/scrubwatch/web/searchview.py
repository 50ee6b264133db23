"""Search results for pages and the API: snippets cut into plain and highlighted pieces.

Snippets come from the database with private-use markers around matches; splitting on them
here lets templates escape every piece and wrap only the matches in `<mark>`.
"""

from __future__ import annotations

from typing import Any

from scrubwatch.serialize import iso
from scrubwatch.store.records import MARK_END, MARK_START, RemovedHit, SearchHit


def snippet_pieces(snippet: str) -> list[tuple[str, bool]]:
    """(text, is_match) pieces of a marked snippet, in order."""
    pieces: list[tuple[str, bool]] = []
    for i, chunk in enumerate(snippet.split(MARK_START)):
        if i == 0:
            pieces.append((chunk, False))
            continue
        match, _, rest = chunk.partition(MARK_END)
        pieces += [(match, True), (rest, False)]
    return [(text, hit) for text, hit in pieces if text]


def plain_snippet(snippet: str) -> str:
    return snippet.replace(MARK_START, "").replace(MARK_END, "")


def search_to_json(hit: SearchHit) -> dict[str, Any]:
    return {
        "article_id": hit.article_id,
        "url": hit.url,
        "outlet": hit.outlet,
        "version": hit.version,
        "latest_version": hit.latest_version,
        "first_seen": iso(hit.first_seen),
        "title": hit.title,
        "snippet": plain_snippet(hit.snippet),
        "matches": [text for text, is_match in snippet_pieces(hit.snippet) if is_match],
    }


def removed_to_json(hit: RemovedHit) -> dict[str, Any]:
    return {
        "article_id": hit.article_id,
        "url": hit.url,
        "outlet": hit.outlet,
        "title": hit.title,
        "last_version_with": hit.last_with,
        "latest_version": hit.latest_version,
        "gone": hit.gone,
        "removed_at": iso(hit.removed_at) if hit.removed_at else None,
        "last_change_at": iso(hit.changed_at) if hit.changed_at else None,
    }
