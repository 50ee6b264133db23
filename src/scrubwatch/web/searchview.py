"""Search results for pages and the API: snippets cut into plain and highlighted pieces.

Snippets come from the database with private-use markers around matches; splitting on them
here lets templates escape every piece and wrap only the matches in `<mark>`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from scrubwatch.serialize import iso
from scrubwatch.store.records import MARK_END, MARK_START, RemovedHit, RemovedKey, SearchHit

# A removed-text page key in a URL: `<article id>@<its last change, UTC>`, or the id alone
# for an article that never changed. Readable, and stable when the article changes again.
_KEY_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"


class BadKey(ValueError):
    """An `after=` value that is no page key (typed by hand, or cut short)."""


def key_token(key: RemovedKey) -> str:
    if key.changed_at is None:
        return str(key.article_id)
    return f"{key.article_id}@{key.changed_at.astimezone(UTC).strftime(_KEY_TIME)}"


def parse_key(token: str) -> RemovedKey:
    """The page key written by `key_token`; BadKey for anything else."""
    article, at, moment = token.partition("@")
    if not article.isascii() or not article.isdigit() or (at and not moment):
        raise BadKey(f"not a page key: {token!r}")
    try:
        changed_at = datetime.strptime(moment, _KEY_TIME).replace(tzinfo=UTC) if at else None
    except ValueError:
        raise BadKey(f"not a page key: {token!r}") from None
    return RemovedKey(changed_at, int(article))


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
