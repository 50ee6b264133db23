"""Link cards: rows of teasers and links to other pages, found by their shape.

"Most read", "More on this topic", related stories and side menus sit inside the main
column on many sites, where no tag or class says what they are, and they change from one
fetch of an unchanged article to the next. Their shape gives them away: three or more
sibling boxes of one shape (tag and class), each a short text that is all a link elsewhere,
or a linked headline over a line of standfirst. The article's own text never looks like
that: its paragraphs are long and carry few links. The row's label ("Related articles")
goes with it when it stands just before the row.

What is deliberately not a card: a paragraph, however many links it holds (Wikipedia), a
list item with text of its own around its link, a long box (a story's section with a link
in it), in-page anchors ("#part-2") and script hooks ("javascript:").
"""

from __future__ import annotations

from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from lxml.html import HtmlElement  # type: ignore[import-untyped, unused-ignore]

_MIN_CARDS = 3
_CARD_SHARE = 0.8  # of a container's children (with text) that must be cards
_MAX_TEASER_CHARS = 300  # a linked headline with its standfirst
_MAX_LINK_CARD_CHARS = 120  # a card that is one link
_MIN_LINKED_SHARE = 0.9  # of such a card's text that is link text
_MAX_LABEL_CHARS = 60  # the rest of a row of cards: a "Most read" heading, at most
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
_NOT_CONTAINERS = {"html", "body", "article", "main", "table", "tbody", "thead", "tr", "p"}
_NOT_CARDS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "br"}


def _chars(element: HtmlElement) -> int:
    """Characters of text, spaces folded."""
    return len(" ".join(element.text_content().split()))


def _navigates(link: HtmlElement) -> bool:
    href = (link.get("href") or "").strip().lower()
    return bool(href) and not href.startswith(("#", "javascript:"))


def _is_card(element: HtmlElement, chars: int, sizes: dict[HtmlElement, int]) -> bool:
    """A short box that is all one link elsewhere, or a linked headline with a standfirst."""
    if chars == 0 or chars > _MAX_TEASER_CHARS or element.tag in _NOT_CARDS:
        return False
    links = [a for a in element.iter("a") if _navigates(a)]
    if not links:
        return False
    linked = sum(sizes.get(a, 0) for a in links)
    if chars <= _MAX_LINK_CARD_CHARS and linked >= _MIN_LINKED_SHARE * chars:
        return True
    return any(
        any(_navigates(a) for a in heading.iter("a")) or heading.getparent() in links
        for heading in element.iter(*_HEADINGS)
    )


def _text_sizes(tree: HtmlElement) -> dict[HtmlElement, int]:
    """Each element's text length, spaces folded, in one pass from the leaves up: asking
    every element for its whole text would build the same strings once per ancestor."""
    sizes: dict[HtmlElement, int] = {}
    for element in reversed(list(tree.iter())):
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions hold no text a reader sees
        size = _folded(element.text)
        for child in element:
            size += sizes.get(child, 0) + _folded(child.tail)
        sizes[element] = size
    return sizes


def _folded(text: str | None) -> int:
    return len(" ".join(text.split())) + 1 if text and not text.isspace() else 0


def card_rows(tree: HtmlElement) -> list[HtmlElement]:
    """The elements to remove: each row of cards whole (with its short label, if any), or
    only its cards when the row also holds longer text."""
    found: list[HtmlElement] = []
    sizes = _text_sizes(tree)
    for parent in tree.iter(etree.Element):
        if parent.tag in _NOT_CONTAINERS or len(parent) < _MIN_CARDS:
            continue
        sized = [(child, sizes.get(child, 0)) for child in parent if isinstance(child.tag, str)]
        sized = [(child, chars) for child, chars in sized if chars]
        cards = [child for child, chars in sized if _is_card(child, chars, sizes)]
        if len(cards) < _MIN_CARDS or len(cards) < _CARD_SHARE * len(sized):
            continue
        if len({(card.tag, card.get("class")) for card in cards}) > 1:  # not one shape
            continue
        rest = [chars for child, chars in sized if child not in cards]
        row = [parent] if all(c <= _MAX_LABEL_CHARS for c in rest) else cards
        found.extend([*row, *_label_before(row[0])])
    return _outermost(found)


def _label_before(first: HtmlElement) -> list[HtmlElement]:
    """The row's label ("Related articles", "Most read") when it stands just before the row:
    a short text without links of its own."""
    label = first.getprevious()
    while label is not None and not isinstance(label.tag, str):  # comments
        label = label.getprevious()
    if label is None or label.tag in _NOT_CONTAINERS or label.tag == "p":
        return []
    chars = _chars(label)
    if 0 < chars <= _MAX_LABEL_CHARS and not any(_navigates(a) for a in label.iter("a")):
        return [label]
    return []


def _outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    """Leave out elements inside another one of the list (they go with it)."""
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]
