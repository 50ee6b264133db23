"""The alert rules page: list, add, test and remove rules, as `scrubwatch alerts` does.

Rules are made by `alerts.define.new_rule`, the same validation the CLI uses, so the two faces
cannot accept different rules. A rule's secret is never sent back to the browser, and its
target is shown redacted: apprise URLs carry passwords and tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from scrubwatch.alerts import KINDS, RULE_KINDS, DeliveryFailed, redact, send_test
from scrubwatch.alerts.define import new_rule
from scrubwatch.errors import UsageError
from scrubwatch.store.records import RuleStatus
from scrubwatch.web.deps import web_of
from scrubwatch.web.security import csrf_ok

router = APIRouter(include_in_schema=False)

CSRF_FAILED = "the form expired or came from another site; reload the page"


@dataclass(frozen=True, slots=True)
class RuleRow:
    """One rule as the page shows it: only what is safe to send back to a browser."""

    name: str
    target: str  # redacted
    terms: str
    outlets: str
    kinds: str
    severity: str
    digest: str
    signed: bool
    sent: int
    pending: int
    failed: int
    last_error: str


def rule_row(status: RuleStatus) -> RuleRow:
    """The listing row of a rule; its secret becomes a yes/no."""
    rule = status.rule
    return RuleRow(
        name=rule.name,
        target=redact(rule.target),
        terms=", ".join(rule.terms) or "any",
        outlets=", ".join(rule.outlets) or "any",
        kinds=", ".join(rule.kinds or KINDS),
        severity="substantive only" if rule.severity == "substantive" else "any",
        digest=f"every {rule.digest_minutes} min" if rule.digest_minutes else "no",
        signed=bool(rule.secret),
        sent=status.sent,
        pending=status.pending,
        failed=status.failed,
        last_error=status.last_error or "",
    )


@router.get("/alerts")
def alerts_page(request: Request, notice: str | None = None) -> Response:
    return _page(request, notice=notice)


def _page(request: Request, *, notice: str | None = None, error: str | None = None) -> Response:
    web = web_of(request)
    context = {
        "rules": [rule_row(s) for s in web.store.alert_status()],
        "kinds": RULE_KINDS,
        "notice": notice,
        "error": error,
    }
    return web.render(request, "alerts.html", context, status=400 if error else 200)


def _minutes(digest: str) -> int | None:
    """The digest field as minutes; UsageError when it is not a whole number."""
    if not digest.strip():
        return None
    try:
        return int(digest)
    except ValueError:
        raise UsageError("the digest period is a whole number of minutes") from None


@router.post("/alerts")
async def add_alert(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    # Missing fields get new_rule's own message (and a 400), not FastAPI's 422.
    name: Annotated[str, Form()] = "",
    target: Annotated[str, Form()] = "",
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
        rule = await run_in_threadpool(
            new_rule,
            name=name,
            target=target,
            terms=terms,
            outlets=outlets,
            kinds=kinds,
            severity=severity,
            secret=secret,
            digest_minutes=_minutes(digest),
        )
        # Made on the web: always sent through the SSRF guard (alerts.guard), which
        # checks the address when it connects, not here.
        rule = replace(rule, web_added=True)
        await run_in_threadpool(web.store.add_alert_rule, rule, web.clock.now())
    except UsageError as exc:
        error = f"cannot add alert {name!r}: {exc}"
        return await run_in_threadpool(_page, request, error=error)
    return RedirectResponse(
        request.url_for("alerts_page").include_query_params(notice=f"Added alert {rule.name}."),
        status_code=303,
    )


@router.post("/alerts/remove")
def remove_alert(
    request: Request, name: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = ""
) -> Response:
    if not csrf_ok(request, csrf):
        raise HTTPException(403, CSRF_FAILED)
    if not web_of(request).store.remove_alert_rule(name):
        return _page(request, error=f"no alert rule named {name!r}")
    return RedirectResponse(
        request.url_for("alerts_page").include_query_params(notice=f"Removed alert {name}."),
        status_code=303,
    )


@router.post("/alerts/test")
async def test_alert(
    request: Request, name: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = ""
) -> Response:
    """Send a sample change through the rule's channel now, as `scrubwatch alerts test` does."""
    if not csrf_ok(request, csrf):
        raise HTTPException(403, CSRF_FAILED)
    web = web_of(request)
    rule = await run_in_threadpool(web.store.alert_rule, name)
    if rule is None:
        return await run_in_threadpool(_page, request, error=f"no alert rule named {name!r}")
    try:
        await send_test(rule, web.settings, web.clock.now())
    except DeliveryFailed as exc:
        error = f"the test alert to {redact(rule.target)} failed: {exc}"
        return await run_in_threadpool(_page, request, error=error)
    return RedirectResponse(
        request.url_for("alerts_page").include_query_params(
            notice=f"Sent a test alert to {redact(rule.target)}."
        ),
        status_code=303,
    )
