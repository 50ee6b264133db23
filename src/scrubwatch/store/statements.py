"""The statements every check runs, built once with bind parameters.

Building a SQLAlchemy statement per call (coercing each value into a bind parameter, then
computing the statement's cache key) cost more than running it: several hundred microseconds
a check. A statement built once keeps its cache key, so a call only binds values.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select, update

from scrubwatch.model import CaptureOutcome
from scrubwatch.store import schema as t

_captures, _versions, _articles = t.captures.c, t.versions.c, t.articles.c

CAPTURE_BY_KEY = select(t.captures).where(_captures.idempotency_key == bindparam("key"))

LATEST_VERSION = select(_articles.latest_version, _articles.state).where(
    _articles.id == bindparam("article")
)

# The highest version number an article has: a new version takes the next one. Not
# `latest_version`, which is the version the page shows now and drops back on a flip-back.
MAX_VERSION_NUMBER = select(func.max(_versions.number)).where(
    _versions.article_id == bindparam("article")
)

# Set the columns given as parameters, and count the check.
CHECKED = (
    update(t.articles)
    .where(_articles.id == bindparam("article"))
    .values(check_count=_articles.check_count + 1)
)

FIRST_BODY = (
    select(
        _captures.url,
        _captures.final_url,
        _captures.fetched_at,
        _captures.warc_file,
        _captures.warc_offset,
        _captures.warc_length,
    )
    .where(_captures.body_sha256 == bindparam("sha256"), _captures.warc_file.is_not(None))
    .order_by(_captures.id)
    .limit(1)
)

LATEST_200_HEADERS = (
    select(_captures.headers)
    .where(_captures.article_id == bindparam("article"), _captures.status == 200)
    .order_by(_captures.id.desc())
    .limit(1)
)

# A blocked capture (a wall answered) ends a run of failures too: the site is there, so a
# run that leads to "unreachable, deleted" counts failed captures after the last of them.
_LAST_OK = (
    select(_captures.id)
    .where(
        _captures.article_id == bindparam("article"),
        _captures.outcome != CaptureOutcome.FAILED.value,
    )
    .order_by(_captures.id.desc())
    .limit(1)
    .scalar_subquery()
)
FAILING_SINCE = (
    select(_captures.fetched_at)
    .where(
        _captures.article_id == bindparam("article"),
        _captures.outcome == CaptureOutcome.FAILED.value,
        _captures.id > func.coalesce(_LAST_OK, 0),
    )
    .order_by(_captures.id)
    .limit(1)
)

VERSION = select(t.versions).where(
    _versions.article_id == bindparam("article"), _versions.number == bindparam("number")
)

VERSION_BY_FINGERPRINT = (
    select(t.versions)
    .where(
        _versions.article_id == bindparam("article"),
        _versions.fingerprint == bindparam("fingerprint"),
    )
    .order_by(_versions.number)
    .limit(1)
)

CHANGE_EXISTS = (
    select(t.changes.c.id)
    .where(
        t.changes.c.article_id == bindparam("article"),
        t.changes.c.from_version == bindparam("from_version"),
        t.changes.c.to_version == bindparam("to_version"),
    )
    .limit(1)
)
