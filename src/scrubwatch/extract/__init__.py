"""Extraction: the bytes of one capture to the article they show (a `Document`).

Pure: bytes in, a `Document` out, no I/O. The page is decoded once (`charset`) and parsed
once with lxml (`parsing`). That one tree is first read whole for what the page declares:
headline, declared byline, dates (htmldate, one pass), language and canonical URL
(`metadata`). Then it loses its page furniture (`furniture`: menus, sidebars, footers,
consent banners, ad slots, clocks), and what is left is searched for a printed byline
(`byline`) and handed to trafilatura for the body; `body` turns trafilatura's output into
paragraphs.

Two promises the rest of scrubwatch relies on:
- Stability: page chrome (menus, "most read" lists, clocks, ads, banners, footers) never
  reaches the Document, so two fetches of an unchanged article give equal Documents.
- No exceptions: hostile or broken input gives a Document with whatever was found, and
  empty `paragraphs` when no article was found; a capture never fails in extraction. The
  one exception is asked for: with `max_elements`, a page with more elements than that
  raises `PageTooLarge` before any costly step.

Bounded cost: every step is linear or close to it in the page's elements, but at a few
tenths of a millisecond per element; `max_elements` is how a caller bounds the time and
memory one page can take (`MAX_PAGE_ELEMENTS` for pages fetched while watching). A size
limit rather than a clock: the verdict on a page must be the same on every machine and in
every worker, where a time budget would analyse a page here, call it too large there, and
flip between the two from pass to pass.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import trafilatura
from lxml.html import HtmlElement  # type: ignore[import-untyped, unused-ignore]

from scrubwatch.extract import metadata
from scrubwatch.extract.body import paragraphs_from
from scrubwatch.extract.charset import decode_html
from scrubwatch.extract.furniture import strip_furniture
from scrubwatch.extract.listing import looks_like_listing
from scrubwatch.extract.parsing import parse_html
from scrubwatch.model import Document

__all__ = ["MAX_PAGE_ELEMENTS", "PageTooLarge", "decode_html", "extract_document"]

log = logging.getLogger(__name__)

T = TypeVar("T")

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


def _check_size(tree: HtmlElement, limit: int | None) -> None:
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


_NO_CREDITS = metadata.Credits(None, None, None)


def _guarded(what: str, default: T, step: Callable[[], T]) -> T:
    """Run one extraction step; on any error log it and give `default`.

    Deliberately broad: trafilatura, htmldate and lxml have each crashed on some odd page,
    and a crash here would turn an article we can still partly read into a failed capture.
    """
    try:
        return step()
    except Exception:
        log.warning("extraction step %r failed; continuing without it", what, exc_info=True)
        return default


# Below this many characters, trafilatura's main extractor may have missed the story, and
# its comparison with readability and jusText (skipped in its fast mode) earns its cost.
_FALLBACK_BELOW_CHARS = 500


def _bare(tree: HtmlElement, url: str | None, fast: bool) -> trafilatura.settings.Document | None:
    # Metadata is read separately (`metadata.credits`): trafilatura's own pass runs readers we
    # never use and cost about as much as the body extraction itself.
    result = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=fast,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        include_images=False,
        # Recall over precision: a sentence left out is an edit we can never report, while
        # chrome that slips in is stripped by furniture, learned chrome and the comparison.
        # On real page histories this took recall of real edits from 78% to 95%.
        favor_recall=True,
    )
    return result if isinstance(result, trafilatura.settings.Document) else None


def _trafilatura(tree: HtmlElement, url: str | None) -> trafilatura.settings.Document | None:
    """trafilatura's main extractor alone, and its fallbacks only when it found little.

    The fallbacks cost about a third of the body extraction on every page and change the
    result on few; on a long article they only confirm it. (trafilatura works on its own
    copy of the tree, so a second run sees the same page.)
    """
    found = _bare(tree, url, fast=True)
    if found is None or len(found.text or "") < _FALLBACK_BELOW_CHARS:
        found = _bare(tree, url, fast=False)
    return found


def _detected_language(paragraphs: tuple[str, ...]) -> str | None:
    joined = "\n".join(paragraphs)
    return _guarded("langid", None, lambda: metadata.detected_language(joined))


def extract_document(
    body: bytes,
    url: str | None = None,
    content_type: str | None = None,
    *,
    max_elements: int | None = None,
) -> Document:
    """The article in an HTTP response body; raises only PageTooLarge (with `max_elements`).

    `url` is the URL the body was fetched from (after redirects), used to make the canonical
    URL absolute; `content_type` is the response's Content-Type header, for its charset.
    """
    text = _guarded("decode", "", lambda: decode_html(body, content_type))
    tree = _guarded("parse", None, lambda: parse_html(text))
    if tree is None:
        return Document()
    _check_size(tree, max_elements)
    # Everything read from the whole page first: strip_furniture then changes the tree.
    metas: metadata.Metas = _guarded("metas", {}, lambda: metadata.page_metas(tree))
    credits = _guarded("credits", _NO_CREDITS, lambda: metadata.credits(tree))
    date_url = credits.url or url
    published = _guarded("published", None, lambda: metadata.published_date(tree, date_url))
    title = _guarded("title", None, lambda: metadata.extract_title(tree, metas)) or credits.title
    updated = _guarded("updated", None, lambda: metadata.updated_date(tree, published, metas))
    canonical = _guarded("canonical", None, lambda: metadata.canonical_url(tree, url, metas))
    declared = _guarded("language", None, lambda: metadata.declared_language(tree, metas))
    _guarded("furniture", None, lambda: strip_furniture(tree, text))
    byline = credits.byline or _guarded("byline", None, lambda: metadata.printed_byline(tree))
    found = _guarded("body", None, lambda: _trafilatura(tree, url))
    paragraphs: tuple[str, ...] = ()
    if found is not None:
        paragraphs = _guarded("paragraphs", (), lambda: paragraphs_from(found.body, title))
    if _guarded("listing", False, lambda: looks_like_listing(tree, paragraphs, metas)):
        paragraphs = ()
    return Document(
        title=title,
        byline=byline,
        published=published,
        updated=updated,
        language=declared or _detected_language(paragraphs),
        canonical_url=canonical,
        paragraphs=paragraphs,
    )
