"""Keeping scrub waves up to date after each pass: sign what is new, regroup what it touches.

Three incremental steps, each bounded by what changed since the last call:
1. file the current version of articles whose text changed in the story index (versions
   after a cursor), so outlets that keep a story can be found;
2. sign the edits and deletions recorded since (changes after a cursor): a deletion with
   its last version's text, an edit with the text it removed;
3. regroup the removals within a window of the new ones (`waves.find_clusters`) and file
   each wave that holds a new removal, with the outlets still publishing its story.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from scrubwatch.config import Settings
from scrubwatch.model import Change, ChangeKind, Severity
from scrubwatch.store import Store
from scrubwatch.store.records import (
    CHANGES,
    VERSIONS,
    FoundWave,
    RemovalSource,
    StoredRemoval,
)
from scrubwatch.text import TermGroup, term_groups
from scrubwatch.waves import (
    Removal,
    candidate_ids,
    find_clusters,
    index_keys,
    sign,
    still_published,
)

BATCH = 500
# Changes committed this recently are looked at again (PostgreSQL writers may commit out of
# id order; the same margin as alert queueing).
LOOKBACK = timedelta(minutes=10)
SHOWN_REMOVED = 600  # characters of removed text kept for pages


@dataclass
class WaveUpdate:
    """What one `update_waves` call did."""

    indexed: int = 0  # article versions filed in the story index
    signed: int = 0  # new removals
    waves: tuple[int, ...] = ()  # ids of the waves found or grown


def update_waves(store: Store, settings: Settings, now: datetime) -> WaveUpdate:
    """Bring waves up to date with the changes recorded since the last call."""
    groups = term_groups(settings.watch_terms)
    report = WaveUpdate(indexed=_index_versions(store, groups, now))
    new = _sign_removals(store, groups, now)
    report.signed = len(new)
    if new:
        window = timedelta(hours=settings.wave_window_hours)
        report.waves = _regroup(store, new, window, now)
    return report


def _index_versions(store: Store, groups: tuple[TermGroup, ...], now: datetime) -> int:
    done = 0
    since: datetime | None = now - LOOKBACK
    while batch := store.story_sources(store.wave_cursor(VERSIONS), since=since, limit=BATCH):
        since = None
        entries = [
            (s, sign(f"{s.title or ''}\n{s.text}", groups=groups, language=s.language))
            for s in batch
        ]
        store.save_story_index(entries, max(s.version_row for s in batch))
        done += len(batch)
        if len(batch) < BATCH:
            break
    return done


def _sign_removals(
    store: Store, groups: tuple[TermGroup, ...], now: datetime
) -> list[StoredRemoval]:
    signed: list[StoredRemoval] = []
    since: datetime | None = now - LOOKBACK
    while batch := store.removal_sources(store.wave_cursor(CHANGES), since=since, limit=BATCH):
        found = [r for r in (_signed(source, groups) for source in batch) if r is not None]
        store.save_removals(found, max(s.change.id or 0 for s in batch))
        signed += found
        since = None
        if len(batch) < BATCH:
            break
    return signed


def removed_text(change: Change, old_text: str, title: str | None) -> str:
    """What a change took away: a deleted article's whole text, or the sentences, quotes
    and headline an edit removed or rewrote ("" for an edit that only added or fixed)."""
    if change.kind == ChangeKind.DELETED:
        return f"{title or ''}\n{old_text}".strip()
    diff = change.diff
    if diff is None or change.severity == Severity.MINOR:
        return ""
    parts = [*diff.sentences_removed, *(p.before for p in diff.sentences_changed)]
    parts += [*diff.quotes_removed, *diff.terms_removed]
    if diff.title is not None:
        parts.insert(0, diff.title.before)
    return "\n".join(p for p in parts if p)


def _signed(source: RemovalSource, groups: tuple[TermGroup, ...]) -> StoredRemoval | None:
    change = source.change
    text = removed_text(change, source.old_text, source.title)
    if not text or change.id is None:
        return None
    if change.kind == ChangeKind.DELETED and source.indexed is not None:
        signature = source.indexed  # signed from the same text when the index filed it
    else:
        signature = sign(text, groups=groups, language=source.language)
    return StoredRemoval(
        change_id=change.id,
        article_id=source.article_id,
        outlet=change.outlet,
        detected_at=change.detected_at,
        title=source.title,
        removed=text[:SHOWN_REMOVED],
        signature=signature,
    )


def _regroup(
    store: Store, new: list[StoredRemoval], window: timedelta, now: datetime
) -> tuple[int, ...]:
    start = min(r.detected_at for r in new) - window
    end = max(r.detected_at for r in new) + window
    known = store.removals_between(start, end)
    removals = [Removal(r.change_id, r.outlet, r.detected_at, r.signature) for r in known]
    fresh = {r.change_id for r in new}
    by_id = {r.change_id: r for r in known}
    clusters = [
        c for c in find_clusters(removals, window) if not fresh.isdisjoint(c.change_ids)
    ]  # a wave with nothing new in it was filed when it was found
    members = [[by_id[i] for i in c.change_ids] for c in clusters]
    keys = [[key for m in group for key in index_keys(m.signature)] for group in members]
    postings = store.story_postings([key for wave in keys for key in wave])
    chosen = [
        candidate_ids(wave_keys, postings, {m.article_id for m in group})
        for wave_keys, group in zip(keys, members, strict=True)
    ]
    live = {c[0]: c for c in store.story_signatures([i for ids in chosen for i in ids])}
    found = []
    for cluster, group, ids in zip(clusters, members, chosen, strict=True):
        candidates = [live[i] for i in ids if i in live]
        kept = still_published([m.signature for m in group], cluster.outlets, candidates)
        titles = [m.title for m in sorted(group, key=lambda m: m.detected_at) if m.title]
        found.append(
            FoundWave(
                change_ids=cluster.change_ids,
                terms=cluster.terms,
                still_published=tuple(kept),
                started_at=cluster.started_at,
                ended_at=cluster.ended_at,
                outlets=cluster.outlets,
                title=titles[0] if titles else None,
            )
        )
    return tuple(dict.fromkeys(store.save_waves(found, now)))
