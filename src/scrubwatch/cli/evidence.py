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


@app.command()
def evidence(
    ctx: typer.Context,
    change_id: Annotated[
        int | None, typer.Argument(help="The change's id (see `changes --json`).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="The WACZ (default: scrubwatch-change-ID.wacz)."),
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
    sign_key: Annotated[
        Path | None,
        typer.Option(help="Sign the bundle with this PEM EC private key (WACZ anonymous)."),
    ] = None,
    tsa: Annotated[
        str | None,
        typer.Option(help="Timestamp the signature at this RFC 3161 time-stamp authority."),
    ] = None,
) -> None:
    """Write a verifiable WACZ of a change's captures, with screenshots and an HTML report.

    The two captures are the last one that still showed the old text and the one that
    showed the change (for a deletion, the 404/410/redirect answer). Screenshots are
    rendered from the archived bytes, never the live site.
    """
    from scrubwatch.evidence import (
        Renderer,
        article_selection,
        build_bundle,
        change_selection,
        find_chromium,
    )
    from scrubwatch.evidence.signing import load_private_key
    from scrubwatch.store.warc import WarcArchive

    if (change_id is None) == (article is None):
        raise UsageError("give a change id or --article URL (one of them)")
    settings = settings_of(ctx)
    if tsa is not None and sign_key is None:
        raise UsageError("--tsa timestamps the bundle's signature: give --sign-key too")
    key = load_private_key(sign_key) if sign_key is not None else None
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
    now = SystemClock().now()
    result = build_bundle(selection, target, renderer=renderer, now=now, key=key, tsa_url=tsa)
    out.print(
        Text(
            f"wrote {safe(str(result.wacz))} ({result.captures} captures, "
            f"{result.screenshots} screenshots) and {safe(str(result.report))}"
        )
    )


@app.command()
def verify(
    bundle: Annotated[Path, typer.Argument(help="The WACZ file to check.")],
    public_key: Annotated[
        Path | None,
        typer.Option(help="Also require a signature by this key (PEM, public or private)."),
    ] = None,
    tsa_root: Annotated[
        Path | None,
        typer.Option(help="Also require an RFC 3161 timestamp under these TSA roots (PEM)."),
    ] = None,
) -> None:
    """Recompute every hash in an evidence bundle (and its signature); exit 1 naming what
    does not hold."""
    from scrubwatch.evidence import verify_bundle
    from scrubwatch.evidence.signing import load_public_key
    from scrubwatch.evidence.timestamp import load_roots

    if not bundle.exists():
        raise UsageError(f"no such file: {bundle}")
    key = load_public_key(public_key) if public_key is not None else None
    roots = load_roots(tsa_root) if tsa_root is not None else None
    result = verify_bundle(bundle, bundle.with_suffix(".html"), key, roots)
    for ok, what in result.checks:
        # One line per check, never wrapped, so scripts can grep for FAIL.
        out.print(Text(("ok    " if ok else "FAIL  ") + safe(what)), soft_wrap=True)
    for note in result.notes:
        out.print(Text(f"note  {note}"), soft_wrap=True)
    if not result.ok:
        failures = result.failures or ["nothing could be checked"]
        summary = f"{bundle.name}: {len(failures)} check(s) failed: " + "; ".join(failures)
        out.print(Text(safe(summary)), soft_wrap=True)
        raise typer.Exit(1)
    out.print(Text(f"{bundle.name}: all {len(result.checks)} checks hold"))
