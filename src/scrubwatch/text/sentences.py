"""Sentence splitting: the unit in which edits are aligned and reported.

A sentence is small enough that "this sentence was removed" means something to a reader and
large enough that a moved paragraph is recognised as the same words in another place.
"""

from __future__ import annotations

import re

from sentencex import segment

from scrubwatch.text.normalize import base_language, clean

_INITIAL = re.compile(r"(?:^|\s)([^\W\d_])\.$")

# sentencex knows the abbreviations of many languages and falls back to generic rules for
# the others; English rules also split CJK text on 。！？, so it is the default.
_DEFAULT_LANGUAGE = "en"


def split_paragraphs(text: str) -> list[str]:
    """Non-empty lines of a body, each cleaned of invisible characters and extra spaces."""
    return [p for p in (clean(line) for line in text.splitlines()) if p]


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """Sentences of a text as written (whitespace collapsed), paragraph by paragraph.

    A sentence never spans two paragraphs. Text without spaces (Chinese, Japanese) is split
    on its own full stops.
    """
    lang = base_language(language) or _DEFAULT_LANGUAGE
    sentences: list[str] = []
    for paragraph in split_paragraphs(text):
        pieces = [s.strip() for s in segment(lang, paragraph) if s.strip()]
        sentences.extend(_join_initials(pieces))
    return sentences


def _join_initials(pieces: list[str]) -> list[str]:
    """Glue back a piece cut after an initial ("Prezident İ." + "Əliyev ..."): segmenters
    without abbreviation lists for a language take a capital and a dot for a full stop."""
    joined: list[str] = []
    for piece in pieces:
        initial = _INITIAL.search(joined[-1]) if joined else None
        if initial is not None and initial.group(1).isupper():
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return joined
