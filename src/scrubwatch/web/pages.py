"""The HTML pages: recent changes, an article's timeline and diffs, outlets, watches, search.

Pages are rendered on the server with autoescaping Jinja templates; there is no JavaScript.
Forms that change anything are POSTs protected by a CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from scrubwatch.compare import compare_documents
from scrubwatch.compare.pairs import current_version, version_before
from scrubwatch.errors import FetchError, UsageError
from scrubwatch.model import Article, ChangeKind, Severity
from scrubwatch.netguard import web_policy
from scrubwatch.pipeline.reachability import outlet_reports
from scrubwatch.runner import Runner
from scrubwatch.store.records import ChangeFilter, PageKey
from scrubwatch.web.deps import PAGE_SIZE, Web, web_of
from scrubwatch.web.diffview import side_by_side
from scrubwatch.web.feeds import change_title
from scrubwatch.web.paging import MAX_KEY_LENGTH, first_page, parse_key, url_after
from scrubwatch.web.searchview import snippet_pieces
from scrubwatch.web.security import check_target, csrf_ok

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Event:
    """One line of an article's timeline."""

    at: datetime
    label: str
    text: str
    version: int | None = None


def _choice(enum: Any, value: str | None) -> Any:
    """An enum member from a query value; empty or unknown means no filter."""
    try:
        return enum(value) if value else None
    except ValueError:
        return None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/")
def changes_page(
    request: Request,
    outlet: str | None = None,
    kind: str | None = None,
    severity: str | None = None,
    term: str | None = None,
    day: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    after: Annotated[str | None, Query(max_length=MAX_KEY_LENGTH)] = None,
) -> Response:
    """The changes list: "Older" pages by key (after the last change shown); `page`, the
    older way, still counts pages from the top."""
    web = web_of(request)
    when = _day(day)
    since = datetime.combine(when, time(), tzinfo=UTC) if when else None
    filters = ChangeFilter(
        outlet=outlet or None,
        kind=_choice(ChangeKind, kind),
        severity=_choice(Severity, severity),
        term=term or None,
        since=since,
        until=since + timedelta(days=1) if since else None,
    )
    key = parse_key(after)
    offset = 0 if key else (page - 1) * PAGE_SIZE
    found = web.store.change_page(filters, limit=PAGE_SIZE + 1, offset=offset, after=key)
    older = None
    if len(found) > PAGE_SIZE:
        older = url_after(request.url, PageKey.of_change(found[PAGE_SIZE - 1]), instead_of="page")
    newer, newer_label = None, "Newer"
    if key is not None:
        newer, newer_label = first_page(request.url), "Newest"
    elif page > 1:
        newer = request.url.include_query_params(page=page - 1)
    context = {
        "changes": found[:PAGE_SIZE],
        "headlines": web.store.change_titles([c.id for c in found if c.id is not None]),
        "title_of": change_title,
        "outlets": [o.host for o in web.store.outlets()],
        "filters": {
            "outlet": outlet or "",
            "kind": kind or "",
            "severity": severity or "",
            "term": term or "",
            "day": day or "",
        },
        "kinds": [k.value for k in ChangeKind],
        "severities": [s.value for s in Severity],
        "older_url": older,
        "newer_url": newer,
        "newer_label": newer_label,
    }
    return web.render(request, "changes.html", context)


@router.get("/article")
def article_by_url(request: Request, url: str) -> Response:
    """Links from lists of changes name the article by URL; this finds its page."""
    article = web_of(request).store.article(url)
    if article is None or article.id is None:
        raise HTTPException(404, "not a watched article")
    target = request.url_for("article_page", article_id=article.id)
    return RedirectResponse(target, status_code=303)


@router.get("/articles/{article_id}")
def article_page(request: Request, article_id: int) -> Response:
    web = web_of(request)
    article = _article(web, article_id)
    versions = web.store.versions(article_id)
    changes = web.store.change_page(ChangeFilter(article_id=article_id), limit=1000)
    captures = web.store.captures(article_id)
    events = [
        Event(v.first_seen, "version", f"version {v.number} first seen", v.number) for v in versions
    ]
    events += [Event(c.detected_at, change_title(c), c.summary) for c in changes]
    events.sort(key=lambda e: e.at, reverse=True)
    current = current_version(versions, article.latest_version)
    shown = current.number if current else 0
    context = {
        "article": article,
        "title": current.document.title if current else None,
        "versions": versions,
        "compare_to": shown,  # the form's defaults: what the page shows, and what it showed
        "compare_from": version_before(shown, changes, [v.number for v in versions]),
        "events": events,
        "captures": list(reversed(captures))[:200],
        "capture_total": len(captures),
    }
    return web.render(request, "article.html", context)


@router.get("/articles/{article_id}/diff")
def diff_page(
    request: Request,
    article_id: int,
    from_: Annotated[int | None, Query(alias="from")] = None,
    to: int | None = None,
) -> Response:
    """Two versions side by side; by default the one the page shows now and the one it
    showed before (after a flip-back, not the number below: see `compare.pairs`)."""
    web = web_of(request)
    article = _article(web, article_id)
    versions = {v.number: v for v in web.store.versions(article_id)}
    new_number = to or article.latest_version or 0
    old_number = from_ or version_before(new_number, web.store.changes(url=article.url), versions)
    old, new = versions.get(old_number or new_number), versions.get(new_number)
    if old is None or new is None:
        raise HTTPException(404, "no such version of this article")
    found = compare_documents(old.document, new.document, web.settings.watch_terms)
    context = {
        "article": article,
        "old": old,
        "new": new,
        "diff": found,
        "sides": side_by_side(old.document, new.document, found),
        "numbers": sorted(versions),
    }
    return web.render(request, "diff.html", context)


@router.get("/outlets")
def outlets_page(request: Request, notice: str | None = None) -> Response:
    return _outlets(request, notice=notice)


def _outlets(request: Request, *, notice: str | None = None, error: str | None = None) -> Response:
    web = web_of(request)
    context = {
        "outlets": outlet_reports(web.store, web.settings, web.clock.now()),
        "articles": web.store.article_page(limit=200),
        "archives": web.store.archive_watches(),
        "notice": notice,
        "error": error,
    }
    return web.render(request, "outlets.html", context, status=400 if error else 200)


@router.post("/watches")
async def add_watch(
    request: Request, url: Annotated[str, Form()], csrf: Annotated[str, Form()] = ""
) -> Response:
    if not csrf_ok(request, csrf):
        raise HTTPException(403, "the form expired or came from another site; reload the page")
    web = web_of(request)
    policy = web_policy(web.settings)
    try:
        await check_target(url, policy=policy)
        async with Runner(web.settings, web.store, clock=web.clock) as runner:
            found, added = await runner.watch(url.strip(), web_added=True)
    except (FetchError, UsageError) as exc:
        error = f"cannot watch {url}: {exc}"
        return await run_in_threadpool(_outlets, request, error=error)
    notice = f"Watching {found.kind} of {found.outlet.host}: {added} new article(s)."
    return RedirectResponse(
        request.url_for("outlets_page").include_query_params(notice=notice), status_code=303
    )


@router.post("/watches/remove")
def remove_watch(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    host: Annotated[str | None, Form()] = None,
    article_id: Annotated[int | None, Form()] = None,
) -> Response:
    if not csrf_ok(request, csrf):
        raise HTTPException(403, "the form expired or came from another site; reload the page")
    store = web_of(request).store
    if host:
        done, what = store.stop_watching_outlet(host), f"outlet {host}"
    elif article_id is not None:
        done, what = store.stop_watching_article(article_id), f"article {article_id}"
    else:
        done, what = False, "nothing"
    if not done:
        return _outlets(request, error=f"not watched: {what}")
    notice = f"Stopped watching {what}; its recorded versions stay."
    return RedirectResponse(
        request.url_for("outlets_page").include_query_params(notice=notice), status_code=303
    )


@router.get("/search")
def search_page(
    request: Request,
    q: str = "",
    mode: str = "all",
    page: Annotated[int, Query(ge=1)] = 1,
    after: Annotated[str | None, Query(max_length=MAX_KEY_LENGTH)] = None,
) -> Response:
    """Ranked search pages by number; removed-text search by key (`after`, the last hit
    shown), as deep pages of a widely scrubbed phrase would otherwise cost seconds."""
    web = web_of(request)
    hits: list[Any] = []
    removed: list[Any] = []
    next_url = None
    if q.strip() and mode == "removed":
        removed = web.store.removed_text(q, limit=PAGE_SIZE + 1, after=parse_key(after))
        if len(removed) > PAGE_SIZE:
            next_url = url_after(request.url, removed[PAGE_SIZE - 1].key, instead_of="page")
    elif q.strip():
        hits = web.store.search_versions(q, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
        if len(hits) > PAGE_SIZE:
            next_url = request.url.include_query_params(page=page + 1)
    previous_url, previous_label = None, "Previous"
    if mode == "removed" and after:
        previous_url, previous_label = first_page(request.url), "First page"
    elif mode != "removed" and page > 1:
        previous_url = request.url.include_query_params(page=page - 1)
    context = {
        "q": q,
        "mode": "removed" if mode == "removed" else "all",
        "hits": hits[:PAGE_SIZE],
        "removed": removed[:PAGE_SIZE],
        "pieces": snippet_pieces,
        "next_url": next_url,
        "previous_url": previous_url,
        "previous_label": previous_label,
    }
    return web.render(request, "search.html", context)


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    """The OpenAPI description as a page, with no third-party script or stylesheet."""
    web = web_of(request)
    spec = request.app.openapi()
    return web.render(request, "apidocs.html", {"paths": spec.get("paths", {})})


def _article(web: Web, article_id: int) -> Article:
    article = web.store.article_by_id(article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id}")
    return article
