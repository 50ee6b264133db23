"""Figures as written: amounts, percentages, distances, counts.

A changed figure ("$3.7 billion" becoming "$3.2 billion") is among the most telling edits, and
it is easy to miss by eye in a long article. Figures are kept as written, with their currency
and scale words, so a report can quote them back; `number_key` compares them.
"""

from __future__ import annotations

import re
from functools import cache

from scrubwatch.text.normalize import normalize

_CURRENCY = r"(?:US\$|A\$|C\$|HK\$|[$€£¥₽₹₺₼₸]|(?:USD|EUR|GBP|RUB|CNY|AZN|TRY|AMD)[ \u00a0]?)"
# Thousands groups may be split by a comma, a dot, an apostrophe or a (narrow, no-break or
# plain) space, as Russian and French write "1 200 000". A group is one to three digits
# first, so "in 2024 375 companies" stays two figures.
# Eastern Arabic and Persian text use ٬ for thousands and ٫ for decimals; `\d` already
# matches their digits.
_DIGITS = (
    r"\d{1,3}(?:[,.' \u00a0\u202f\u2009\u066c]\d{3}(?!\d))+(?:[.,\u066b]\d+)?|\d+(?:[.,\u066b]\d+)?"
)
_SCALE = (
    r"(?:[ \u00a0]?(?:thousand|million|billion|trillion|bn|mn|tn|m|k|"
    r"тыс\.|тис\.|млн|млрд|трлн|milyon|milyard|milyar|trilyon|万亿|亿|万|千|億|"
    r"مليار|مليون|ألف|آلاف|میلیارد|میلیون|هزار|միլիարդ|միլիոն|მილიარდი|მილიარდ|მილიონი|მილიონ))"
)
_UNIT = (
    r"(?:[ \u00a0]?(?:%|٪|[$€£¥₽₹₺₼₸]|per[ \u00a0]?cent|percent|درصد|بالمئة|في المئة|"
    r"процент(?:а|ов)?|faiz|"
    r"kilometres|kilometers|kilometre|kilometer|km|miles|metres|meters|tonnes|tons|kg|"
    r"dollars|euros|pounds|roubles|rubles|manats?|yuan|lira|drams?|USD|EUR|"
    r"долларов|доллара|доллар|евро|рублей|рубля|рубль|манатов|юаней|км|километров|тонн|"
    r"dollar|avro|manat|гривень|гривні|грн|доларів|дол\.|"
    r"دولار|دلار|ريال|ریال|تومان|دولار أمريكي|"
    r"դոլար|դրամ|ლარი|დოლარი|"
    r"美元|欧元|人民币|元|公里|千米|吨|ドル|円|キロ))"
)
# Letters of cased scripts and digits may not touch a figure ("G20", "COVID-19", "A320");
# CJK characters may, since Chinese writes figures straight into the sentence.
_LETTER = r"A-Za-z\u00c0-\u024f\u0370-\u052f\u0531-\u058f\u10a0-\u10ff"
_EDGE = rf"0-9{_LETTER}"
# Dates and clock times written in digits ("08.04.2015", "2015-04-08", "12:46") are figures
# too: a changed date in the text is a changed fact.
_DATE = r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2}(?::\d{2})?"
# Turkish and Azerbaijani write the percent sign first: "%12,5".
_PERCENT_BEFORE = r"(?:%|٪)"


@cache
def _number_pattern() -> re.Pattern[str]:
    """Compiled on first use: it is large, and a process that never reads a figure (a pass
    of unchanged pages) should not pay for it at start-up."""
    return re.compile(
        rf"(?<![{_EDGE}])(?<!\d[.,:/-])(?<![{_LETTER}]-)"
        rf"(?:(?:{_DATE})(?![\d.,:/-]?\d)|{_PERCENT_BEFORE}?{_CURRENCY}?(?:{_DIGITS}){_SCALE}?{_UNIT}?)"
        rf"(?![{_EDGE}])"
    )


_GROUPING = re.compile(r"(?<=\d)'(?=\d{3})")
_ALIASES = (
    (re.compile(r"(?<=\d)bn$"), "billion"),
    (re.compile(r"(?<=\d)(?:mn|m)$"), "million"),
    (re.compile(r"(?<=\d)tn$"), "trillion"),
)


def find_numbers(text: str) -> list[str]:
    """Figures in order of appearance, as written: "$3.7 billion", "7.9%", "21,000 km"."""
    return [m.group().strip() for m in _number_pattern().finditer(text)]


def number_key(figure: str) -> str:
    """Comparison key of a figure: same key, same figure, whatever the spacing or case."""
    # `normalize` turns Eastern Arabic digits and separators into ASCII ones, so "٣٫٧" and
    # "3.7" have one key; grouping spaces and apostrophes are dropped ("21 000" = "21000").
    key = "".join(normalize(figure).casefold().split())
    key = _GROUPING.sub("", key)
    key = key.replace("percent", "%").replace("٪", "%")
    for pattern, canonical in _ALIASES:
        key = pattern.sub(canonical, key)
    return key
