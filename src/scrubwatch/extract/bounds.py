"""How large a page may be for its analysis: the bound on what one page can cost.

Every extraction step is linear or close to it in the page's elements and text, but at a few
tenths of a millisecond per element; these limits keep a hostile page (hundreds of thousands
of elements under the body cap) to one bounded look. A size limit rather than a clock: the
verdict on a page must be the same on every machine and in every worker, where a time budget
would analyse a page here, call it too large there, and flip from pass to pass.
"""

from __future__ import annotations

from lxml.html import HtmlElement  # type: ignore[import-untyped, unused-ignore]

# Elements a watched page may have and still be analysed: what a hostile page can have for
# its analysis to stay under 2 s of CPU (bench/bench_extract_bounds.py). Of 663 real
# article pages in ../shared/data the 99th percentile has 2,410 and only a long Wikipedia
# article more than this (9,893).
MAX_PAGE_ELEMENTS = 8_000
# Text costs too (date search, sentence work): a page may hold this many characters of text
# per allowed element, 800,000 by default (that Wikipedia article has half a million).
TEXT_CHARS_PER_ELEMENT = 100
_NOT_TEXT = frozenset({"script", "style", "template", "noscript"})


class PageTooLarge(Exception):
    """The page has more elements or text than the caller's limit allows: too large to
    analyse in detail."""


def check_size(tree: HtmlElement, limit: int | None) -> None:
    """Raise PageTooLarge when `tree` has more than `limit` elements, or more than
    TEXT_CHARS_PER_ELEMENT * `limit` characters of text (counting stops there)."""
    if limit is None:
        return
    max_chars = TEXT_CHARS_PER_ELEMENT * limit
    chars = 0
    for count, element in enumerate(tree.iter(), start=1):
        if count > limit:
            raise PageTooLarge(f"too large to analyse in detail: more than {limit:,} elements")
        if element.tag not in _NOT_TEXT and isinstance(element.text, str):
            chars += len(element.text)
        chars += len(element.tail or "")
        if chars > max_chars:
            raise PageTooLarge(
                f"too large to analyse in detail: more than {max_chars:,} characters of text"
            )
