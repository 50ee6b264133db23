"""Scrub waves: changes of several outlets, close in time, about one story or term group.

Pure: the caller hands in the removals (deletions with their last text, edits with the text
they removed) of the time range that new changes can touch, and gets back groups of change
ids. Two removals are linked when they fall within the window of each other and either
report the same story (`signature.same_story`) or remove the same term group; a wave is a
connected group of links spanning at least two outlets. Candidates come from an inverted
index of `signature.index_keys`, so the cost follows the number of removals, not its square.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from scrubwatch.waves.signature import StorySignature, index_keys, same_story

# `same_story` needs a resemblance of 0.3 or eight shared name keys: a text that close shares
# several of its smallest hashes and names with the other, so an article filed under fewer of
# a wave's keys cannot be carrying its story. The most promising ones only are compared.
MIN_SHARED_KEYS = 3
CANDIDATES = 200
# A key filed under more removals than this (a year, a country every report names) is too
# common to find a story by; the sketch hashes and rarer names still do.
COMMON_KEY = 50


@dataclass(frozen=True, slots=True)
class Removal:
    """One change that removed text, as wave finding sees it."""

    change_id: int
    outlet: str
    at: datetime
    signature: StorySignature


@dataclass(frozen=True, slots=True)
class Cluster:
    """A wave as found: its changes (by id), outlets, and the term groups it removed."""

    change_ids: tuple[int, ...]
    outlets: tuple[str, ...]
    terms: tuple[str, ...]  # groups removed by at least two of its outlets
    started_at: datetime
    ended_at: datetime


def find_clusters(removals: Sequence[Removal], window: timedelta) -> list[Cluster]:
    """The waves among `removals`, oldest first."""
    parent = list(range(len(removals)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _linked_pairs(removals, window):
        parent[root(i)] = root(j)
    members: dict[int, list[Removal]] = defaultdict(list)
    for i, removal in enumerate(removals):
        members[root(i)].append(removal)
    clusters = [_cluster(group) for group in members.values()]
    waves = [c for c in clusters if len(c.outlets) >= 2]
    return sorted(waves, key=lambda c: (c.started_at, c.change_ids))


def _linked_pairs(removals: Sequence[Removal], window: timedelta) -> Iterable[tuple[int, int]]:
    """Pairs of indexes of removals that concern the same story or term group."""
    yield from _story_pairs(removals, window)
    by_group: dict[str, list[int]] = defaultdict(list)
    for i, removal in enumerate(removals):
        for group in removal.signature.groups:
            by_group[group].append(i)
    for posting in by_group.values():
        # Linking each removal to the next one in time gives the same groups as linking all
        # pairs within the window, in linear time however often the term is removed.
        ordered = sorted(posting, key=lambda i: removals[i].at)
        for i, j in itertools.pairwise(ordered):
            if removals[j].at - removals[i].at <= window:
                yield i, j


def _story_pairs(removals: Sequence[Removal], window: timedelta) -> Iterable[tuple[int, int]]:
    """Pairs that share an index key, are close in time and report the same story."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, removal in enumerate(removals):
        for key in index_keys(removal.signature):
            by_key[key].append(i)
    seen: set[tuple[int, int]] = set()
    for posting in by_key.values():
        if len(posting) > COMMON_KEY:
            continue
        for x, i in enumerate(posting):
            for j in posting[x + 1 :]:
                if (i, j) in seen:
                    continue
                seen.add((i, j))
                a, b = removals[i], removals[j]
                if abs(a.at - b.at) <= window and same_story(a.signature, b.signature):
                    yield i, j


def _cluster(group: list[Removal]) -> Cluster:
    outlets_by_group: dict[str, set[str]] = defaultdict(set)
    for removal in group:
        for label in removal.signature.groups:
            outlets_by_group[label].add(removal.outlet)
    return Cluster(
        change_ids=tuple(sorted(r.change_id for r in group)),
        outlets=tuple(sorted({r.outlet for r in group})),
        terms=tuple(sorted(g for g, o in outlets_by_group.items() if len(o) >= 2)),
        started_at=min(r.at for r in group),
        ended_at=max(r.at for r in group),
    )


def still_published(
    wave: Sequence[StorySignature],
    outlets: Iterable[str],
    candidates: Iterable[tuple[int, str, StorySignature]],
) -> list[int]:
    """Ids of candidate articles `(id, outlet, signature)` of other outlets that still carry
    the wave's story: the outlets that kept what the members removed."""
    members = set(outlets)
    return sorted(
        article_id
        for article_id, outlet, sig in candidates
        if outlet not in members and any(same_story(sig, w) for w in wave)
    )


def candidate_ids(
    keys: Iterable[str], postings: Mapping[str, Sequence[int]], exclude: Iterable[int] = ()
) -> list[int]:
    """Articles filed under at least MIN_SHARED_KEYS of `keys`, most shared first (at most
    CANDIDATES), from the story index's postings; `exclude` are the wave's own articles."""
    hits: Counter[int] = Counter()
    for key in set(keys):
        hits.update(postings.get(key, ()))
    for article_id in exclude:
        hits.pop(article_id, None)
    ranked = sorted((-n, article_id) for article_id, n in hits.items() if n >= MIN_SHARED_KEYS)
    return [article_id for _, article_id in ranked[:CANDIDATES]]
