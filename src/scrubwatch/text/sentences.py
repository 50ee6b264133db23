"""Sentence splitting: the unit in which edits are aligned and reported.

A sentence is small enough that "this sentence was removed" means something to a reader and
large enough that a moved paragraph is recognised as the same words in another place.
"""

from __future__ import annotations

from sentencex import segment

from scrubwatch.text.normalize import base_language, clean

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
        sentences.extend(s.strip() for s in segment(lang, paragraph) if s.strip())
    return sentences
