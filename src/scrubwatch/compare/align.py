"""Sentence alignment between two versions, and the test for a merely cosmetic edit.

Alignment is by content, not position: a sentence that moved elsewhere (or a whole paragraph
that moved) is matched where it now stands and is not reported. What is left on both sides
is paired by similarity as "rewritten"; the rest was removed or added.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from scrubwatch.text import find_numbers, find_quotes, fold, normalize, number_key, split_sentences

# Two leftover sentences whose folded texts are at least this similar (rapidfuzz ratio,
# 0-100) are one sentence rewritten rather than one removed and another added. 60 keeps
# "cost $3.7 billion" -> "cost $3.2 billion" and clause cuts together while leaving
# unrelated sentences of similar length apart.
REWRITE_SIMILARITY = 60.0
# Removed x added sentences weighed against each other for "rewritten" at most: beyond it
# (a whole long article replaced) the pairing would cost tens of seconds per page, so the
# sentences are reported removed and added as they are.
MAX_PAIRS_WEIGHED = 250_000

# Han and kana are compared character by character: one character is a whole word there.
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]|(?:(?![\u3040-\u30ff\u3400-\u9fff])\w)+")


_DIGIT = re.compile(r"\d")
# A list item's enumerator or bullet at the start of a sentence ("a.", "(iv)", "12)", "•").
# Pages render them as text or as markup from one fetch to the next, and a renumbered list
# is not an edit a reader cares about; the words after it are compared. Capital letters are
# left alone: "A. Smith said" starts with an initial, not an enumerator.
_LIST_MARKER = re.compile(
    r"^(?:[(\[]?(?:\d{1,3}|[a-z]|[ivxlc]{1,6})[.)\]]|\((?:\d{1,3}|[A-Z]|[IVXLC]{1,6})\)"
    r"|[•·▪‣◦●○■□–—-])(?:\s+|$)"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a version: as written, its exact key and its loose key."""

    text: str
    key: str  # normalised: typography-free, case kept
    loose: str  # folded: case- and diacritic-free, for similarity
    index: int


@dataclass(slots=True)
class Alignment:
    """What is left once identical sentences are matched."""

    removed: list[Sentence] = field(default_factory=list)
    added: list[Sentence] = field(default_factory=list)
    changed: list[tuple[Sentence, Sentence]] = field(default_factory=list)
    coarse: bool = False  # too many changes to pair removed and added sentences in detail

    @property
    def empty(self) -> bool:
        """True when both versions have the same sentences."""
        return not (self.removed or self.added or self.changed)


def sentences_of(text: str, language: str | None) -> list[Sentence]:
    """The sentences of a body with their keys (list enumerators left out), in order; a
    "sentence" that is only an enumerator ("1." split off its item) is no sentence."""
    found: list[Sentence] = []
    for s in split_sentences(text, language):
        words = _LIST_MARKER.sub("", s, count=1)
        if words:
            found.append(Sentence(s, normalize(words), fold(words, language), len(found)))
    return found


def align(old: list[Sentence], new: list[Sentence]) -> Alignment:
    """Match identical sentences anywhere, then pair the leftovers by similarity."""
    free: dict[str, list[int]] = defaultdict(list)
    for sentence in new:
        free[sentence.key].append(sentence.index)
    taken: set[int] = set()
    old_left: list[Sentence] = []
    for sentence in old:
        if free[sentence.key]:
            taken.add(free[sentence.key].pop(0))
        else:
            old_left.append(sentence)
    new_left = [s for s in new if s.index not in taken]
    # Anchors first: a sentence whose only change is a figure has a twin of the same shape
    # (digits aside). Paired here in linear time, they never reach the costly pairing below
    # ("2." -> "6." is also too short to count as similar there).
    figures, old_left, new_left = _pair_same_shape(old_left, new_left)
    # A sentence whose whole text now stands inside a longer new one was not removed: the
    # segmenter merged it with words added after it (a sentence added without a space, a
    # list item run on). What is new is reported as added; nothing is reported removed.
    coarse = len(old_left) * len(new_left) > MAX_PAIRS_WEIGHED
    if not coarse:
        old_left = [
            s
            for s in old_left
            if not any(n.key.startswith(s.key) or n.key.endswith(s.key) for n in new_left)
        ]
    alignment = _pair_leftovers(old_left, new_left, len(old), len(new), coarse=coarse)
    alignment.changed = sorted([*figures, *alignment.changed], key=lambda p: p[0].index)
    return alignment


def _pair_same_shape(
    old: list[Sentence], new: list[Sentence]
) -> tuple[list[tuple[Sentence, Sentence]], list[Sentence], list[Sentence]]:
    """Pairs of sentences equal but for their digits, in order; and what is left."""
    by_shape: dict[str, list[Sentence]] = defaultdict(list)
    for sentence in new:
        by_shape[_DIGIT.sub("0", sentence.loose)].append(sentence)
    pairs: list[tuple[Sentence, Sentence]] = []
    old_left: list[Sentence] = []
    for sentence in old:
        twins = by_shape.get(_DIGIT.sub("0", sentence.loose))
        if twins:
            pairs.append((sentence, twins.pop(0)))
        else:
            old_left.append(sentence)
    paired = {id(after) for _before, after in pairs}
    return pairs, old_left, [s for s in new if id(s) not in paired]


def _pair_leftovers(
    old: list[Sentence],
    new: list[Sentence],
    old_total: int,
    new_total: int,
    *,
    coarse: bool = False,
) -> Alignment:
    """Pair what is left by similarity, most similar first; with `coarse` (too many to
    weigh every pair within the time a page may take) nothing is paired."""
    candidates: list[tuple[float, float, int, int]] = []
    for i, before in enumerate([] if coarse else old):
        for j, after in enumerate(new):
            score = fuzz.ratio(before.loose, after.loose, score_cutoff=REWRITE_SIMILARITY)
            if score:
                # Between equally similar candidates, prefer the one at the same place.
                drift = abs(before.index / max(old_total, 1) - after.index / max(new_total, 1))
                candidates.append((score, -drift, i, j))
    candidates.sort(reverse=True)
    used_old: set[int] = set()
    used_new: set[int] = set()
    changed: list[tuple[Sentence, Sentence]] = []
    for _score, _drift, i, j in candidates:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            changed.append((old[i], new[j]))
    changed.sort(key=lambda pair: pair[0].index)
    return Alignment(
        removed=[s for i, s in enumerate(old) if i not in used_old],
        added=[s for j, s in enumerate(new) if j not in used_new],
        changed=changed,
        coarse=coarse,
    )


def is_cosmetic(before: str, after: str, language: str | None) -> bool:
    """True when only spelling, punctuation, whitespace, casing or diacritics differ.

    Figures must be the same, quotations as many, and every changed word must be a typo of
    the other: a letter or two apart, never a digit, never a prefix or suffix added
    ("legal" -> "illegal", "company" -> "companies" change the meaning).
    """
    if Counter(map(number_key, find_numbers(before))) != Counter(
        map(number_key, find_numbers(after))
    ):
        return False
    # The same number of quotations: a quote turned into paraphrase is not cosmetic. Their
    # words are checked with all the others below, so a typo fixed inside one still is.
    if len(find_quotes(before)) != len(find_quotes(after)):
        return False
    old_words = _WORD.findall(fold(before, language))
    new_words = _WORD.findall(fold(after, language))
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old_part, new_part = old_words[i1:i2], new_words[j1:j2]
        if "".join(old_part) == "".join(new_part):  # "e-mail" -> "email", "on line" -> "online"
            continue
        if len(old_part) != len(new_part):
            return False
        if not all(_is_typo(a, b) for a, b in zip(old_part, new_part, strict=True)):
            return False
    return True


def _is_typo(a: str, b: str) -> bool:
    if any(c.isdigit() for c in a + b):
        return False
    longest = max(len(a), len(b))
    distance = OSA.distance(a, b)
    if longest < 4:  # short words: only a transposition ("teh" -> "the")
        return distance == 1 and sorted(a) == sorted(b)
    if a.startswith(b) or b.startswith(a) or a.endswith(b) or b.endswith(a):
        return False
    return distance <= (1 if longest < 8 else 2)
