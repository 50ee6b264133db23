"""Page furniture removed before trafilatura looks for the article body.

Each kind here changes from one fetch of an unchanged article to the next, and trafilatura
sometimes keeps it as text, mostly on short pages where it falls back to the whole body;
worse, its presence can tip trafilatura into choosing a different main block. Removing it
first keeps the extracted text equal across fetches:

- regions that declare themselves navigation, banner, footer, aside, menu, dialog or
  search, elements marked `hidden` (a reader never sees them: closed menus, portals), and
  short controls (tabs, toggles, accordion headers: `role="button"` or a focusable `<div>`),
  outside any `<article>` (an article's own `<aside>` or `<footer>` may hold its text);
- cookie/consent banners and ad slots, found by a class or id word (camelCase words too:
  "wcpConsentBanner"), only when they hold little text (a long block named "ad-..." is
  more likely an article than an advert);
- elements whose whole text is a relative clock ("Updated 5 minutes ago"), which is
  "now minus t" rendered on the server and never the story's words;
- (not furniture, but fixed in the same walk) text left loose after a block inside a
  `<div>` ("...</div> Revised: 26 July 2022 </div>") is given a paragraph of its own,
  since trafilatura drops such text;
- rows of link cards (teasers, "most read", related stories) by their shape, inside the
  main column too (`cards`);
- scripts, styles and SVG drawings, which hold no text a reader sees (trafilatura drops
  them too, but only after copying them along with the page, several times). JSON-LD
  scripts stay: trafilatura may read the article body from one when all else fails.

The caller's tree is changed in place: it is read for metadata first, then given up here,
which spares copying a whole page (trafilatura copies it once more itself).
"""

from __future__ import annotations

import re

from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from lxml.etree import XPath  # type: ignore[import-untyped, unused-ignore]
from lxml.html import HtmlElement  # type: ignore[import-untyped, unused-ignore]

from scrubwatch.extract.cards import card_rows

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
_ANY_CLOCK = re.compile(_AGO, re.IGNORECASE)
# The words every clock above contains, as the XPath below looks for them.
_CLOCK_WORDS = ("ago", "назад", "önce", "vor ", "il y a", "hace ")
_CLOCK_REACH = 40  # characters around a clock word that can hold the rest of the clock

_DECLARED_TAGS = ("nav", "footer", "aside")
_CHROME_ROLES = {
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "menu",
    "menubar",
    "dialog",
    "alertdialog",
    "tooltip",
    "search",
}
# Words of a class or id (split by anything but letters, and where a capital follows a small
# letter): a word starting with "cookie", "consent" or "gdpr", or a whole ad word ("ad" is
# not "load", "adapt" or "header").
_CONSENT_NAME = re.compile(
    r"(?:(?:^|[^a-zA-Z])(?i:cookie|consent|gdpr)|(?<=[a-z])(?:Cookie|Consent|Gdpr|GDPR))"
)
_ADVERT_NAME = re.compile(
    r"(?:^|[^a-z])(?:ad|ads|adslot|adunit|advert[a-z]*|adsbygoogle|dfp)(?:$|[^a-z])",
    re.IGNORECASE,
)
# Either of the two, loosely: one search rules out nearly every class and id on a page.
_MAYBE_NAMED = re.compile(r"cookie|consent|gdpr|ad|dfp", re.IGNORECASE)
_MAX_CONSENT_CHARS = 1000
_MAX_ADVERT_CHARS = 300
# Text nodes that may hold a clock, checked exactly in Python.
_CLOCK_CANDIDATES = XPath(
    "//text()[" + " or ".join(f"contains(., '{word}')" for word in _CLOCK_WORDS) + "]"
)
_MAX_CLOCK_CHARS = 60


def _short(element: HtmlElement, limit: int) -> bool:
    return len(" ".join(element.text_content().split())) < limit


def _named_limit(names: str) -> int | None:
    """For a consent banner or an ad slot by its class or id, the most text it may hold."""
    if not _MAYBE_NAMED.search(names):
        return None
    if _CONSENT_NAME.search(names):
        return _MAX_CONSENT_CHARS
    if _ADVERT_NAME.search(names):
        return _MAX_ADVERT_CHARS
    return None


def _declared_and_named(tree: HtmlElement) -> list[HtmlElement]:
    """Navigation, banners, footers and asides that declare themselves so, outside any
    article; consent banners and ad slots, by a class or id word, that hold little text.

    One walk over the elements in Python: cheaper than XPaths, which test every element
    once per condition.
    """
    found = []
    for element in tree.iter(etree.Element):
        declared = (
            element.tag in _DECLARED_TAGS
            or element.get("role") in _CHROME_ROLES
            or element.get("hidden") is not None
            or _is_control(element)
        )
        if declared and next(element.iterancestors("article"), None) is None:
            found.append(element)
            continue
        names = f"{element.get('class') or ''} {element.get('id') or ''}"
        if len(names) > 1 and (limit := _named_limit(names)) and _short(element, limit):
            found.append(element)
    return found


_CONTROL_ROLES = {"button", "tab", "tablist", "switch"}
_FOCUSABLE_BOXES = {"div", "span", "li"}
_MAX_CONTROL_CHARS = 60


def _is_control(element: HtmlElement) -> bool:
    """A button-like widget with a short label: trafilatura drops `<button>`s, and a `<div>`
    that plays one (focusable, or declared a button or tab) is no article text either."""
    role = element.get("role")
    if role not in _CONTROL_ROLES and (
        element.tag not in _FOCUSABLE_BOXES or element.get("tabindex") is None
    ):
        return False
    return _short(element, _MAX_CONTROL_CHARS)


def _inert(tree: HtmlElement) -> list[HtmlElement]:
    """Scripts but JSON-LD, styles and SVG drawings."""
    return [
        element
        for element in tree.iter("script", "style", "svg")
        if element.tag != "script" or element.get("type") != "application/ld+json"
    ]


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
        if holder is None or holder.tag in ("body", "html", "script", "style"):
            continue
        if len(text) > _MAX_CLOCK_CHARS:
            continue
        whole = " ".join(holder.text_content().split())
        if len(whole) < _MAX_CLOCK_CHARS and RELATIVE_CLOCK.fullmatch(whole):
            holders.append(holder)
    return holders


def _mentions_clock(source: str) -> bool:
    """True when the page source holds something like a clock: a cheap test that spares
    most pages the walk over every text node (`str.find` for the words, then a regex on the
    few characters around each)."""
    for word in _CLOCK_WORDS:
        at = source.find(word)
        while at != -1:
            around = source[max(0, at - _CLOCK_REACH) : at + _CLOCK_REACH]
            if _ANY_CLOCK.search(around.replace("&nbsp;", " ").replace("&#160;", " ")):
                return True
            at = source.find(word, at + 1)
    return False


def strip_furniture(tree: HtmlElement, source: str | None = None) -> None:
    """Remove page furniture (see the module docstring) from `tree`, in place.

    `source`, the HTML the tree was parsed from, lets a page with no clock anywhere skip the
    search for clock elements (a walk over every text node).
    """
    found = _declared_and_named(tree)
    if source is None or _mentions_clock(source):
        found += _clock_holders(tree)
    found += _inert(tree)
    for element in found:
        _drop(element)
    for element in card_rows(tree):
        _drop(element)
    _adopt_loose_text(tree)


_BLOCKS = {"div", "p", "ul", "ol", "table", "section", "blockquote", "h1", "h2", "h3", "h4"}
_LOOSE_PARENTS = {"div", "section", "article", "main", "td"}
_MIN_LOOSE_CHARS = 12


def _adopt_loose_text(tree: HtmlElement) -> None:
    """Wrap the text that follows a block element, loose in its container, in a `<p>`."""
    loose = [
        element
        for element in tree.iter(*_BLOCKS)
        if element.tail
        and len(element.tail.strip()) >= _MIN_LOOSE_CHARS
        and (parent := element.getparent()) is not None
        and parent.tag in _LOOSE_PARENTS
    ]
    for element in loose:
        paragraph = element.makeelement("p", {})
        paragraph.text, element.tail = element.tail.strip(), None
        element.addnext(paragraph)
