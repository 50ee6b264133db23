"""`scrubwatch demo`: a fake outlet on loopback scrubs an article, watched end to end.

Nothing here is canned: the real watch → check → compare path runs against a real HTTP
server, and what is printed is what the pipeline recorded.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.panel import Panel
from rich.text import Text

from scrubwatch.cli.app import app, out, settings_of
from scrubwatch.cli.render import render_change
from scrubwatch.cli.session import runner_session
from scrubwatch.config import Settings
from scrubwatch.demo.story import BYSTANDERS, DELETED_REPORT, ORIGINAL, SCRUBBED

if TYPE_CHECKING:
    from scrubwatch.pipeline.report import PassReport


@app.command()
def demo(
    ctx: typer.Context,
    keep: Annotated[
        bool,
        typer.Option(help="Use the configured data dir instead of a fresh temporary one."),
    ] = False,
) -> None:
    """Offline demo: a local fake outlet scrubs an article, and scrubwatch catches it."""
    settings = settings_of(ctx)
    if not keep:
        fresh = Path(tempfile.mkdtemp(prefix="scrubwatch-demo-"))
        settings = replace(settings, data_dir=fresh, db=None)
    asyncio.run(_demo(settings))


async def _demo(settings: Settings) -> None:
    from scrubwatch.demo.outlet import FakeOutlet  # an HTTP server: only the demo needs it

    with FakeOutlet() as outlet:
        for story in (*BYSTANDERS, DELETED_REPORT, ORIGINAL):
            outlet.publish(story.slug, story.title, story.paragraphs, byline=story.byline)
        async with runner_session(settings) as runner:
            _step(f"1. A news outlet is online at {outlet.base_url}; scrubwatch watches it")
            found, added = await runner.watch(outlet.base_url)
            feeds = len(found.outlet.feeds)
            out.print(f"   found {feeds} feed(s) and {added} articles", markup=False)
            report = await runner.check_pass(all_articles=True)
            _report("   first capture", report)

            _step("2. The outlet's page chrome changes on every request; re-check everything")
            report = await runner.check_pass(all_articles=True)
            _report("   re-check", report)

            _step(
                "3. Hours later the outlet scrubs its article on the Zangezur corridor "
                "and deletes a second report"
            )
            outlet.edit(ORIGINAL.slug, title=SCRUBBED.title, paragraphs=SCRUBBED.paragraphs)
            outlet.delete(DELETED_REPORT.slug)
            report = await runner.check_pass(all_articles=True)
            _report("   re-check", report)
            for change in report.changes:
                out.print()
                out.print(render_change(change))
    out.print()
    out.print(
        f"Evidence (SQLite database and WARC files) is in {settings.data_dir}\n"
        f"Explore it: scrubwatch --data-dir {settings.data_dir} changes",
        markup=False,
        highlight=False,
    )


def _step(text: str) -> None:
    out.print()
    out.print(Panel(Text(text), expand=False))


def _report(label: str, report: PassReport) -> None:
    changes = report.changes
    verdict = f"{len(changes)} change(s)" if changes else "no change"
    out.print(
        f"{label}: {report.checked} article(s) fetched, {report.failed} failed, {verdict}",
        markup=False,
        highlight=False,
    )
