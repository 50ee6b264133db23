"""What a scrub takes away: quotes, terms and figures that were there and are not any more.

Each finding is computed on the whole article, not sentence by sentence, so a quote or a
name that merely moved to another paragraph is not reported as removed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from scrubwatch.compare.align import Alignment
from scrubwatch.model import Document, TextPair
from scrubwatch.text import (
    contains_term,
    find_numbers,
    find_quotes,
    find_speaker,
    find_terms,
    fold,
    has_cjk,
    number_key,
    split_paragraphs,
)

# A quote or term still present with at most a typo fixed ("Jianchoa" -> "Jianchao") has
# not been removed; rapidfuzz ratio of the folded forms.
_SAME_AFTER_TYPO_FIX = 88.0
_WORDS = re.compile(r"\w[\w'’\-]*")
# Shorter quoted passages are labels (scare quotes, names) and are reported as terms.
_MIN_QUOTE_WORDS = 3
_MIN_QUOTE_CJK_CHARS = 5


def _all_text(document: Document) -> str:
    """Headline and body: what the article says. A byline change is reported on its own."""
    return f"{document.title or ''}\n{document.text}"


def _is_real_quote(quote: str) -> bool:
    if has_cjk(quote) and " " not in quote:
        return len(quote) >= _MIN_QUOTE_CJK_CHARS
    return len(quote.split()) >= _MIN_QUOTE_WORDS


def _survives(key: str, new_text: str, new_keys: Iterable[str], language: str | None) -> bool:
    """Whether a folded quote or term is still in the new version, perhaps respelt."""
    if contains_term(new_text, key, language):
        return True
    # A short word respelt ("stpuid" -> "stupid") is two edits apart, under any ratio cutoff
    # that still tells words apart; a bounded edit distance catches it.
    typo = 1 if len(key) < 5 else 2
    return any(
        fuzz.ratio(key, k, score_cutoff=_SAME_AFTER_TYPO_FIX)
        or (len(key) >= 4 and OSA.distance(key, k, score_cutoff=typo) <= typo)
        for k in new_keys
    )


def quotes_removed(
    old: Document, new: Document, alignment: Alignment, language: str | None
) -> list[tuple[str, str | None]]:
    """Quotes of the old body absent from the new one, each with its speaker if named."""
    new_text = fold(_all_text(new), language)
    new_keys = [fold(q, language) for q in find_quotes(new.text)]
    contexts = [s.text for s, _ in alignment.changed] + [s.text for s in alignment.removed]
    contexts += split_paragraphs(old.text)
    found: list[tuple[str, str | None]] = []
    for quote in dict.fromkeys(find_quotes(old.text)):
        if not _is_real_quote(quote) or _survives(
            fold(quote, language), new_text, new_keys, language
        ):
            continue
        context = next((c for c in contexts if quote in c), "")
        found.append((quote, find_speaker(context, quote)))
    return found


def terms_removed(
    old: Document, new: Document, watch_terms: Sequence[str], language: str | None
) -> list[str]:
    """Watch terms, then names and key terms, that the old version had and the new lacks."""
    old_loose, new_loose = fold(_all_text(old)), fold(_all_text(new))
    watched = [
        _as_written(term, _all_text(old), language)
        for term in dict.fromkeys(t.strip() for t in watch_terms if t.strip())
        if contains_term(old_loose, fold(term), language)
        and not contains_term(new_loose, fold(term), language)
    ]
    new_text = fold(_all_text(new), language)
    new_keys = [fold(t, language) for t in find_terms(_all_text(new))]
    watched_keys = {fold(t) for t in watched}
    others = [
        term
        for term in find_terms(_all_text(old))
        if fold(term) not in watched_keys
        and not _survives(fold(term, language), new_text, new_keys, language)
    ]
    ranked = sorted(others, key=lambda t: -_gone_share(t, new_text, language))
    return watched + _without_parts(ranked, watched, language)


def _without_parts(terms: list[str], watched: list[str], language: str | None) -> list[str]:
    """Drop a term that is part of another one listed ("Zangezur" beside "Zangezur corridor")."""
    keys = [fold(t, language) for t in terms]
    wider = keys + [fold(t, language) for t in watched]
    return [
        term
        for term, key in zip(terms, keys, strict=True)
        if not any(other != key and contains_term(other, key, language) for other in wider)
    ]


def _as_written(term: str, text: str, language: str | None) -> str:
    """A watch term spelt the way the text spells it ("KIRIM" -> "Kırım"), if it is there."""
    key = fold(term)
    size = len(key.split())
    words = _WORDS.findall(text)
    for i in range(len(words) - size + 1):
        window = " ".join(words[i : i + size])
        folded = fold(window)
        if contains_term(folded, key, language):
            start = folded.find(key)
            # Cut an inflectional ending off, when folding kept the length ("dəhlizinin").
            return window[start : start + len(key)] if len(folded) == len(window) else window
    return term


def _gone_share(term: str, new_text: str, language: str | None) -> float:
    """The share of a term's words the new version no longer has anywhere: how telling."""
    words = fold(term, language).split()
    gone = sum(not contains_term(new_text, w, language) for w in words)
    return gone / len(words) if words else 0.0


def numbers_changed(old: Document, new: Document, alignment: Alignment) -> Iterator[TextPair]:
    """Figures changed within rewritten sentences, and figures lost with removed sentences.

    A figure of a removed sentence that still stands elsewhere in the new version is not
    reported (the reader still has it), and a lost figure is reported once.
    """
    remaining = set(map(number_key, find_numbers(new.text)))
    found: list[tuple[int, TextPair]] = []
    for before, after in alignment.changed:
        gone = _minus(find_numbers(before.text), find_numbers(after.text))
        came = _minus(find_numbers(after.text), find_numbers(before.text))
        for i, figure in enumerate(gone):
            found.append((before.index, TextPair(figure, came[i] if i < len(came) else None)))
    reported = {number_key(pair.before) for _index, pair in found}
    for sentence in alignment.removed:
        for figure in find_numbers(sentence.text):
            if number_key(figure) not in remaining | reported:
                reported.add(number_key(figure))
                found.append((sentence.index, TextPair(figure, None)))
    found.sort(key=lambda item: item[0])
    return (pair for _index, pair in found)


def _minus(figures: list[str], others: list[str]) -> list[str]:
    """Figures of the first list not matched (by key, with multiplicity) in the second."""
    remaining = Counter(map(number_key, others))
    kept: list[str] = []
    for figure in figures:
        if remaining[number_key(figure)] > 0:
            remaining[number_key(figure)] -= 1
        else:
            kept.append(figure)
    return kept


def watched_in(terms: Sequence[str], watch_terms: Sequence[str], language: str | None) -> list[str]:
    """The removed terms that are watch terms (they come first in `terms_removed`)."""
    keys = {fold(t) for t in watch_terms if t.strip()}
    return [
        t
        for t in terms
        if fold(t) in keys or any(contains_term(fold(t), k, language) for k in keys)
    ]
