"""The JSON API under `/api`: changes (the contract), articles, versions, captures, search.

List endpoints answer a JSON array (for changes, exactly what `changes --json` prints) and
page with `limit` and `offset`; when more may follow, a `Link: <...>; rel="next"` header
says where. Changes and removed-text search page by key instead (`after=`, in that
header): their hundredth page costs what their first does, and a change detected while a
client pages does not shift the pages after it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from scrubwatch.compare import compare_documents
from scrubwatch.compare.pairs import current_version
from scrubwatch.model import Article, Capture, ChangeKind, Severity
from scrubwatch.pipeline.reachability import outlet_reports, report_to_json
from scrubwatch.serialize import change_to_json, diff_to_dict, iso, version_to_json
from scrubwatch.store.records import ArticleSummary, ChangeFilter, PageKey
from scrubwatch.web.deps import MAX_PAGE_SIZE, PAGE_SIZE, web_of
from scrubwatch.web.paging import MAX_KEY_LENGTH, parse_key, url_after
from scrubwatch.web.searchview import removed_to_json, search_to_json

router = APIRouter(prefix="/api", tags=["api"])

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size.")]
Offset = Annotated[int, Query(ge=0, description="How many to skip.")]
After = Annotated[
    str | None,
    Query(
        max_length=MAX_KEY_LENGTH,
        description="Start after this page key (as the `Link` to the next page gives it).",
    ),
]


class SearchMode(StrEnum):
    all = "all"
    removed = "removed"


def utc(moment: datetime | None) -> datetime | None:
    """Times without an offset are taken as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def paged(request: Request, items: list[Any], limit: int, offset: int) -> JSONResponse:
    """A JSON array with a `Link` header to the next page (by offset) when this one is full."""
    response = JSONResponse(items)
    if len(items) == limit:
        url = request.url.include_query_params(limit=limit, offset=offset + limit)
        response.headers["Link"] = f'<{url}>; rel="next"'
    return response


def keyed(request: Request, items: list[Any], limit: int, last: PageKey | None) -> JSONResponse:
    """A JSON array with a `Link` header to the next page when this one is full: the page
    after `last`, this page's last row."""
    response = JSONResponse(items)
    if len(items) == limit and last is not None:
        url = url_after(request.url, last, instead_of="offset")
        response.headers["Link"] = f'<{url}>; rel="next"'
    return response


@router.get("/changes", summary="Changes, newest first (the `changes --json` contract)")
def api_changes(
    request: Request,
    outlet: str | None = None,
    kind: ChangeKind | None = None,
    severity: Severity | None = None,
    term: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    url: str | None = None,
    limit: Limit = PAGE_SIZE,
    offset: Offset = 0,
    after: After = None,
) -> JSONResponse:
    filters = ChangeFilter(outlet, kind, severity, term, utc(since), utc(until), url)
    store = web_of(request).store
    found = store.change_page(filters, limit=limit, offset=offset, after=parse_key(after))
    last = PageKey.of_change(found[-1]) if found else None
    return keyed(request, [change_to_json(c) for c in found], limit, last)


@router.get("/articles", summary="Watched articles, most recently changed first")
def api_articles(
    request: Request, outlet: str | None = None, limit: Limit = PAGE_SIZE, offset: Offset = 0
) -> JSONResponse:
    found = web_of(request).store.article_page(outlet=outlet, limit=limit, offset=offset)
    return paged(request, [summary_to_json(s) for s in found], limit, offset)


@router.get("/articles/{article_id}", summary="One article and the list of its versions")
def api_article(request: Request, article_id: int) -> dict[str, Any]:
    store = web_of(request).store
    article = _article(request, article_id)
    versions = store.versions(article_id)
    data = article_to_json(article)
    current = current_version(versions, article.latest_version)
    data["title"] = current.document.title if current else None
    data["versions"] = [{"number": v.number, "first_seen": iso(v.first_seen)} for v in versions]
    return data


@router.get("/articles/{article_id}/versions", summary="Every version, oldest first")
def api_versions(request: Request, article_id: int) -> list[dict[str, Any]]:
    _article(request, article_id)
    return [_version_json(v) for v in web_of(request).store.versions(article_id)]


@router.get("/articles/{article_id}/versions/{number}", summary="One version: text, metadata")
def api_version(request: Request, article_id: int, number: int) -> dict[str, Any]:
    _article(request, article_id)
    version = web_of(request).store.version(article_id, number)
    if version is None:
        raise HTTPException(404, f"article {article_id} has no version {number}")
    return _version_json(version)


@router.get("/articles/{article_id}/captures", summary="Every fetch: status, hashes, WARC")
def api_captures(request: Request, article_id: int) -> list[dict[str, Any]]:
    _article(request, article_id)
    return [capture_to_json(c) for c in web_of(request).store.captures(article_id)]


@router.get("/articles/{article_id}/diff", summary="The explained diff of two versions")
def api_diff(
    request: Request,
    article_id: int,
    from_: Annotated[int, Query(alias="from", ge=1)],
    to: Annotated[int, Query(ge=1)],
) -> dict[str, Any] | None:
    web = web_of(request)
    _article(request, article_id)
    old, new = web.store.version(article_id, from_), web.store.version(article_id, to)
    if old is None or new is None:
        raise HTTPException(404, "no such version")
    found = compare_documents(old.document, new.document, web.settings.watch_terms)
    return diff_to_dict(found) if found else None


@router.get("/search", summary="Search every version; mode=removed: phrase no longer there")
def api_search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    mode: SearchMode = SearchMode.all,
    limit: Limit = PAGE_SIZE,
    offset: Offset = 0,
    after: After = None,
) -> JSONResponse:
    """`after` is for mode=removed, which pages by key."""
    store = web_of(request).store
    if mode == SearchMode.removed:
        removed = store.removed_text(q, limit=limit, offset=offset, after=parse_key(after))
        last = removed[-1].key if removed else None
        return keyed(request, [removed_to_json(h) for h in removed], limit, last)
    hits = store.search_versions(q, limit=limit, offset=offset)
    return paged(request, [search_to_json(h) for h in hits], limit, offset)


@router.get("/outlets", summary="Outlets and how watching them goes")
def api_outlets(request: Request) -> list[dict[str, Any]]:
    web = web_of(request)
    reports = outlet_reports(web.store, web.settings, web.clock.now())
    return [report_to_json(r) for r in reports]


def _article(request: Request, article_id: int) -> Article:
    article = web_of(request).store.article_by_id(article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id}")
    return article


def _version_json(version: Any) -> dict[str, Any]:
    return {**version_to_json(version), "capture_id": version.capture_id}


def _when(moment: datetime | None) -> str | None:
    return iso(moment) if moment else None


def article_to_json(article: Article) -> dict[str, Any]:
    """An article's identity and schedule state."""
    return {
        "id": article.id,
        "url": article.url,
        "outlet": article.outlet_host,
        "state": article.state.value,
        "source": article.source,
        "latest_version": article.latest_version,
        "added_at": _when(article.added_at),
        "last_checked_at": _when(article.last_checked_at),
        "next_check_at": _when(article.next_check_at),
        "last_change_at": _when(article.last_change_at),
        "check_count": article.check_count,
        "consecutive_failures": article.consecutive_failures,
    }


def summary_to_json(summary: ArticleSummary) -> dict[str, Any]:
    return {**article_to_json(summary.article), "title": summary.title, "changes": summary.changes}


def capture_to_json(capture: Capture) -> dict[str, Any]:
    """One fetch as evidence: when, what came back, and where the raw bytes are."""
    warc = capture.warc
    return {
        "id": capture.id,
        "fetched_at": iso(capture.fetched_at),
        "url": capture.url,
        "final_url": capture.final_url,
        "status": capture.status,
        "outcome": capture.outcome.value,
        "redirects": list(capture.redirects),
        "body_sha256": capture.body_sha256,
        "body_size": capture.body_size,
        "warc": {"filename": warc.filename, "offset": warc.offset, "length": warc.length}
        if warc
        else None,
        "error": capture.error,
        "version": capture.version,
        "source": capture.source,  # the web archive file it was imported from, or null
    }
