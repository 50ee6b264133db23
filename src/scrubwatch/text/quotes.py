"""Quoted passages and who said them.

A removed quote is often the heart of a scrub: the official's words vanish while the
paraphrase around them stays. Quote marks differ by language (“” ‘’ «» „“ 「」 『』 and
straight quotes), nest inside each other, and the apostrophe doubles as a closing single
quote, so a small scanner with a stack does better than one regular expression.
"""

from __future__ import annotations

import re
from functools import cache

from scrubwatch.text.names import NAME, is_stopword
from scrubwatch.text.normalize import has_cjk

# opener -> the characters that may close it
_OPENERS: dict[str, str] = {
    "“": "”",
    "”": "”",  # Swedish, Finnish
    "„": "“”",  # German, Polish
    "‘": "’",
    "‚": "‘’",
    "«": "»",
    "»": "«",  # Danish, German
    "‹": "›",
    "「": "」",
    "『": "』",
    '"': '"',
    "'": "'",
}
# Marks that are also apostrophes or are written the same on both sides: they only open
# after a space or punctuation and only close before one.
_AMBIGUOUS = frozenset("'’‘\"”»")
_MAX_QUOTE = 2000
_MAX_DEPTH = 6
_MARKS = frozenset(_OPENERS) | frozenset("".join(_OPENERS.values()))


def _in_word(char: str) -> bool:
    """A letter or digit of a script that separates words by spaces (so not CJK)."""
    return char.isalnum() and not has_cjk(char)


def _may_open(text: str, i: int) -> bool:
    if text[i] not in _AMBIGUOUS:
        return True
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not _in_word(before) and not after.isspace()


def _may_close(text: str, i: int) -> bool:
    if text[i] not in _AMBIGUOUS:
        return True
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not _in_word(after)


def _scan(text: str, start: int) -> tuple[list[tuple[int, int]], int | None]:
    """Outermost quote spans from `start`, and the position of an opener never closed.

    An opener left open longer than `_MAX_QUOTE` characters is dropped as it goes (it was an
    apostrophe or a typo), and nesting deeper than `_MAX_DEPTH` is ignored, so a page full
    of stray marks costs linear time, not quadratic.
    """
    stack: list[tuple[str, int]] = []
    spans: list[tuple[int, int]] = []
    for i in range(start, len(text)):
        char = text[i]
        while stack and i - stack[0][1] > _MAX_QUOTE:
            del stack[0]
        if char not in _MARKS:
            continue
        level = next(
            (n for n in range(len(stack) - 1, -1, -1) if char in stack[n][0]),
            None,
        )
        if level is not None and _may_close(text, i):
            # Closing an outer level also closes inner ones left open: nesting mistakes in
            # the source should not swallow the rest of the paragraph.
            opened = stack[level][1]
            del stack[level:]
            if not stack:
                spans.append((opened + 1, i))
            continue
        if char in _OPENERS and len(stack) < _MAX_DEPTH and _may_open(text, i):
            stack.append((_OPENERS[char], i))
    return spans, (stack[0][1] if stack else None)


def find_quotes(text: str) -> list[str]:
    """Outermost quoted passages, line by line; inner quotes stay inside their outer one."""
    quotes: list[str] = []
    for line in text.splitlines():
        position: int | None = 0
        while position is not None:
            spans, unclosed = _scan(line, position)
            for begin, end in spans:
                passage = line[begin:end].strip().rstrip(",;:").strip()
                if passage and end - begin <= _MAX_QUOTE:
                    quotes.append(passage)
            # An opener never closed is probably an apostrophe or a typo: skip it and go on.
            position = None if unclosed is None else unclosed + 1
    return quotes


# Verbs of saying. "reported" is left out on purpose: in "Liu stressed that “…,” Sputnik
# reported" the outlet relays the quote, and the speaker is the name before it.
_VERBS = (
    "said|says|told|tells|added|adds|stated|states|noted|notes|claimed|claims|explained|"
    "insisted|argued|wrote|writes|declared|warned|stressed|remarked|"
    "announced|replied|emphasised|emphasized|"
    "сказал|сказала|сказали|заявил|заявила|заявили|отметил|отметила|сообщил|сообщила|"
    "подчеркнул|подчеркнула|добавил|добавила|пояснил|пояснила|написал|написала|"
    "сказав|сказала|заявив|заявила|зазначив|зазначила|повідомив|повідомила|додав|додала|"
    "dedi|söyledi|bildirdi|açıkladı|belirtti|vurguladı|ifade etti|"
    "ասաց|հայտարարեց|նշեց|ընդգծեց|հավելեց|գրել է|"
    "bildirib|deyib|qeyd edib|vurğulayıb|söyləyib|açıqlayıb"
)
# "Liu had emphasised", "Aliyev also said": short words allowed between a name and its verb.
_AUXILIARY = r"(?:(?:had|has|have|was|also|then|later|reportedly|further|again|once)\s+)*"
_VERB = rf"{_AUXILIARY}(?<!\w)(?:{_VERBS})(?!\w)"
_APPOSITION = r"(?:,[^,.!?]{1,80},)?"  # "Liu Jianchao, head of the department, said"
_ACCORDING_TO = r"(?i:according to|по словам|за словами|sözlərinə görə)"


@cache
def _speaker_patterns() -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    """Where the speaker stands: after the quote, before it. Compiled on first use (names
    in several scripts make them large), not by every process that imports the package."""
    after = (
        re.compile(rf"^[^\w]*{_ACCORDING_TO}\s+({NAME})"),  # “…”, according to Liu Jianchao
        re.compile(rf"^[^\w]*{_VERB}\s+({NAME})"),  # “…,” said Liu Jianchao
        # “…,” Liu Jianchao said; «…», — deyə Ceyhun Bayramov bildirib (deyə/diye: "saying")
        re.compile(rf"^[^\w]*(?:(?:deyə|diye)\s+)?({NAME}){_APPOSITION}\s+{_VERB}"),
    )
    before = (
        re.compile(rf"{_ACCORDING_TO}\s+({NAME})"),
        re.compile(rf"({NAME}){_APPOSITION}\s+{_VERB}"),  # Liu Jianchao said: “…”
        # 刘建超表示：“…”
        re.compile(r"([\u4e00-\u9fff]{2,4})(?:表示|说|称|指出|强调)[：:，,]?\W*$"),
        # Arabic script has no capitals: the speaker is the one or two words between a verb of
        # saying and the colon before the quote. وقال علييف: «…»
        re.compile(r"(?<!\w)و?(?:قال|صرح|أكد|أضاف|أوضح)\s+(\w+(?:\s\w+)?)\s*[:：]\W*$"),
    )
    return after, before


def find_speaker(context: str, quote: str) -> str | None:
    """The name standing next to `quote` in `context` with a verb of saying, if any."""
    index = context.find(quote)
    if index < 0:
        return None
    before = re.split(r"[.!?。！？]\s", context[:index])[-1]
    after = re.split(r"[.!?。！？]", context[index + len(quote) :], maxsplit=1)[0]
    speaker_after, speaker_before = _speaker_patterns()
    places = [(p, after) for p in speaker_after] + [(p, before) for p in speaker_before]
    for pattern, part in places:
        # Before the quote, the speaker is the name nearest to it: in "Sputnik reported that
        # Liu had emphasised '…'", Liu.
        match = next(reversed([*pattern.finditer(part)]), None)
        if match is None:
            continue
        words = match.group(1).split()
        while words and is_stopword(words[0]):
            words = words[1:]
        if words:
            return " ".join(words)
    return None
