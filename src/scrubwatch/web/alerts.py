"""The alert rules page: list, add and remove rules, as `scrubwatch alerts` does."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from scrubwatch.alerts import redact
from scrubwatch.alerts.define import describe, new_rule
from scrubwatch.errors import UsageError
from scrubwatch.web.deps import web_of
from scrubwatch.web.security import csrf_ok

router = APIRouter()

CSRF_FAILED = "the form expired or came from another site; reload the page"


@router.get("/alerts")
def alerts_page(request: Request, notice: str | None = None) -> Response:
    return _page(request, notice=notice)


def _page(request: Request, *, notice: str | None = None, error: str | None = None) -> Response:
    web = web_of(request)
    rules = [
        {"status": status, "target": redact(status.rule.target), "line": describe(status.rule)}
        for status in web.store.alert_status()
    ]
    context = {"rules": rules, "notice": notice, "error": error}
    return web.render(request, "alerts.html", context, status=400 if error else 200)


@router.post("/alerts")
def add_alert(
    request: Request,
    name: Annotated[str, Form()],
    target: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
    terms: Annotated[str, Form()] = "",
    outlets: Annotated[str, Form()] = "",
    kinds: Annotated[str, Form()] = "",
    severity: Annotated[str, Form()] = "",
    secret: Annotated[str, Form()] = "",
    digest: Annotated[str, Form()] = "",
) -> Response:
    if not csrf_ok(request, csrf):
        raise HTTPException(403, CSRF_FAILED)
    web = web_of(request)
    try:
        minutes = int(digest) if digest.strip() else None
        rule = new_rule(
            name=name,
            target=target,
            terms=terms,
            outlets=outlets,
            kinds=kinds,
            severity=severity,
            secret=secret,
            digest_minutes=minutes,
        )
        web.store.add_alert_rule(rule, web.clock.now())
    except ValueError:
        return _page(request, error="the digest period is a whole number of minutes")
    except UsageError as exc:
        return _page(request, error=f"cannot add alert {name!r}: {exc}")
    return RedirectResponse(
        request.url_for("alerts_page").include_query_params(notice=f"Added alert {rule.name}."),
        status_code=303,
    )


@router.post("/alerts/remove")
def remove_alert(
    request: Request, name: Annotated[str, Form()], csrf: Annotated[str, Form()] = ""
) -> Response:
    if not csrf_ok(request, csrf):
        raise HTTPException(403, CSRF_FAILED)
    if not web_of(request).store.remove_alert_rule(name):
        return _page(request, error=f"no alert rule named {name!r}")
    return RedirectResponse(
        request.url_for("alerts_page").include_query_params(notice=f"Removed alert {name}."),
        status_code=303,
    )
