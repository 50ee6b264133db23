"""Text analysis for comparing article versions: pure functions on strings, no I/O.

- `normalize`, `fold`: typography-free text and case/diacritic-free matching keys
- `split_sentences`: the unit in which edits are aligned
- `find_quotes`, `find_speaker`: quoted passages and who said them
- `find_numbers`, `number_key`: figures as written and how to compare them
- `find_terms`: names and key terms
- `term_groups`: watched things named several ways (`Zangezur|Зангезур`)

Language-specific knowledge (Turkish casing, speech verbs, scale words) sits in small tables
in each module, the seam where more languages are added.
"""

from scrubwatch.text.groups import TermGroup, group_members, term_groups
from scrubwatch.text.names import find_names
from scrubwatch.text.normalize import (
    clean,
    contains_term,
    fold,
    has_cjk,
    normalize,
    term_pattern,
)
from scrubwatch.text.numbers import find_numbers, number_key
from scrubwatch.text.quotes import find_quotes, find_speaker
from scrubwatch.text.sentences import split_paragraphs, split_sentences
from scrubwatch.text.terms import find_terms

__all__ = [
    "TermGroup",
    "clean",
    "contains_term",
    "find_names",
    "find_numbers",
    "find_quotes",
    "find_speaker",
    "find_terms",
    "fold",
    "group_members",
    "has_cjk",
    "normalize",
    "number_key",
    "split_paragraphs",
    "split_sentences",
    "term_groups",
    "term_pattern",
]
