"""Alert messages that read well on a phone: pure formatting, no I/O.

A message says what happened to which article of which outlet, the one-line summary, then
the evidence a reader acts on (removed quotes, terms, changed figures) and a link to the
diff page of the web UI. Long lists are cut: an alert points at the evidence, the web page
holds all of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from scrubwatch.model import Change, ChangeKind, DeletionKind, Severity
from scrubwatch.serialize import iso, window_text
from scrubwatch.waves import WaveRecord

MAX_ITEMS = 5
MAX_CHARS = 300

DELETION_WORDS = {
    DeletionKind.HTTP_404: "the page now answers 404 Not Found",
    DeletionKind.HTTP_410: "the page now answers 410 Gone",
    DeletionKind.REDIRECT: "the page now redirects elsewhere",
    DeletionKind.SOFT_404: "the page now shows a 'not found' notice",
    DeletionKind.EMPTIED: "the page is there but the article text is gone",
}


# One change of a digest: the change, its link, its headline, the watched terms it matched.
DigestPart = tuple[Change, str | None, str | None, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Message:
    """A title (e-mail subject, notification headline) and a plain-text body."""

    title: str
    body: str


def change_link(base_url: str, change: Change, article_id: int | None = None) -> str:
    """The web page showing this change: the diff of its two versions when it has both."""
    base = base_url.rstrip("/")
    if article_id is None:
        return f"{base}/article?url={quote(change.url, safe='')}"
    if change.from_version and change.to_version:
        return (
            f"{base}/articles/{article_id}/diff?from={change.from_version}&to={change.to_version}"
        )
    return f"{base}/articles/{article_id}"


def kind_phrase(change: Change) -> str:
    """ "Edited", "Deleted", "Restored", "Gone from a web archive", with minor edits said
    so."""
    if change.kind == ChangeKind.EDITED:
        return "Minor edit" if change.severity == Severity.MINOR else "Edited"
    return {
        ChangeKind.DELETED: "Deleted",
        ChangeKind.RESTORED: "Restored",
        ChangeKind.ARCHIVE_REMOVED: "Gone from a web archive",
    }[change.kind]


def headline_of(change: Change, headline: str | None) -> str:
    """The article's headline: after an edit of it, else the one stored, else the URL."""
    title = change.diff.title if change.diff else None
    if title is not None:
        return title.after or title.before
    return headline or change.url


def format_change(
    change: Change,
    *,
    link: str | None,
    headline: str | None = None,
    matched: tuple[str, ...] = (),
) -> Message:
    """One alert for one change."""
    return Message(
        title=_cut(f"{kind_phrase(change)} on {change.outlet}: {headline_of(change, headline)}"),
        body="\n".join(_lines(change, link, headline, matched)),
    )


def format_digest(rule_name: str, parts: Sequence[DigestPart]) -> Message:
    """Several changes of one rule in one message: (change, link, headline, matched) each."""
    if len(parts) == 1:
        change, link, headline, matched = parts[0]
        return format_change(change, link=link, headline=headline, matched=matched)
    sections = [
        "\n".join(_lines(change, link, headline, matched))
        for change, link, headline, matched in parts
    ]
    title = f"{len(parts)} changes for alert {rule_name!r}"
    return Message(title=title, body="\n\n---\n\n".join(sections))


def format_wave(wave: WaveRecord, link: str | None, matched: tuple[str, ...] = ()) -> Message:
    """One alert for a scrub wave: which outlets removed the story, when, and who kept it."""
    outlets = ", ".join(wave.outlets)
    title = f"Scrub wave: {len(wave.outlets)} outlets removed {wave.title or 'one story'}"
    lines = [
        f"{len(wave.outlets)} outlets removed the same story: {outlets}",
        f"Between: {iso(wave.started_at)} and {iso(wave.ended_at)}",
    ]
    if wave.title:
        lines.append(f"Story: {_cut(wave.title)}")
    if wave.terms:
        lines.append(f"Removed terms: {', '.join(wave.terms)}")
    lines += [f"  - {m.outlet} {m.kind} {m.url}" for m in wave.members[: MAX_ITEMS * 2]]
    lines += _more(len(wave.members) - MAX_ITEMS) if len(wave.members) > MAX_ITEMS * 2 else []
    lines += [f"Still published: {url}" for url in wave.still_published[:MAX_ITEMS]]
    if matched:
        lines.append(f"Watched terms: {', '.join(matched)}")
    if link:
        lines.append(f"See the wave: {link}")
    return Message(title=_cut(title), body="\n".join(lines))


def _lines(
    change: Change, link: str | None, headline: str | None, matched: tuple[str, ...]
) -> list[str]:
    lines = [
        f"{kind_phrase(change)}: {_cut(headline_of(change, headline))}",
        f"Outlet: {change.outlet}",
        f"Article: {change.url}",
        f"Detected: {iso(change.detected_at)}",
    ]
    window = window_text(change)
    if window:
        lines.append(f"When: {window}")
    if change.summary:
        lines.append(f"What changed: {_cut(change.summary)}")
    if change.kind == ChangeKind.DELETED and change.deletion is not None:
        lines.append(f"How: {DELETION_WORDS[change.deletion]}")
        if change.redirect_to:
            lines.append(f"Redirects to: {change.redirect_to}")
    lines += _evidence(change)
    if matched:
        lines.append(f"Watched terms: {', '.join(matched)}")
    if link:
        lines.append(f"See the evidence: {link}")
    return lines


def _evidence(change: Change) -> list[str]:
    diff = change.diff
    if diff is None:
        return []
    lines = []
    if diff.title is not None and diff.title.after:
        lines.append(f"Headline was: {_cut(diff.title.before)}")
    if diff.quotes_removed:
        lines.append("Quotes removed:")
        lines += [f"  - “{_cut(q)}”" for q in diff.quotes_removed[:MAX_ITEMS]]
        lines += _more(len(diff.quotes_removed))
    if diff.terms_removed:
        shown = ", ".join(diff.terms_removed[: MAX_ITEMS * 2])
        extra = len(diff.terms_removed) - MAX_ITEMS * 2
        lines.append(f"Terms removed: {shown}" + (f" and {extra} more" if extra > 0 else ""))
    if diff.numbers_changed:
        lines.append("Figures changed:")
        lines += [
            f"  - {p.before} → {p.after if p.after is not None else '(removed)'}"
            for p in diff.numbers_changed[:MAX_ITEMS]
        ]
        lines += _more(len(diff.numbers_changed))
    if diff.sentences_removed and not diff.quotes_removed:
        lines.append("Sentences removed:")
        lines += [f"  - {_cut(s)}" for s in diff.sentences_removed[:MAX_ITEMS]]
        lines += _more(len(diff.sentences_removed))
    return lines


def _more(count: int) -> list[str]:
    return [f"  ... and {count - MAX_ITEMS} more"] if count > MAX_ITEMS else []


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1].rstrip() + "…"
