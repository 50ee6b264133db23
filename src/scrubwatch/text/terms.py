"""Key terms of an article: the names and quoted expressions a scrub tends to remove.

Terms are what a journalist scans a change report for: "no longer mentions 'Zangezur
corridor'". They come from capitalised names (see `names`) and from short quoted expressions,
which outlets use for contested labels ('dependency', "Zangezur corridor").
"""

from __future__ import annotations

from scrubwatch.text.names import find_names
from scrubwatch.text.normalize import fold
from scrubwatch.text.quotes import find_quotes

_MAX_QUOTED_TERM_WORDS = 4
_MAX_QUOTED_TERM_CHARS = 60


def find_terms(text: str) -> list[str]:
    """Names and key terms in order of first appearance, each once (case-insensitively).

    Multi-word capitalised phrases count anywhere; a single capitalised word counts only
    where it does not open a sentence, since there its capital says nothing. Short quoted
    expressions count as terms too.
    """
    terms: list[str] = []
    seen: set[str] = set()
    for line in text.splitlines():
        candidates = [
            span.text
            for span in find_names(line)
            if len(span.text.split()) > 1 or not span.sentence_initial
        ]
        candidates += [q for q in find_quotes(line) if _is_quoted_term(q)]
        for term in candidates:
            key = fold(term)
            if key not in seen:
                seen.add(key)
                terms.append(term)
    return terms


def _is_quoted_term(quote: str) -> bool:
    """A short quoted expression that is a label, not a quoted sentence."""
    return (
        len(quote.split()) <= _MAX_QUOTED_TERM_WORDS
        and len(quote) <= _MAX_QUOTED_TERM_CHARS
        and not quote.endswith((".", "!", "?", "。", "！", "？"))
    )
