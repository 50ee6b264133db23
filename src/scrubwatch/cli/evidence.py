"""`evidence` and `verify`: a WACZ bundle (plus an HTML report) per change, and its check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from scrubwatch.cli.app import app, out, settings_of
from scrubwatch.cli.render import safe
from scrubwatch.cli.session import store_session
from scrubwatch.clock import SystemClock
from scrubwatch.errors import UsageError
from scrubwatch.evidence import (
    Renderer,
    article_selection,
    build_bundle,
    change_selection,
    find_chromium,
    verify_bundle,
)
from scrubwatch.store.warc import WarcArchive


@app.command()
def evidence(
    ctx: typer.Context,
    change_id: Annotated[
        int | None, typer.Argument(help="The change's id (see `changes --json`).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="The WACZ to write (default: ./).")
    ] = None,
    article: Annotated[
        str | None, typer.Option("--article", help="Every capture of this article instead.")
    ] = None,
    no_screenshots: Annotated[
        bool, typer.Option("--no-screenshots", help="Make the bundle without screenshots.")
    ] = False,
    chromium: Annotated[
        Path | None, typer.Option(help="The Chromium executable (default: found on PATH).")
    ] = None,
) -> None:
    """Write a verifiable WACZ of a change's captures, with screenshots and an HTML report.

    The two captures are the last one that still showed the old text and the one that
    showed the change (for a deletion, the 404/410/redirect answer). Screenshots are
    rendered from the archived bytes, never the live site.
    """
    if (change_id is None) == (article is None):
        raise UsageError("give a change id or --article URL (one of them)")
    settings = settings_of(ctx)
    renderer = None if no_screenshots else Renderer(find_chromium(chromium))
    archive = WarcArchive(settings.archive_dir)
    with store_session(settings) as store:
        if change_id is not None:
            selection = change_selection(store, archive, change_id)
            default = f"scrubwatch-change-{change_id}.wacz"
        else:
            assert article is not None
            selection = article_selection(store, archive, article)
            default = "scrubwatch-article.wacz"
    target = output if output is not None else Path(default)
    if target.suffix != ".wacz":
        raise UsageError(f"the output must end in .wacz: {target}")
    result = build_bundle(selection, target, renderer=renderer, now=SystemClock().now())
    out.print(
        Text(
            f"wrote {safe(str(result.wacz))} ({result.captures} captures, "
            f"{result.screenshots} screenshots) and {safe(str(result.report))}"
        )
    )


@app.command()
def verify(
    bundle: Annotated[Path, typer.Argument(help="The WACZ file to check.")],
) -> None:
    """Recompute every hash in an evidence bundle; exit 1 naming what does not hold."""
    if not bundle.exists():
        raise UsageError(f"no such file: {bundle}")
    result = verify_bundle(bundle, bundle.with_suffix(".html"))
    for ok, what in result.checks:
        # One line per check, never wrapped, so scripts can grep for FAIL.
        out.print(Text(("ok    " if ok else "FAIL  ") + safe(what)), soft_wrap=True)
    if not result.ok:
        failures = result.failures or ["nothing could be checked"]
        summary = f"{bundle.name}: {len(failures)} check(s) failed: " + "; ".join(failures)
        out.print(Text(safe(summary)), soft_wrap=True)
        raise typer.Exit(1)
    out.print(Text(f"{bundle.name}: all {len(result.checks)} checks hold"))
