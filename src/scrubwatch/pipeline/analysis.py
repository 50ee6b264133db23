"""What a fetched page shows: its article, whether it is gone, and its fast re-check hint.

This is the CPU-heavy, pure part of a check (extraction with trafilatura, the soft-404 tests,
the hint's second parse), kept apart so that it can run in a worker process (`offload`):
in the processing thread it holds the GIL for milliseconds per page and serialises with
fetching, archiving and database writes. Everything in and out is picklable.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrubwatch.deletion import classify_gone
from scrubwatch.extract.bounds import MAX_PAGE_ELEMENTS, PageTooLarge
from scrubwatch.extract.fastpath import make_hint
from scrubwatch.interstitial import WALL_STATUSES, detect_interstitial
from scrubwatch.model import DeletionKind, Document

PAGE_TYPES = ("html", "xml")  # content types extraction is attempted on


@dataclass(frozen=True, slots=True)
class Page:
    """What analysis needs to know about one response."""

    status: int
    url: str  # as requested: the article's URL
    final_url: str  # after redirects
    body: bytes
    content_type: str | None
    previous: Document | None = None  # the article's latest version, if any
    probe: Document | None = None  # the host's page for a surely-missing URL (soft 404s)
    max_elements: int | None = MAX_PAGE_ELEMENTS  # larger pages are not analysed (None: all)

    @property
    def extractable(self) -> bool:
        """Whether full extraction runs on this page (the costly case worth offloading)."""
        content_type = (self.content_type or "text/html").lower()
        return self.status == 200 and any(kind in content_type for kind in PAGE_TYPES)


@dataclass(frozen=True, slots=True)
class Analysis:
    """The verdict on a page: gone (how, and where to), blocked by a wall, or the document
    it shows."""

    document: Document | None
    gone: tuple[DeletionKind, str | None] | None
    hint: dict[str, object] | None  # the fast re-check hint of a usable document
    error: str | None  # why a page that is not gone cannot be compared
    # What stood in front of the article ("bot challenge", "consent wall", "login wall",
    # "paywall"): a failed look, never a deletion or an edit.
    blocked: str | None = None
    # Why the page was not analysed at all (more elements than `Page.max_elements`).
    too_large: str | None = None


def analyse(page: Page) -> Analysis:
    """Extract, judge walls and deletion, and pin the article for fast re-checks.

    Walls are judged first: a challenge or consent page looks like an emptied article or a
    "not found" page to the deletion tests.
    """
    # Imported on the first page analysed: a pass of unchanged pages, or a process whose pages
    # are analysed by workers, never loads trafilatura.
    from scrubwatch.extract.document import extract_document

    document = None
    if page.extractable:
        try:
            document = extract_document(
                page.body, page.final_url, page.content_type, max_elements=page.max_elements
            )
        except PageTooLarge as exc:
            return Analysis(None, None, None, str(exc), too_large=str(exc))
    blocked = _wall(page, document)
    if blocked is not None:
        return Analysis(document, None, None, f"blocked: {blocked}", blocked)
    gone = classify_gone(
        page.status, page.url, page.final_url, document, page.previous, probe=page.probe
    )
    if gone is not None:
        return Analysis(document, gone, None, None)
    error = _unusable(page, document)
    if error is not None or document is None:
        return Analysis(document, None, None, error or "no document")
    hint = make_hint(page.body, page.content_type, document)
    return Analysis(document, None, hint.to_json() if hint else None, None)


def _wall(page: Page, document: Document | None) -> str | None:
    """The wall this page is, if any: on a 200 page that was extracted, or on an error answer
    (401, 403, 429, 503) whose body is an HTML page."""
    if page.status not in WALL_STATUSES:
        return None
    if page.status != 200:
        content_type = (page.content_type or "text/html").lower()
        if "html" not in content_type or not page.body:
            return None
    return detect_interstitial(
        page.body, document, page.status, previous=page.previous, content_type=page.content_type
    )


def _unusable(page: Page, document: Document | None) -> str | None:
    """Why a response that is not a deletion cannot be compared, or None."""
    if page.status != 200:
        return f"HTTP {page.status}"
    if document is None:
        return f"not an HTML page ({page.content_type or 'no content type'})"
    if document.is_empty:
        return "no article text found"
    return None
