"""The one-line, plain-language account of a Diff that a journalist reads first.

Example: "Headline changed; 3 sentences removed (mention 'Zangezur corridor'); 1 sentence
rewritten; quote by Liu Jianchao removed; $3.7 billion → $3.2 billion".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scrubwatch.model import Diff, TextPair
from scrubwatch.text import has_cjk

_MAX_MENTIONS = 3
_MAX_QUOTES = 3
_MAX_FIGURES = 4
_QUOTE_OPENING_WORDS = 6
_QUOTE_OPENING_CJK_CHARS = 12


@dataclass(frozen=True, slots=True)
class Notes:
    """What the summary needs beyond the Diff itself."""

    title_cosmetic: bool = False
    corrected: int = 0  # how many of the changed sentences are cosmetic fixes
    mentions: tuple[str, ...] = ()  # terms named by the removed sentences, best first
    speakers: tuple[str | None, ...] = ()  # one per removed quote


def summarize(diff: Diff, notes: Notes) -> str:
    """One line: what changed, most telling first, separated by semicolons."""
    parts = [
        *_headline_parts(diff, notes),
        *_sentence_parts(diff, notes),
        *_quote_parts(diff.quotes_removed, notes.speakers),
    ]
    unmentioned = [t for t in diff.terms_removed if t not in notes.mentions]
    if unmentioned:
        parts.append("no longer mentions " + _listed(unmentioned[:_MAX_MENTIONS]))
    parts.extend(_figure_parts(diff.numbers_changed))
    line = "; ".join(parts) or "Text changed"
    return line[0].upper() + line[1:]


def _headline_parts(diff: Diff, notes: Notes) -> list[str]:
    parts: list[str] = []
    if diff.title is not None:
        if not diff.title.after:
            parts.append("Headline removed")
        elif not diff.title.before:
            parts.append("Headline added")
        else:
            parts.append("Headline corrected" if notes.title_cosmetic else "Headline changed")
    if diff.byline is not None:
        parts.append("Byline removed" if not diff.byline.after else "Byline changed")
    return parts


def _sentence_parts(diff: Diff, notes: Notes) -> list[str]:
    parts: list[str] = []
    if diff.sentences_removed:
        part = _count(len(diff.sentences_removed), "sentence") + " removed"
        if notes.mentions:
            part += f" (mention {_listed(notes.mentions[:_MAX_MENTIONS])})"
        parts.append(part)
    if diff.sentences_added:
        parts.append(_count(len(diff.sentences_added), "sentence") + " added")
    rewritten = len(diff.sentences_changed) - notes.corrected
    if rewritten:
        parts.append(_count(rewritten, "sentence") + " rewritten")
    if notes.corrected:
        parts.append(
            _count(notes.corrected, "sentence") + " corrected (spelling, punctuation or casing)"
        )
    return parts


def _quote_parts(quotes: Sequence[str], speakers: Sequence[str | None]) -> list[str]:
    parts: list[str] = []
    for index, quote in enumerate(quotes[:_MAX_QUOTES]):
        speaker = speakers[index] if index < len(speakers) else None
        who = f"by {speaker}" if speaker else _opening(quote)
        parts.append(f"quote {who} removed")
    if len(quotes) > _MAX_QUOTES:
        parts.append(f"{len(quotes) - _MAX_QUOTES} more quotes removed")
    return parts


def _figure_parts(figures: Sequence[TextPair]) -> list[str]:
    parts = [
        f"{pair.before} → {pair.after}" if pair.after else f"figure {pair.before} removed"
        for pair in figures[:_MAX_FIGURES]
    ]
    if len(figures) > _MAX_FIGURES:
        parts.append(f"{len(figures) - _MAX_FIGURES} more figures changed")
    return parts


def _opening(quote: str) -> str:
    """The first words of a quote, enough to recognise it."""
    if has_cjk(quote) and " " not in quote:
        short = quote[:_QUOTE_OPENING_CJK_CHARS]
    else:
        short = " ".join(quote.split()[:_QUOTE_OPENING_WORDS])
    return f'"{short}…"' if short != quote else f'"{quote}"'


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _listed(terms: Sequence[str]) -> str:
    return ", ".join(f"'{t}'" for t in terms)
