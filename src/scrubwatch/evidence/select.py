"""Which captures prove a change, and their archived records.

For a change the proof is two captures: the last one that still showed the old text (for a
deletion, the last good look before it) and the one that showed the change (for a deletion,
the 404/410/redirect/soft-404 answer). For `--article` it is every archived capture.

A capture whose body was already archived is a `revisit` record without a body; the response
record it points at travels with it, or a replay tool (and `verify`) could not find the body.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrubwatch.errors import EvidenceError, StorageError, UsageError
from scrubwatch.evidence.records import RecordInfo, only_record
from scrubwatch.model import Capture, CaptureOutcome, Change, ChangeKind, Version
from scrubwatch.store import Store
from scrubwatch.store.warc import WarcArchive


@dataclass(frozen=True, slots=True)
class Proof:
    """One capture with its archived record bytes, exactly as the archive holds them."""

    role: str  # "before", "after", or "capture" (an article's whole history)
    capture: Capture
    record: bytes
    info: RecordInfo
    original: bytes | None  # a revisit's response record, holding the body
    original_info: RecordInfo | None
    title: str | None
    request: bytes | None = None  # the request record archived with it, if the archive has one

    @property
    def body(self) -> bytes:
        """The response body this capture received (a revisit's comes from its original)."""
        source = self.original_info if self.original_info is not None else self.info
        return source.payload


@dataclass(frozen=True, slots=True)
class Selection:
    """What a bundle is about: one change and its two captures, or an article's history."""

    url: str
    proofs: tuple[Proof, ...]
    change: Change | None = None
    article_versions: tuple[Version, ...] = ()


def change_selection(store: Store, archive: WarcArchive, change_id: int) -> Selection:
    """The change with this id, with the capture before it and the capture that showed it."""
    change = next((c for c in store.changes() if c.id == change_id), None)
    if change is None:
        raise UsageError(f"no change with id {change_id}")
    article = store.article(change.url)
    if article is None or article.id is None:
        raise UsageError(f"the article of change {change_id} is no longer in the store")
    if change.kind == ChangeKind.ARCHIVE_REMOVED:
        raise EvidenceError(
            f"change {change_id} is what a web archive's index stopped listing, not a capture "
            "made here: its JSON (changes --json) names the vanished captures"
        )
    captures = store.captures(article.id)
    after = next((c for c in captures if c.id == change.capture_id), None)
    if after is None or after.warc is None:
        raise EvidenceError(f"change {change_id} has no archived capture to show it")
    before = _last_before(captures, after, change.from_version)
    if before is None:
        raise EvidenceError(f"change {change_id} has no archived capture from before it")
    versions = {v.number: v for v in store.versions(article.id)}
    proofs = tuple(
        proof_of(store, archive, role, capture, versions)
        for role, capture in (("before", before), ("after", after))
    )
    return Selection(change.url, proofs, change, tuple(versions.values()))


def article_selection(store: Store, archive: WarcArchive, url: str) -> Selection:
    """Every archived capture of one article, oldest first."""
    article = store.article(url.strip())
    if article is None or article.id is None:
        raise UsageError(f"not a watched article: {url}")
    versions = {v.number: v for v in store.versions(article.id)}
    archived = [c for c in store.captures(article.id) if c.warc is not None]
    if not archived:
        raise EvidenceError(f"{url} has no archived capture yet")
    archived.sort(key=lambda c: (c.fetched_at, c.id or 0))
    proofs = tuple(proof_of(store, archive, "capture", c, versions) for c in archived)
    return Selection(article.url, proofs, None, tuple(versions.values()))


def _last_before(
    captures: list[Capture], after: Capture, from_version: int | None
) -> Capture | None:
    """The latest archived capture before `after` that showed the old state.

    With a version to look for, that is the last capture showing it; a restoration (no
    version before) looks for the last capture that found the page gone.
    """
    earlier = [
        c
        for c in captures
        if c.warc is not None
        and (c.fetched_at, c.id or 0) < (after.fetched_at, after.id or 0)
        and not c.outcome.is_failure
    ]
    earlier.sort(key=lambda c: (c.fetched_at, c.id or 0))
    if from_version is not None:
        matching = [c for c in earlier if c.version == from_version]
    else:
        matching = [c for c in earlier if c.outcome is CaptureOutcome.GONE]
    found = matching or earlier
    return found[-1] if found else None


def proof_of(
    store: Store,
    archive: WarcArchive,
    role: str,
    capture: Capture,
    versions: dict[int, Version],
) -> Proof:
    """One archived capture's record (and a revisit's original), read from the archive."""
    assert capture.warc is not None
    try:
        record = archive.raw(capture.warc)
        info = only_record(record)
    except (StorageError, ValueError) as exc:
        raise EvidenceError(f"capture {capture.id}: archived record unreadable: {exc}") from exc
    original = original_info = None
    if info.record_type == "revisit" and capture.body_sha256:
        first = store.first_body(capture.body_sha256)
        if first is None:
            raise EvidenceError(f"capture {capture.id}: the body its revisit points at is gone")
        original = archive.raw(first.warc)
        original_info = only_record(original)
    version = versions.get(capture.version) if capture.version is not None else None
    title = version.document.title if version is not None else None
    request = archive.request_after(capture.warc, info.record_id)
    return Proof(role, capture, record, info, original, original_info, title, request)
