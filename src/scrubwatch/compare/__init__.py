"""Explain what changed between two versions of one article.

`compare_documents` is the heart of scrubwatch's reports: it ignores what a reader would not
call an edit (typography, whitespace, a paragraph moved, a new "updated" stamp) and names
what a scrub does: sentences removed, quotes dropped, names no longer mentioned, figures
changed. Pure: two Documents in, a Diff (or None) out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from scrubwatch.compare.align import Alignment, align, is_cosmetic, sentences_of
from scrubwatch.compare.findings import (
    numbers_changed,
    quotes_removed,
    terms_removed,
    watched_in,
)
from scrubwatch.compare.summary import Notes, summarize
from scrubwatch.model import Diff, Document, Severity, TextPair
from scrubwatch.text import clean, group_members, normalize

__all__ = ["compare_documents"]


def compare_documents(old: Document, new: Document, watch_terms: Sequence[str] = ()) -> Diff | None:
    """The explained difference between two versions, or None if nothing that matters changed.

    Title, byline and body are compared after normalisation; dates are never compared.
    `watch_terms` (matched case- and diacritic-insensitively) are reported first when a
    version stops mentioning them; a term group (`Zangezur|Зангезур`) counts each member.
    """
    watch_terms = group_members(watch_terms)
    language = new.language or old.language
    title = _text_pair(old.title, new.title)
    byline = _text_pair(old.byline, new.byline)
    alignment = _align_bodies(old, new, language)
    if title is None and byline is None and alignment.empty:
        return None
    quotes = quotes_removed(old, new, alignment, language)
    diff = Diff(
        severity=Severity.SUBSTANTIVE,
        title=title,
        byline=byline,
        sentences_removed=tuple(s.text for s in alignment.removed),
        sentences_added=tuple(s.text for s in alignment.added),
        sentences_changed=tuple(TextPair(a.text, b.text) for a, b in alignment.changed),
        quotes_removed=tuple(q for q, _speaker in quotes),
        terms_removed=tuple(terms_removed(old, new, watch_terms, language)),
        numbers_changed=tuple(numbers_changed(old, new, alignment)),
    )
    corrected = sum(is_cosmetic(a.text, b.text, language) for a, b in alignment.changed)
    title_cosmetic = _pair_is_cosmetic(title, language)
    minor = (
        not (diff.sentences_removed or diff.sentences_added)
        and not (diff.quotes_removed or diff.terms_removed or diff.numbers_changed)
        and corrected == len(alignment.changed)
        and (title is None or title_cosmetic)
        and (byline is None or _pair_is_cosmetic(byline, language))
    )
    notes = Notes(
        title_cosmetic=title_cosmetic,
        corrected=corrected,
        watched=tuple(watched_in(diff.terms_removed, watch_terms, language)),
        speakers=tuple(speaker for _q, speaker in quotes),
        coarse=alignment.coarse,
    )
    severity = Severity.MINOR if minor else Severity.SUBSTANTIVE
    return replace(diff, severity=severity, summary=summarize(diff, notes))


def _text_pair(before: str | None, after: str | None) -> TextPair | None:
    """A before/after pair when the two differ after normalisation."""
    if normalize(before or "") == normalize(after or ""):
        return None
    return TextPair(clean(before or ""), clean(after) if after and after.strip() else None)


def _pair_is_cosmetic(pair: TextPair | None, language: str | None) -> bool:
    if pair is None or not pair.before or not pair.after:
        return False
    return is_cosmetic(pair.before, pair.after, language)


def _align_bodies(old: Document, new: Document, language: str | None) -> Alignment:
    # Same text once line breaks count as spaces: only re-wrapping or re-paragraphing, which
    # sentence splitting could otherwise turn into false edits.
    if normalize(old.text) == normalize(new.text):
        return Alignment()
    # A body line repeating either headline (a page's second heading, a kicker) changes with
    # the headline; the headline is reported on its own, so such lines are left out here.
    titles = {normalize(t) for t in (old.title, new.title) if t}
    return align(
        [s for s in sentences_of(old.text, language) if s.key not in titles],
        [s for s in sentences_of(new.text, language) if s.key not in titles],
    )
