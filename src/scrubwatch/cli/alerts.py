"""`alerts add | list | remove | test`: watch rules and where their alerts go."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import typer

from scrubwatch.cli.app import app, out, settings_of
from scrubwatch.cli.session import store_session
from scrubwatch.clock import SystemClock
from scrubwatch.errors import UsageError

if TYPE_CHECKING:  # the alerts package (delivery, channels) is imported where it is used
    from scrubwatch.store.records import RuleStatus

alerts_app = typer.Typer(
    name="alerts",
    help="Be told when a watched term or outlet is scrubbed (webhooks, e-mail, chat).",
    no_args_is_help=True,
)
app.add_typer(alerts_app)


@alerts_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A name for the rule.")],
    to: Annotated[
        str, typer.Option("--to", help="Webhook http(s):// URL or apprise URL (mailto://...).")
    ],
    terms: Annotated[
        str | None,
        typer.Option(help="Comma-separated terms to watch; a|b|c names one thing several ways."),
    ] = None,
    outlets: Annotated[str | None, typer.Option(help="Comma-separated outlet hosts.")] = None,
    kinds: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated: edited, deleted, restored, unreachable (an outlet "
            "unreachable from here, once per episode; also heard by rules without kinds or "
            "terms); or 'wave' alone for one alert per scrub wave (again when it grows)."
        ),
    ] = None,
    severity: Annotated[
        str | None, typer.Option(help="'substantive' leaves out minor edits.")
    ] = None,
    secret: Annotated[
        str | None, typer.Option(help="Key for the HMAC-SHA256 signature of webhook bodies.")
    ] = None,
    digest: Annotated[
        int | None,
        typer.Option(min=1, max=10080, help="Send one message per this many minutes at most."),
    ] = None,
) -> None:
    """Add an alert rule."""
    from scrubwatch.alerts.define import describe, new_rule

    rule = new_rule(
        name=name,
        target=to,
        terms=terms,
        outlets=outlets,
        kinds=kinds,
        severity=severity,
        secret=secret,
        digest_minutes=digest,
    )
    with store_session(settings_of(ctx)) as store:
        store.add_alert_rule(rule, SystemClock().now())
    out.print(
        f"Added alert {rule.name!r}: {describe(rule)}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@alerts_app.command("list")
def list_rules(ctx: typer.Context) -> None:
    """List alert rules and how their deliveries stand."""
    with store_session(settings_of(ctx)) as store:
        found = store.alert_status()
    if not found:
        out.print("No alert rules. Add one with: scrubwatch alerts add NAME --to URL", markup=False)
    for status in found:
        out.print(_status_line(status), markup=False, highlight=False, soft_wrap=True)


def _status_line(status: RuleStatus) -> str:
    from scrubwatch.alerts.define import describe

    rule = status.rule
    line = (
        f"{rule.name}: {describe(rule)}; sent {status.sent}, pending {status.pending}, "
        f"failed {status.failed}"
    )
    if status.last_error and (status.failed or status.pending):
        line += f"\n  last error: {status.last_error}"
    return line


@alerts_app.command("remove")
def remove(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The rule's name.")]
) -> None:
    """Remove an alert rule and its queued deliveries."""
    with store_session(settings_of(ctx)) as store:
        if not store.remove_alert_rule(name):
            raise UsageError(f"no alert rule named {name!r}")
    out.print(f"Removed alert {name!r}.", markup=False, highlight=False, soft_wrap=True)


@alerts_app.command("test")
def test(ctx: typer.Context, name: Annotated[str, typer.Argument(help="The rule's name.")]) -> None:
    """Send a sample change through the rule's channel now."""
    from scrubwatch.alerts import redact, send_test

    settings = settings_of(ctx)
    with store_session(settings) as store:
        rule = store.alert_rule(name)
    if rule is None:
        raise UsageError(f"no alert rule named {name!r}")
    asyncio.run(send_test(rule, settings, SystemClock().now()))
    out.print(
        f"Sent a test alert to {redact(rule.target)}.",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
