"""Page furniture removed before trafilatura looks for the article body.

Each kind here changes from one fetch of an unchanged article to the next, and trafilatura
sometimes keeps it as text, mostly on short pages where it falls back to the whole body;
worse, its presence can tip trafilatura into choosing a different main block. Removing it
first keeps the extracted text equal across fetches:

- regions that declare themselves navigation, banner, footer or aside, outside any
  `<article>` (an article's own `<aside>` or `<footer>` may hold its text);
- cookie/consent banners and ad slots, found by a class or id word, only when they hold
  little text (a long block named "ad-..." is more likely an article than an advert);
- elements whose whole text is a relative clock ("Updated 5 minutes ago"), which is
  "now minus t" rendered on the server and never the story's words.

The caller's tree is changed in place: it is read for metadata first, then given up here,
which spares copying a whole page (trafilatura copies it once more itself).
"""

from __future__ import annotations

import re

from lxml.etree import XPath  # type: ignore[import-untyped, unused-ignore]
from lxml.html import HtmlElement  # type: ignore[import-untyped, unused-ignore]

# "5 minutes ago" and its kin in a few languages, with an optional "Updated"-like label.
_AGO = (
    r"(?:\d{1,3}\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago"
    r"|\d{1,3}\s*(?:секунд\w*|минут\w*|час\w*|дн\w*|день)\s+назад"
    r"|\d{1,3}\s*(?:saniye|dakika|saat|gün)\s+önce"
    r"|vor\s+\d{1,3}\s*(?:Sekunden|Minuten|Stunden|Tagen)"
    r"|il y a\s+\d{1,3}\s*(?:secondes?|minutes?|heures?|jours?)"
    r"|hace\s+\d{1,3}\s*(?:segundos?|minutos?|horas?|días?))"
)
RELATIVE_CLOCK = re.compile(
    rf"(?:(?:last\s+)?(?:updated|posted|published|edited)\s*:?\s*)?{_AGO}\.?", re.IGNORECASE
)

# Class and id words as space-delimited tokens of the lower-cased names, "-" and "_" as spaces.
_NAME_WORDS = (
    "concat(' ', normalize-space(translate(concat(@class, ' ', @id),"
    " 'ABCDEFGHIJKLMNOPQRSTUVWXYZ-_', 'abcdefghijklmnopqrstuvwxyz  ')), ' ')"
)


def _named(words: tuple[str, ...], max_chars: int) -> str:
    """Elements with one of `words` starting a class or id word, holding little text.

    A word given with a trailing space must be a whole word ("ad " is not "adapt").
    """
    tests = " or ".join(f"contains({_NAME_WORDS}, ' {word}')" for word in words)
    return f"//*[{tests}][string-length(normalize-space()) < {max_chars}]"


_DECLARED = (
    "//*[self::nav or self::footer or self::aside or @role='navigation' or @role='banner'"
    " or @role='contentinfo' or @role='complementary'][not(ancestor::article)]"
)
_CONSENT = _named(("cookie", "consent", "gdpr"), 1000)
_ADVERT = _named(("ad ", "ads ", "adslot ", "adunit ", "advert", "adsbygoogle ", "dfp "), 300)
_FURNITURE = XPath(f"{_DECLARED} | {_CONSENT} | {_ADVERT}")
# Text nodes that may hold a clock: cheap to find in C, checked exactly in Python.
_CLOCK_CANDIDATES = XPath(
    "//text()[string-length(normalize-space()) < 60][contains(., 'ago') or contains(., 'назад')"
    " or contains(., 'önce') or contains(., 'vor ') or contains(., 'il y a')"
    " or contains(., 'hace ')][not(ancestor::script or ancestor::style)]"
)


def _drop(element: HtmlElement) -> None:
    """Remove an element and its text, keeping the text that follows it."""
    if element.getparent() is not None:
        element.drop_tree()


def _clock_holders(tree: HtmlElement) -> list[HtmlElement]:
    """Elements whose whole text is one relative clock."""
    holders = []
    for text in _CLOCK_CANDIDATES(tree):
        holder = text.getparent()
        if holder is not None and text.is_tail:
            holder = holder.getparent()
        if holder is None or holder.tag in ("body", "html"):
            continue
        if RELATIVE_CLOCK.fullmatch(" ".join(holder.text_content().split())):
            holders.append(holder)
    return holders


def strip_furniture(tree: HtmlElement) -> None:
    """Remove page furniture (see the module docstring) from `tree`, in place."""
    for element in [*_FURNITURE(tree), *_clock_holders(tree)]:
        _drop(element)
