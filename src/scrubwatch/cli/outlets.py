"""`outlets`: every watched outlet, how watching it goes, and whether it is reachable."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scrubwatch.cli.app import app, out, settings_of
from scrubwatch.cli.reading import print_json
from scrubwatch.cli.render import safe
from scrubwatch.cli.session import store_session
from scrubwatch.clock import SystemClock

if TYPE_CHECKING:
    from scrubwatch.model import ArchiveWatch
    from scrubwatch.pipeline.reachability import OutletReport


@app.command()
def outlets(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array, by host.")] = False,
) -> None:
    """Every watched outlet: sources, articles, last check, failure rate, blocked since;
    then every watched archive index (`watch --archive`)."""
    from scrubwatch.pipeline.reachability import outlet_reports, report_to_json

    settings = settings_of(ctx)
    with store_session(settings) as store:
        reports = outlet_reports(store, settings, SystemClock().now())
        archives = store.archive_watches()
    if as_json:
        print_json([report_to_json(r) for r in reports])
        return
    if not reports:
        out.print("No outlet watched yet.", markup=False)
    for report in reports:
        for line in report_lines(report):
            out.print(line, markup=False, highlight=False, soft_wrap=True)
    for watch in archives:
        out.print(archive_line(watch), markup=False, highlight=False, soft_wrap=True)


def archive_line(watch: ArchiveWatch) -> str:
    """A watched archive index (`watch --archive`): what it listed, and its last look."""
    line = (
        f"archive {safe(watch.cdx_url)} for {safe(watch.pattern)}: {watch.listed} capture(s) "
        f"listed at the last look, {_when(watch.last_checked_at)}; "
        f"next {_when(watch.next_check_at)}"
    )
    if watch.last_error:
        line += f"; the last look failed: {safe(watch.last_error)}"
    return line


def report_lines(report: OutletReport) -> list[str]:
    """An outlet in a few lines: counts, then its outage, then how it is reached."""
    h = report.health
    rate = "no check in 7 days"
    if h.failure_rate is not None:
        rate = f"{h.failure_rate:.0%} of {h.recent_captures} checks failed (7 days)"
    lines = [
        f"{safe(h.host)}  {h.sources} source(s), {h.articles} article(s), {h.changes} "
        f"change(s); last check {_when(h.last_checked_at)}; {rate}"
    ]
    if report.outage is not None:
        o = report.outage
        lines.append(
            f"  UNREACHABLE from here since {_when(o.since)}: {o.what} "
            f"({o.articles} articles; none is reported deleted meanwhile)"
        )
    lines += [f"  {safe(part)}" for part in network_lines(report.network)]
    if report.proxy_refused:
        lines.append(
            "  refused: added on the web UI, where a proxy would bypass the SSRF guard: "
            "every request fails (never sent directly)"
        )
    return lines


def network_lines(network: dict[str, Any]) -> list[str]:
    """How an outlet is reached, without anything secret (proxies come redacted)."""
    lines = []
    proxies = network.get("proxies") or []
    if proxies:
        lines.append("via proxy " + ", then ".join(str(p) for p in proxies))
    for key, label in (("headers", "headers"), ("cookies", "cookies")):
        names = network.get(key) or []
        if names:
            lines.append(f"{label}: " + ", ".join(str(n) for n in names))
    if network.get("user_agent"):
        lines.append(f"user agent: {network['user_agent']}")
    if "rendered" in network:
        lines.append(f"rendered in the browser ({network['rendered']} subrequests fetched)")
    elif network.get("fetcher") == "browser":
        lines.append("rendered in the browser")
    return lines


def _when(moment: datetime | None) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if moment else "never"
