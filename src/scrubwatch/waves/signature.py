"""What a text is about, in a form that compares across outlets: a story signature.

Two outlets reporting one story rarely publish the same bytes. Within a language they share
long runs of words (agency copy, rewrites of one press release), which a bottom-k sketch of
word 3-grams catches: the k smallest hashes of a text's shingles estimate the Jaccard
resemblance of two texts from 64 numbers each, whatever their length. Across scripts they
share names and figures, so names are folded to Latin (anyascii) and then to a consonant
skeleton ("Нахичевань", "Naxçıvan" and "Nakhchivan" are all `nxcvn`), and figures to their
digits. Term groups (`text.groups`) name what the user already knows is one thing.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from anyascii import anyascii

from scrubwatch.text import TermGroup, find_names, fold

SKETCH_SIZE = 64
INDEX_HASHES = 8  # the smallest hashes looked up to find candidates (see `index_keys`)
SHINGLE_WORDS = 3
# Thresholds, from hand-made pairs (tests/wave_stories.py): agency copy republished with a
# new lead and a cut paragraph stays above 0.5; reports of different events on one topic
# stay under 0.1 on text but share up to six names (the places and leaders of the topic)
# and no figures, while one report in two languages shares 8-11 keys, figures among them.
# So a shared figure counts twice, and the names must also be half of the shorter list.
SAME_TEXT = 0.3
SAME_KEYS = 8
NAME_SHARE = 0.5

_WORD = re.compile(r"\w+")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_GROUPED = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
_DIGRAPHS = (("kh", "x"), ("ch", "c"), ("sh", "s"), ("zh", "j"), ("ts", "c"), ("ph", "f"))
_VOWELS = re.compile(r"[aeiouy]+")


@dataclass(frozen=True, slots=True)
class StorySignature:
    """A text's sketch, its name and figure keys, and the term groups it mentions."""

    sketch: tuple[int, ...] = ()  # sorted, at most SKETCH_SIZE
    names: frozenset[str] = frozenset()  # "n:nxcvn", "d:3.7"
    groups: frozenset[str] = frozenset()  # term group labels

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"s": list(self.sketch), "n": sorted(self.names), "g": sorted(self.groups)}

    @classmethod
    def from_json(cls, data: Any) -> StorySignature:
        """A signature from its stored form."""
        return cls(
            tuple(data.get("s", ())), frozenset(data.get("n", ())), frozenset(data.get("g", ()))
        )


def sign(
    text: str, *, groups: Sequence[TermGroup] = (), language: str | None = None
) -> StorySignature:
    """The signature of `text` (a deleted article's text, or the passage an edit removed)."""
    folded = fold(text)
    words = _WORD.findall(folded)
    width = min(SHINGLE_WORDS, len(words))
    hashes = (
        {zlib.crc32(" ".join(words[i : i + width]).encode()) for i in range(len(words) - width + 1)}
        if width
        else set()
    )
    return StorySignature(
        sketch=tuple(sorted(hashes)[:SKETCH_SIZE]),
        names=frozenset(name_keys(text)),
        groups=frozenset(g.label for g in groups if g.found_in(folded, language, stems=True)),
    )


def name_keys(text: str) -> set[str]:
    """Script-independent keys of the names and figures in `text`.

    A lone capitalised word opening a sentence is left out: in most languages that is how
    any sentence starts, not a name.
    """
    keys: set[str] = set()
    for span in find_names(text):
        parts = span.text.split()
        if span.sentence_initial and len(parts) == 1:
            continue
        keys.update(f"n:{s}" for s in map(skeleton, parts) if s)
    for figure in _FIGURE.findall(text):
        value = figure
        if _GROUPED.fullmatch(figure):
            value = re.sub(r"[.,]", "", figure)
        value = value.replace(",", ".")
        if len(value.replace(".", "")) >= 2:
            keys.add(f"d:{value}")
    return keys


@functools.lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """A name's consonants in Latin, digraphs as one letter; "" when under three remain."""
    latin = "".join(c for c in anyascii(word).lower() if c.isalpha())
    for digraph, letter in _DIGRAPHS:
        latin = latin.replace(digraph, letter)
    consonants = _VOWELS.sub("", latin)
    squeezed = re.sub(r"(.)\1+", r"\1", consonants)
    return squeezed if len(squeezed) >= 3 else ""


def resemblance(a: StorySignature, b: StorySignature) -> float:
    """Estimated Jaccard resemblance of the two texts' shingle sets (0 when either is empty)."""
    if not a.sketch or not b.sketch:
        return 0.0
    union = sorted(set(a.sketch) | set(b.sketch))[:SKETCH_SIZE]
    both = set(a.sketch) & set(b.sketch)
    return sum(1 for h in union if h in both) / len(union)


def same_story(a: StorySignature, b: StorySignature) -> bool:
    """Whether two texts report the same story: much the same words, or the same names."""
    if resemblance(a, b) >= SAME_TEXT:
        return True
    shared = a.names & b.names
    score = len(shared) + sum(1 for key in shared if key.startswith("d:"))
    smaller = min(len(a.names), len(b.names))
    return score >= SAME_KEYS and len(shared) >= NAME_SHARE * smaller


def index_keys(sig: StorySignature) -> list[str]:
    """Keys under which a signature is filed so similar ones can be found without a scan.

    Two texts with resemblance J share one of their few smallest hashes with probability
    about 1 - (1 - J)^8 (over 94 % at 0.3); names are filed as they are.
    """
    return [f"h:{h}" for h in sig.sketch[:INDEX_HASHES]] + sorted(sig.names)
