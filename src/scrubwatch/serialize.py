"""JSON shapes: the change contract (`changes --json`, `/api/changes`) and stored details.

One place turns domain objects into plain dicts and back, so the CLI, the web API and the
store cannot disagree on field names. Field names of the contract never change; new fields
may be added.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from scrubwatch.model import Change, Diff, Document, Severity, TextPair, Version


def pair_to_dict(pair: TextPair | None) -> dict[str, str | None] | None:
    return None if pair is None else {"before": pair.before, "after": pair.after}


def pair_from_dict(data: Any) -> TextPair | None:
    if not data:
        return None
    return TextPair(before=str(data["before"]), after=data.get("after"))


def diff_to_dict(diff: Diff) -> dict[str, Any]:
    """The stored form of a Diff (also the body of the change contract)."""
    return {
        "severity": diff.severity.value,
        "title": pair_to_dict(diff.title),
        "byline": pair_to_dict(diff.byline),
        "sentences": {
            "removed": list(diff.sentences_removed),
            "added": list(diff.sentences_added),
            "changed": [pair_to_dict(p) for p in diff.sentences_changed],
        },
        "quotes_removed": list(diff.quotes_removed),
        "terms_removed": list(diff.terms_removed),
        "numbers_changed": [pair_to_dict(p) for p in diff.numbers_changed],
        "summary": diff.summary,
    }


def diff_from_dict(data: dict[str, Any]) -> Diff:
    sentences = data.get("sentences") or {}
    return Diff(
        severity=Severity(data["severity"]),
        title=pair_from_dict(data.get("title")),
        byline=pair_from_dict(data.get("byline")),
        sentences_removed=tuple(sentences.get("removed", ())),
        sentences_added=tuple(sentences.get("added", ())),
        sentences_changed=tuple(
            p for p in (pair_from_dict(d) for d in sentences.get("changed", ())) if p
        ),
        quotes_removed=tuple(data.get("quotes_removed", ())),
        terms_removed=tuple(data.get("terms_removed", ())),
        numbers_changed=tuple(
            p for p in (pair_from_dict(d) for d in data.get("numbers_changed", ())) if p
        ),
        summary=str(data.get("summary", "")),
    )


def change_to_json(change: Change) -> dict[str, Any]:
    """A change as the contract (`contract/change.schema.json`) describes it."""
    diff = change.diff
    data: dict[str, Any] = {
        "id": change.id,
        "url": change.url,
        "outlet": change.outlet,
        "detected_at": iso(change.detected_at),
        "kind": change.kind.value,
        "severity": change.severity.value if change.severity else None,
        "deletion": change.deletion.value if change.deletion else None,
        "from_version": change.from_version,
        "to_version": change.to_version,
        "title": pair_to_dict(diff.title) if diff else None,
        "byline": pair_to_dict(diff.byline) if diff else None,
        "sentences": {
            "removed": list(diff.sentences_removed) if diff else [],
            "added": list(diff.sentences_added) if diff else [],
            "changed": [pair_to_dict(p) for p in diff.sentences_changed] if diff else [],
        },
        "quotes_removed": list(diff.quotes_removed) if diff else [],
        "terms_removed": list(diff.terms_removed) if diff else [],
        "numbers_changed": [pair_to_dict(p) for p in diff.numbers_changed] if diff else [],
        "redirect_to": change.redirect_to,
        "summary": change.summary,
        "last_seen_before": iso(change.last_seen_before) if change.last_seen_before else None,
        "source": change.source,
    }
    for key, value in change.extra.items():  # extra facts may add fields, never replace them
        data.setdefault(key, value)
    return data


def document_to_json(doc: Document, source: str, error: str | None = None) -> dict[str, Any]:
    """A Document as `contract/document.schema.json` describes it (one line of `extract`)."""
    return {
        "source": source,
        "url": doc.canonical_url,
        "title": doc.title,
        "byline": doc.byline,
        "published": doc.published,
        "updated": doc.updated,
        "language": doc.language,
        "paragraphs": list(doc.paragraphs),
        "text": doc.text,
        "error": error,
    }


def version_to_json(version: Version) -> dict[str, Any]:
    """One entry of `history --json`."""
    doc = version.document
    return {
        "number": version.number,
        "first_seen": iso(version.first_seen),
        "title": doc.title,
        "byline": doc.byline,
        "published": doc.published,
        "updated": doc.updated,
        "language": doc.language,
        "canonical_url": doc.canonical_url,
        "text": doc.text,
        "paragraphs": list(doc.paragraphs),
        "fingerprint": version.fingerprint,
    }


def window_text(change: Change) -> str | None:
    """When the change happened, as far as captures tell: "between 2026-12-02 14:02 and
    14:17 UTC" (the date again only when the day differs); None when nothing came before."""
    start, end = change.last_seen_before, change.detected_at
    if start is None:
        return None
    archive = archive_of(change)
    if archive is not None and archive.get("missing_since"):
        # vanished between the last listing that had the captures and the first that did not
        end = datetime.fromisoformat(str(archive["missing_since"]))
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    until = f"{end:%H:%M}" if start.date() == end.date() else f"{end:%Y-%m-%d %H:%M}"
    return f"between {start:%Y-%m-%d %H:%M} and {until} UTC"


def archive_of(change: Change) -> dict[str, Any] | None:
    """For archive_removed: the archive's CDX URL, the pattern watched and the vanished
    captures' times (`vanished`, ISO-8601); None for other changes."""
    found = change.extra.get("archive")
    return found if isinstance(found, dict) else None


def iso(moment: datetime) -> str:
    """ISO-8601 with offset, second precision."""
    return moment.isoformat(timespec="seconds")
