"""Which texts of a page are nothing but links to elsewhere.

A block that comes and goes between two captures of one article and is all link text (a
teaser headline, "Most read: ...", a list of related stories the extractor kept) is the
page's chrome, not the article's words. Extraction flattens links away, so this module reads
the page again for them: only when a comparison found blocks that came or went, never on an
unchanged article.
"""

from __future__ import annotations

from lxml.html import HtmlElement  # type: ignore[import-untyped, unused-ignore]

from scrubwatch.extract.charset import decode_html

_PUNCTUATION = " \t\n\r\xa0|·•–—-:,;./()[]«»\"'“”‘’"


def text_key(text: str) -> str:
    """A block's text as compared here: spaces folded, case ignored."""
    return " ".join(text.split()).casefold()


def _navigates(link: HtmlElement) -> bool:
    href = (link.get("href") or "").strip().lower()
    return bool(href) and not href.startswith(("#", "javascript:", "mailto:", "tel:"))


def _link_only(element: HtmlElement, memo: dict[HtmlElement, bool]) -> bool:
    """Whether every word of the element is inside a link that leads elsewhere."""
    if element in memo:
        return memo[element]
    if element.tag == "a":
        result = _navigates(element)
    else:
        result = not (element.text or "").strip(_PUNCTUATION) and all(
            isinstance(child.tag, str)
            and _link_only(child, memo)
            and not (child.tail or "").strip(_PUNCTUATION)
            for child in element
        )
        result = result and len(element) > 0
    memo[element] = result
    return result


def link_only_texts(body: bytes, content_type: str | None = None) -> frozenset[str]:
    """The keys (`text_key`) of every element of the page whose text is all link text."""
    # trafilatura's parsing comes with this: loaded only when a comparison needs it.
    from scrubwatch.extract.parsing import parse_html

    tree = parse_html(decode_html(body, content_type))
    if tree is None:
        return frozenset()
    memo: dict[HtmlElement, bool] = {}
    found = set()
    for link in tree.iter("a"):
        if not _navigates(link):
            continue
        element: HtmlElement | None = link
        while element is not None and element.tag not in ("body", "html"):
            if not _link_only(element, memo):
                break
            if key := text_key(element.text_content()):
                found.add(key)
            element = element.getparent()
    return frozenset(found)
