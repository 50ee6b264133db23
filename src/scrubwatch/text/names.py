"""Capitalised names in running text: who and what an article is about.

Without a trained model, the strongest cheap signal of a proper name in Latin, Cyrillic,
Greek and Armenian script is capitalisation: "Liu Jianchao", "Shanghai Cooperation
Organisation", "Ильхам Алиев". The ambiguous cases are words capitalised only because they
open a sentence, and function words glued to a name ("The", "In"); both are handled here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# Capital letters of the cased scripts news is written in. Python's `re` has no \p{Lu}, so
# the class is built once from the Unicode database.
_CASED_RANGES = (
    (0x41, 0x5A),  # Basic Latin
    (0xC0, 0x24F),  # Latin-1, Latin Extended A and B
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x370, 0x3FF),  # Greek
    (0x400, 0x52F),  # Cyrillic
    (0x531, 0x556),  # Armenian
)
UPPER = (
    "["
    + "".join(
        re.escape(chr(c)) for lo, hi in _CASED_RANGES for c in range(lo, hi + 1) if chr(c).isupper()
    )
    + "]"
)

_CAP_WORD = rf"(?<![\w'’\-]){UPPER}[\w'’\-]*"
# Lowercase particles that live inside names: "Bank of China", "Charles de Gaulle".
_CONNECTOR = r"(?:of|de|da|du|del|della|der|den|van|von|al|bin|ibn|la|le)"
# Initials stay with the name they abbreviate: "İ. Əliyev", "J. R. R. Tolkien".
_INITIALS = rf"(?:(?<![\w.]){UPPER}\.[ \u00a0]?)*"
NAME = rf"{_INITIALS}{_CAP_WORD}(?:[ \u00a0]+(?:{_CONNECTOR}[ \u00a0]+)?{_CAP_WORD})*"

# Lowercase nouns that complete a capitalised name: "Zangezur corridor", "Belt and Road
# initiative". English only for now; a seam for other languages.
_HEAD_NOUNS = (
    "corridor|region|province|river|sea|lake|mountains|initiative|pipeline|railway|highway|"
    "island|islands|strait|bay|valley|district|oblast|canal|bridge|port|dam"
)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_AFTER_POSSESSIVE = re.compile(r"(?<=['’]s)[ \u00a0]+")
# What may stand (before spaces) in front of a word that opens a sentence or a quotation.
_SENTENCE_ENDS = frozenset(".!?…:;\"“”«»„‘’'—–-։。！？؟")

# Capitalised words that are not names: they are stripped from the front of a run and never
# count as a name on their own. Lowercase keys, matched case-insensitively.
_STOPWORD_TEXT = """
    a an and as at after also although because before but by during each every few for from
    he her here his how however i if in into it its last later many meanwhile more most mr
    mrs ms my next no not now of on one or other our over she since so some such than that
    the their them then there these they this those though through to today tomorrow two
    under us we what when where which while who whom whose why with within without yes
    yesterday yet you your according earlier despite january february march april may june
    july august september october november december monday tuesday wednesday thursday friday
    saturday sunday в во на но и а с со по для как это этот эта эти он она они оно мы я вы
    его ее её их также однако при из от к у о об за не что когда после до если bu bir ve ama
    ancak fakat o və həm lakin bunu sonra daha ise için ile çünkü şimdi bugün dün
    həmçinin amma bundan sonra у та але це ця цей ці він вона вони ми також проте після
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True, slots=True)
class NameSpan:
    """A capitalised name found in a text, with its place."""

    start: int
    end: int
    text: str
    sentence_initial: bool


def is_stopword(word: str) -> bool:
    """True for function words and calendar words that are capitalised without being names."""
    return word.casefold() in _STOPWORDS


@cache
def _name_run() -> re.Pattern[str]:
    """A run of capitalised words, with a head noun that completes it. Compiled on first
    use: the capitals of six scripts make it large, and most processes never look for a
    name."""
    return re.compile(rf"{NAME}(?:[ \u00a0]+(?:{_HEAD_NOUNS})(?!\w))?")


def find_names(text: str) -> list[NameSpan]:
    """Runs of capitalised words, stripped of leading function words and possessive 's."""
    spans: list[NameSpan] = []
    for match in _name_run().finditer(text):
        # A possessive ends a name: "China’s Ambassador" is China, then Ambassador.
        start = match.start()
        for part in _AFTER_POSSESSIVE.split(match.group()):
            span = _trim(text, text.index(part, start), part)
            if span is not None:
                spans.append(span)
            start += len(part)
    return spans


def _opens_sentence(text: str, start: int) -> bool:
    # Only the few characters before the word are looked at: scanning the whole text before
    # every name would make long paragraphs quadratic.
    before = text[max(0, start - 40) : start].rstrip()
    if not before:
        return start - 40 <= 0 or not text[:start].strip()
    return before[-1] in _SENTENCE_ENDS


def _trim(text: str, start: int, run: str) -> NameSpan | None:
    words = run.split()
    initial = _opens_sentence(text, start)
    while words and is_stopword(_POSSESSIVE.sub("", words[0])):
        start = text.index(words[1], start) if len(words) > 1 else start
        words = words[1:]
        initial = False
    while words and is_stopword(words[-1]):
        words = words[:-1]
    if not words or not words[0][0].isupper():  # only a head noun was left: "The corridor"
        return None
    words[-1] = _POSSESSIVE.sub("", words[-1])
    name = " ".join(w for w in words if w)
    if len(name) < 2:
        return None
    return NameSpan(start, start + len(name), name, initial)
