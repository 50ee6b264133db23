"""Page keys in URLs: where the next page of a long list starts (`store.records.PageKey`).

Written `<id>@<time, UTC>`, or the id alone for a row without a time: readable, and a page
asked for with it starts in the same place however many rows were added at the top since.
A value that is no key (typed by hand, cut short) is a 400 with a clear message.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import HTTPException
from starlette.datastructures import URL

from scrubwatch.store.records import PageKey

_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"
# The longest key is an id and a time: a bound for the query parameter.
MAX_KEY_LENGTH = 80


def key_token(key: PageKey) -> str:
    if key.at is None:
        return str(key.id)
    return f"{key.id}@{key.at.astimezone(UTC).strftime(_TIME)}"


def parse_key(token: str | None) -> PageKey | None:
    """The key `key_token` wrote (None for no token); HTTP 400 for anything else."""
    if not token:
        return None
    number, at, moment = token.partition("@")
    # An id is a positive 64-bit integer: a longer one is no key (SQLite could not bind it).
    if not number.isascii() or not number.isdigit() or len(number) > 18 or (at and not moment):
        raise HTTPException(400, f"not a page key: {token!r}")
    try:
        when = datetime.strptime(moment, _TIME).replace(tzinfo=UTC) if at else None
    except ValueError:
        raise HTTPException(400, f"not a page key: {token!r}") from None
    return PageKey(when, int(number))


def url_after(url: URL, key: PageKey, *, instead_of: str) -> URL:
    """`url` asking for the page after `key`, without the page parameter (`page`, `offset`)
    that a key replaces."""
    return url.remove_query_params(instead_of).include_query_params(after=key_token(key))


def first_page(url: URL) -> URL:
    """`url` back at the top of its list: a key has no way back but to the start."""
    return url.remove_query_params(["after", "page"])
