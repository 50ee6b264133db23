"""Noticing when a web archive forgets (`watch --archive CDX_URL URL_PATTERN`).

Each look reads what the archive's CDX index lists for the pattern (pages, 404s and
redirects, as an import would use) and the store compares it with what earlier looks
listed. Captures missing from two looks in a row become one `archive_removed` change per
article, saying which captures vanished and since when: detected at this look, last seen
in the listing before the first look that missed them. An archive that cannot be read is
noted on the watch and judged nothing from. Runs with every pass (`check`, `run`, the
scale-out scheduler): the watches whose time came, or every one for `check --all`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from scrubwatch.archives.cdx import timestamp_date, usable
from scrubwatch.discover import canonical_url, host_of
from scrubwatch.errors import ArchiveError, FetchError, StoreUnavailable
from scrubwatch.model import ArchiveWatch, Article, Change, ChangeKind
from scrubwatch.pipeline.services import Services
from scrubwatch.serialize import iso
from scrubwatch.store.records import ListedCapture, MissingCapture

log = logging.getLogger(__name__)

NAMED = 5  # vanished captures named in a summary; the JSON lists them all


async def check_archives(services: Services, *, every: bool = False) -> list[Change]:
    """Look at the archive watches that are due (or `every` one); the changes recorded."""
    now = services.clock.now()
    store = services.store
    watches = await asyncio.to_thread(store.archive_watches, due_at=None if every else now)
    changes: list[Change] = []
    for watch in watches:
        try:
            changes += await _look(services, watch, now)
        except StoreUnavailable:
            raise
        except Exception:  # a bug here costs this watch's look, never the pass
            log.exception("looking at %s for %s failed", watch.cdx_url, watch.pattern)
    return changes


async def watch_archive(
    services: Services, cdx_url: str, pattern: str
) -> tuple[ArchiveWatch, int, list[Change]]:
    """Start watching (or look again at) the index of `cdx_url` for `pattern`: the watch,
    the captures listed now, and any changes. Raises FetchError or ArchiveError, storing
    nothing, when the index cannot be read: a watch must start from a listing."""
    listed = await _listing(services, cdx_url, pattern)
    now = services.clock.now()
    watch = await asyncio.to_thread(services.store.add_archive_watch, cdx_url, pattern, now)
    return watch, len(listed), await _record(services, watch, listed, now)


async def _look(services: Services, watch: ArchiveWatch, now: datetime) -> list[Change]:
    assert watch.id is not None
    next_check = now + timedelta(hours=services.settings.archive_check_hours)
    try:
        listed = await _listing(services, watch.cdx_url, watch.pattern)
    except (FetchError, ArchiveError) as exc:
        log.warning("cannot read %s for %s: %s", watch.cdx_url, watch.pattern, exc)
        failed = services.store.archive_watch_failed
        await asyncio.to_thread(failed, watch.id, str(exc), now, next_check)
        return []
    return await _record(services, watch, listed, now)


async def _listing(services: Services, cdx_url: str, pattern: str) -> list[ListedCapture]:
    """What the index lists for the pattern: the captures an import could use."""
    services.fetcher.pace_at_least(cdx_url, services.settings.archive_min_delay)
    # The importer (and its retry library) loads when a watch is first looked at: every
    # pass asks for due watches, and most stores have none.
    from scrubwatch.pipeline.cdx_import import CdxImport, list_captures

    found = await list_captures(services.fetcher, CdxImport(cdx_url, pattern))
    return [ListedCapture(c.url, c.timestamp, c.status, c.digest) for c in found if usable(c)]


async def _record(
    services: Services, watch: ArchiveWatch, listed: list[ListedCapture], now: datetime
) -> list[Change]:
    """Remember one look's listing; report what two looks in a row did not list."""
    assert watch.id is not None
    next_check = now + timedelta(hours=services.settings.archive_check_hours)
    missing = await asyncio.to_thread(
        services.store.record_archive_listing, watch.id, listed, now, next_check
    )
    if not missing:
        return []
    return await asyncio.to_thread(_report, services, watch, missing, now)


def _report(
    services: Services, watch: ArchiveWatch, missing: Sequence[MissingCapture], now: datetime
) -> list[Change]:
    """One change per article whose captures vanished (a thread: it writes the store)."""
    assert watch.id is not None
    by_url: dict[str, list[MissingCapture]] = {}
    for capture in missing:
        by_url.setdefault(canonical_url(capture.url), []).append(capture)
    changes = []
    for url, captures in by_url.items():
        article = _article(services, url, now)
        assert article.id is not None
        change = explain(watch, url, captures, now, article.latest_version)
        change_id = services.store.record_archive_removal(watch.id, article.id, change, captures)
        changes.append(replace(change, id=change_id))
    return changes


def explain(
    watch: ArchiveWatch,
    url: str,
    captures: Sequence[MissingCapture],
    now: datetime,
    version: int | None = None,
) -> Change:
    """The change saying which captures of `url` the archive no longer lists; `version`:
    the article's latest here, named as `from_version` so that alerts and pages can give
    its headline and text (the archive's captures were of some version of it)."""
    moments = sorted(timestamp_date(c.timestamp) for c in captures)
    named = ", ".join(f"{m:%Y-%m-%d %H:%M}" for m in moments[:NAMED])
    more = f" and {len(moments) - NAMED} more" if len(moments) > NAMED else ""
    archive = urlsplit(watch.cdx_url).netloc
    count = f"{len(moments)} capture" + ("s" if len(moments) > 1 else "")
    last_listed = max(c.last_listed_at for c in captures)
    return Change(
        url=url,
        outlet=host_of(url),
        detected_at=now,
        kind=ChangeKind.ARCHIVE_REMOVED,
        from_version=version,
        to_version=None,
        summary=f"{archive} no longer lists {count} of this page (taken {named}{more} UTC)",
        last_seen_before=last_listed,
        extra={
            "archive": {
                "cdx_url": watch.cdx_url,
                "pattern": watch.pattern,
                "vanished": [iso(m) for m in moments],
                "missing_since": iso(min(c.missing_since for c in captures)),
                "last_listed_at": iso(last_listed),
            },
        },
    )


def _article(services: Services, url: str, now: datetime) -> Article:
    """The article the vanished captures were of (created as imported when unknown)."""
    from scrubwatch.pipeline.importing import known_from_archive

    return services.store.article(url) or known_from_archive(services.store, url, now)
