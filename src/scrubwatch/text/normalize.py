"""Normal forms of text, so that typography is never mistaken for an edit.

Outlets re-render the same words with different bytes all the time: curly or straight quotes,
an en dash or a hyphen, a no-break space, a soft hyphen left by a CMS, a zero-width space from
a paste. `normalize` erases those differences; `fold` goes further and gives a matching key
that also ignores case and diacritics, the way a person searching for a name would.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Characters that render as nothing (or only affect line breaking) and that CMSes sprinkle
# into text: soft hyphen, zero-width space, word joiner, BOM, Mongolian vowel separator.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff\u180e"))
# Zero-width non-joiner and joiner are spelling in Persian ("سرمایه‌گذاری"), Indic scripts
# and emoji: kept in text shown to people, dropped only from comparison forms.
_JOINERS = dict.fromkeys(map(ord, "\u200c\u200d"))
# Comparison forms also agree on Arabic-script letters that differ by keyboard only (Arabic
# yeh and kaf against the Persian ones) and on digits: "۳٫۷" and "٣٫٧" are 3.7.
_ARABIC_SCRIPT = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "\u066b": ".",  # Arabic decimal separator
        "\u066c": ",",  # Arabic thousands separator
        **{chr(0x660 + d): str(d) for d in range(10)},
        **{chr(0x6F0 + d): str(d) for d in range(10)},
    }
)

_DOUBLE_QUOTES = "“”„‟«»「」『』″〝〞＂"
_SINGLE_QUOTES = "‘’‚‛‹›′`´"
_DASHES = "‐‑‒–—―−⁃﹘﹣－"
_TYPOGRAPHY = str.maketrans(
    {
        **dict.fromkeys(map(ord, _DOUBLE_QUOTES), '"'),
        **dict.fromkeys(map(ord, _SINGLE_QUOTES), "'"),
        **dict.fromkeys(map(ord, _DASHES), "-"),
    }
)

# Only ASCII whitespace is collapsed for display: no-break and thin spaces carry meaning
# inside figures ("21 000") and are kept until `normalize`.
_ASCII_SPACE_RUN = re.compile(r"[ \t\r\n\f\v]+")

TURKIC_LANGUAGES = frozenset({"tr", "az", "crh", "gag", "tt", "kk"})
SUFFIXING_LANGUAGES = TURKIC_LANGUAGES | {"uz", "tk", "ky", "fi", "et", "hu", "hy", "ka"}


def base_language(language: str | None) -> str | None:
    """`"tr-TR"` -> `"tr"`; None or blank stays None."""
    if not language or not language.strip():
        return None
    return re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]


def clean(text: str) -> str:
    """Text as written, minus invisible characters, with ASCII whitespace runs collapsed.

    This is the form shown to people: quotes, dashes and no-break spaces are left alone.
    """
    return _ASCII_SPACE_RUN.sub(" ", text.translate(_INVISIBLE)).strip()


def normalize(text: str) -> str:
    """NFKC; one quote, dash and space style; no soft hyphens or zero-width chars; one space.

    Eastern Arabic and Persian digits become ASCII digits, so a figure re-rendered in
    another digit set is the same figure.
    """
    text = unicodedata.normalize("NFKC", text.translate(_INVISIBLE).translate(_JOINERS))
    return " ".join(text.translate(_TYPOGRAPHY).translate(_ARABIC_SCRIPT).split())


# Comparisons fold the same terms and sentences again and again; folding is pure.
@functools.lru_cache(maxsize=16384)
def fold(text: str, language: str | None = None) -> str:
    """A matching key that ignores typography, case and diacritics.

    With a Turkic language ("tr", "az"...) capitals follow Turkish rules: I lowers to dotless
    ı and İ to i, and ı stays a letter of its own. Without one, the key is the loosest
    possible: İ, I, ı and i all become i, which is what a term typed on any keyboard needs.
    """
    text = normalize(text)
    turkic = base_language(language) in TURKIC_LANGUAGES
    if turkic:
        text = text.replace("I", "ı").replace("İ", "i")
    text = text.casefold()
    decomposed = unicodedata.normalize("NFD", text)
    text = unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    )
    return text if turkic else text.replace("ı", "i")


def has_cjk(text: str) -> bool:
    """True when the text holds Han, kana or hangul: scripts written without spaces."""
    return any(
        "\u3040" <= c <= "\u30ff" or "\u3400" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af"
        for c in text
    )


def contains_term(folded_text: str, folded_term: str, language: str | None = None) -> bool:
    """Whether a folded term occurs in folded text as whole words.

    In languages that inflect by suffixes (Turkish, Azerbaijani, Finnish...) the term may be
    followed by an ending: "Zəngəzur dəhlizi" is found in "Zəngəzur dəhlizinin". Word edges
    are not checked at all for CJK terms, whose words are not separated by spaces.
    """
    if not folded_term:
        return False
    if has_cjk(folded_term):
        return folded_term in folded_text
    # The same test as `term_pattern`, by plain substring search: on a long article checked
    # for hundreds of terms, a regular expression with a look-behind is far slower.
    suffixed = base_language(language) in SUFFIXING_LANGUAGES
    start = folded_text.find(folded_term)
    while start >= 0:
        end = start + len(folded_term)
        if not (start and _is_word_char(folded_text[start - 1])) and (
            suffixed or end == len(folded_text) or not _is_word_char(folded_text[end])
        ):
            return True
        start = folded_text.find(folded_term, start + 1)
    return False


def _is_word_char(char: str) -> bool:
    """What `\\w` matches in a regular expression: a letter, a digit or an underscore."""
    return char.isalnum() or char == "_"


def term_pattern(term: str, language: str | None = None) -> str:
    """A regular expression finding `term` as whole words (see `contains_term`)."""
    ending = "" if base_language(language) in SUFFIXING_LANGUAGES else r"(?!\w)"
    return r"(?<!\w)" + re.escape(term) + ending
