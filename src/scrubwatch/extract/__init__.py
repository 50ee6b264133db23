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
  raises `bounds.PageTooLarge` before any costly step.

Bounded cost: `bounds` says how large a page may be (`max_elements`) for its analysis.

The pipeline is in `extract.document`. This package itself imports nothing, so that a light
part such as `fastpath`, `charset` or `chrome` can be used without loading trafilatura.
"""
