"""The one-line, plain-language account of a Diff that a journalist reads first.

What matters most comes first: watched terms the article dropped, then the headline, quotes
removed (with who said them), figures changed, other names dropped, and last how many
sentences moved in or out. Example: "watched term 'Zangezur corridor' removed; quote by
Liu Jianchao removed; $3.7 billion → $3.2 billion; no longer mentions 'Nakhchivan';
3 sentences removed, 1 rewritten".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scrubwatch.model import Diff, TextPair
from scrubwatch.text import has_cjk

_MAX_TERMS = 3
_MAX_QUOTES = 3
_MAX_FIGURES = 4
_QUOTE_OPENING_WORDS = 6
_QUOTE_OPENING_CJK_CHARS = 12
_MAX_HEADLINE_CHARS = 90


@dataclass(frozen=True, slots=True)
class Notes:
    """What the summary needs beyond the Diff itself."""

    title_cosmetic: bool = False
    corrected: int = 0  # how many of the changed sentences are cosmetic fixes
    watched: tuple[str, ...] = ()  # the removed terms that are the user's watch terms
    speakers: tuple[str | None, ...] = ()  # one per removed quote
    coarse: bool = False  # too many changes to tell rewritten sentences from new ones


def summarize(diff: Diff, notes: Notes) -> str:
    """One line: what changed, most telling first, separated by semicolons."""
    parts: list[str] = []
    if notes.watched:
        noun = "watched term" if len(notes.watched) == 1 else "watched terms"
        parts.append(f"{noun} {_listed(notes.watched[:_MAX_TERMS])} removed")
    parts += _headline_parts(diff, notes)
    parts += _quote_parts(diff.quotes_removed, notes.speakers)
    parts += _figure_parts(diff.numbers_changed)
    # A speaker or a removed quote is already named above; do not list it again as a term.
    named = set(notes.watched) | {s for s in notes.speakers if s}
    others = [t for t in diff.terms_removed if t not in named and t not in diff.quotes_removed]
    if others:
        parts.append("no longer mentions " + _listed(others[:_MAX_TERMS]))
    counts = _sentence_counts(diff, notes)
    if counts:
        parts.append(counts)
    # Lower case throughout: the line is read after a label ("EDITED (substantive)") and
    # quoted inside alerts, where a capital in mid-sentence would look odd.
    return "; ".join(parts) or "text changed"


def _headline_parts(diff: Diff, notes: Notes) -> list[str]:
    parts: list[str] = []
    if diff.title is not None:
        if not diff.title.after:
            parts.append(f"headline {_shown(diff.title.before)} removed")
        elif not diff.title.before:
            parts.append(f"headline {_shown(diff.title.after)} added")
        else:
            before, after = _shown(diff.title.before), _shown(diff.title.after)
            if notes.title_cosmetic:
                parts.append("headline corrected (spelling, punctuation or casing)")
            else:
                parts.append(f"headline changed from {before} to {after}")
    if diff.byline is not None:
        if not diff.byline.after:
            parts.append(f"byline {_shown(diff.byline.before)} removed")
        else:
            before, after = _shown(diff.byline.before), _shown(diff.byline.after)
            parts.append(f"byline changed from {before} to {after}")
    return parts


def _sentence_counts(diff: Diff, notes: Notes) -> str:
    """ "3 sentences removed, 1 added, 1 rewritten": the noun once, on the first count."""
    rewritten = len(diff.sentences_changed) - notes.corrected
    counts = [
        (len(diff.sentences_removed), "removed"),
        (len(diff.sentences_added), "added"),
        (rewritten, "rewritten"),
        (notes.corrected, "corrected (spelling, punctuation or casing)"),
    ]
    shown = [(n, what) for n, what in counts if n]
    if not shown:
        return ""
    first_n, first_what = shown[0]
    noun = "sentence" if first_n == 1 else "sentences"
    line = ", ".join([f"{first_n} {noun} {first_what}"] + [f"{n} {w}" for n, w in shown[1:]])
    return line + (" (too many changes to pair rewritten sentences)" if notes.coarse else "")


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


def _shown(text: str) -> str:
    """A headline or byline in quotes, shortened if very long."""
    if len(text) > _MAX_HEADLINE_CHARS:
        text = text[: _MAX_HEADLINE_CHARS - 1].rstrip() + "…"
    return f'"{text}"'


def _opening(quote: str) -> str:
    """The first words of a quote, enough to recognise it."""
    if has_cjk(quote) and " " not in quote:
        short = quote[:_QUOTE_OPENING_CJK_CHARS]
    else:
        short = " ".join(quote.split()[:_QUOTE_OPENING_WORDS])
    return f'"{short}…"' if short != quote else f'"{quote}"'


def _listed(terms: Sequence[str]) -> str:
    return ", ".join(f"'{t}'" for t in terms)
