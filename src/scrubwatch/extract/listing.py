"""Is this page a listing (a homepage, a section front) rather than one article?

trafilatura always finds *some* main text, and on a homepage that is the teasers' summaries.
Taking those for an article would make every homepage reshuffle look like an edit, and would
let a section page pass for a live article after the article was deleted and redirected. So
we look at where the extracted paragraphs came from: on a listing, most of them sit in their
own small box next to a linked headline (a teaser); in an article they do not.
"""

from __future__ import annotations

from lxml.html import HtmlElement  # type: ignore[import-untyped, unused-ignore]

from scrubwatch.extract.metadata import Metas, clean_text, meta_content

_SOURCE_CLIMB = 3
_KEY_CHARS = 80
# A teaser box is the paragraph's parent or grandparent; any higher and it is the page.
_TEASER_DEPTH = 2
_MIN_TEASERS = 3
_TEASER_SHARE = 0.6
_LINKED_SHARE = 0.5
# Headings that link somewhere else: a section's own anchor ("#part-2") is no teaser.
_LINKED_HEADING = (
    ".//*[self::h1 or self::h2 or self::h3 or self::h4]"
    "[.//a[@href and not(starts-with(@href, '#'))] or ancestor::a[@href]]"
)
_MAX_TEASER_CHARS = 600
# An anchor that leads to another page; "javascript:" and "#..." anchors are script hooks.
_NAVIGATES = (
    "@href and not(starts-with(normalize-space(@href), 'javascript:'))"
    " and not(starts-with(normalize-space(@href), '#'))"
)


def _sources(tree: HtmlElement, keys: set[str]) -> dict[str, HtmlElement]:
    """For each paragraph key, the first element whose whole text starts like it.

    Walks up from every element that has text of its own, since a paragraph trafilatura
    built may be a `<li>` whose text sits in an `<a>` or `<strong>` below it.
    """
    found: dict[str, HtmlElement] = {}
    memo: dict[HtmlElement, str] = {}
    for element in tree.iter():
        if not (isinstance(element.tag, str) and element.text and element.text.strip()):
            continue
        box: HtmlElement | None = element
        for _ in range(_SOURCE_CLIMB):
            if box is None or box.tag in ("body", "html"):
                break
            if box not in memo:
                memo[box] = _start(box.text_content(), _KEY_CHARS)
            if memo[box] in keys and memo[box] not in found:
                found[memo[box]] = box
            box = box.getparent()
    return found


def _start(text: str, length: int) -> str:
    """clean_text(text)[:length], without cleaning a whole article's text to find out.

    Cleaning a prefix gives a prefix of the cleaned text, so a prefix that cleans to at
    least `length` characters is enough.
    """
    head = clean_text(text[: length * 4])
    return head[:length] if len(head) >= length else clean_text(text)[:length]


def _longer_than(text: str, limit: int) -> bool:
    """len(clean_text(text)) > limit, without cleaning a whole article's text to find out."""
    return len(_start(text, limit + 1)) > limit


def _is_teaser(element: HtmlElement, boxes: dict[HtmlElement, bool | None]) -> bool:
    """True when the element sits in a small box with one linked headline (a teaser).

    `boxes` remembers each box's verdict (True: a teaser box; False: too big to be one;
    None: neither, look higher): a story's paragraphs share their boxes.
    """
    box = element
    for _ in range(_TEASER_DEPTH):
        parent = box.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return False
        box = parent
        if box not in boxes:
            boxes[box] = _teaser_box(box)
        if boxes[box] is not None:
            return bool(boxes[box])
    return False


def _teaser_box(box: HtmlElement) -> bool | None:
    if _longer_than(box.text_content(), _MAX_TEASER_CHARS):
        return False
    return True if len(box.xpath(_LINKED_HEADING)) == 1 else None


def _linked_chars(element: HtmlElement) -> int:
    """How many characters of the element's text are link text."""
    if element.xpath(f"boolean(ancestor::a[{_NAVIGATES}])"):
        return len(clean_text(element.text_content()))
    links = element.xpath(f".//a[{_NAVIGATES}]")
    return sum(len(clean_text(link.text_content())) for link in links)


def looks_like_listing(tree: HtmlElement, paragraphs: tuple[str, ...], metas: Metas) -> bool:
    """True when the extracted paragraphs are mostly teasers: linked headlines and summaries.

    Two signals, either is enough: most paragraphs sit in a small box beside a linked
    headline, or most of their text is itself link text. A page that declares itself an
    article (og:type) is always taken at its word.
    """
    if len(paragraphs) < _MIN_TEASERS:
        return False
    if (meta_content(metas, "og:type") or "").lower() == "article":
        return False
    sources = _sources(tree, {p[:_KEY_CHARS] for p in paragraphs})
    found = [sources[p[:_KEY_CHARS]] for p in paragraphs if p[:_KEY_CHARS] in sources]
    boxes: dict[HtmlElement, bool | None] = {}
    teasers = sum(1 for element in found if _is_teaser(element, boxes))
    if teasers >= _MIN_TEASERS and teasers >= _TEASER_SHARE * len(paragraphs):
        return True
    total = sum(len(clean_text(element.text_content())) for element in found)
    linked = sum(_linked_chars(element) for element in found)
    return total > 0 and linked >= _LINKED_SHARE * total
