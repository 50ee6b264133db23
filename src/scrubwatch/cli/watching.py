"""Commands that fetch: `watch`, `check`, `run`."""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from scrubwatch.cli.app import app, err, out, settings_of
from scrubwatch.cli.live import RunDisplay, failed_text
from scrubwatch.cli.render import render_change, safe
from scrubwatch.cli.session import runner_session
from scrubwatch.config import Settings
from scrubwatch.errors import FetchError, UsageError
from scrubwatch.network import check_proxy, has_credentials

if TYPE_CHECKING:  # the runner comes with the session; workers only for --scheduler-only
    from scrubwatch.pipeline import CheckResult
    from scrubwatch.pipeline.report import PassReport
    from scrubwatch.runner import Runner


@app.command()
def watch(
    ctx: typer.Context,
    urls: Annotated[
        list[str],
        typer.Argument(
            help="Outlet homepage, feed, sitemap or article; with --archive, URL patterns "
            "(a URL, or a prefix ending in *)."
        ),
    ],
    proxy: Annotated[
        str | None,
        typer.Option(
            help="Reach these outlets through this proxy from now on: http://, https://, "
            "socks5:// or socks5h://HOST:PORT (Tor: socks5h://127.0.0.1:9050). A proxy "
            "with a password goes in the settings file instead."
        ),
    ] = None,
    archive: Annotated[
        str | None,
        typer.Option(
            "--archive",
            metavar="CDX_URL",
            help="Watch this web archive's CDX index (the Internet Archive's, pywb's) for "
            "captures of the URL patterns that vanish from it (change kind archive_removed).",
        ),
    ] = None,
) -> None:
    """Watch an outlet (homepage, feed or sitemap URL) or a single article URL; or, with
    --archive, what a web archive lists for URL patterns."""
    settings = settings_of(ctx)
    if archive is not None:
        if proxy is not None:
            raise UsageError("--proxy is for outlets; an archive is reached directly")
        if not archive.startswith(("http://", "https://")):
            raise UsageError(f"--archive wants the CDX server's http(s) URL, not {archive!r}")
        failures = asyncio.run(_watch_archive(settings, archive, urls))
    else:
        failures = asyncio.run(_watch(settings, urls, _cli_proxy(proxy)))
    if failures:
        raise typer.Exit(1)


async def _watch_archive(settings: Settings, cdx_url: str, patterns: list[str]) -> int:
    from scrubwatch.errors import ArchiveError
    from scrubwatch.pipeline.archive_watch import watch_archive

    failures = 0
    async with runner_session(settings) as runner:
        for pattern in patterns:
            try:
                watched, listed, changes = await watch_archive(runner.services, cdx_url, pattern)
            except (FetchError, ArchiveError) as exc:
                err.print(
                    f"scrubwatch: cannot read {safe(cdx_url)} for {safe(pattern)}: {exc}",
                    markup=False,
                    soft_wrap=True,
                )
                failures += 1
                continue
            out.print(
                f"Watching what {watched.cdx_url} lists for {pattern}: {listed} capture(s) "
                "now; captures that vanish from it are reported (archive_removed).",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
            for change in changes:
                out.print(render_change(change, details=False))
    return failures


def _cli_proxy(proxy: str | None) -> str | None:
    """The `--proxy` value, checked. Credentials are refused: on the command line they would
    sit in the shell history and the process list, and stored with the outlet they would
    sit in the database; the settings file's `[outlets."host"]` table holds them."""
    if proxy is None:
        return None
    try:
        checked = check_proxy(proxy)
    except ValueError as exc:
        raise UsageError(f"--proxy: {exc}") from None
    if has_credentials(checked):
        raise UsageError(
            "--proxy: a proxy with a user name or password goes in the settings file "
            '([outlets."HOST"] proxy = "..."), not on the command line'
        )
    return checked


async def _watch(settings: Settings, urls: list[str], proxy: str | None = None) -> int:
    failures = 0
    async with runner_session(settings) as runner:
        for url in urls:
            try:
                found, added = await runner.watch(url, proxy=proxy)
            except (FetchError, UsageError) as exc:
                err.print(f"scrubwatch: cannot watch {safe(url)}: {exc}", markup=False)
                failures += 1
                continue
            outlet = found.outlet
            what = {
                "homepage": f"outlet {outlet.host} (homepage)",
                "feed": f"feed of {outlet.host}",
                "sitemap": f"sitemap of {outlet.host}",
                "article": f"article on {outlet.host}",
            }[found.kind]
            extra = ""
            if found.kind == "homepage":
                extra = f", {len(outlet.feeds)} feed(s), {len(outlet.sitemaps)} sitemap(s)"
            out.print(
                f"Watching {what}{extra}: {len(found.articles)} article(s) found, {added} new.",
                markup=False,
                highlight=False,
            )
    return failures


@app.command()
def check(
    ctx: typer.Context,
    all_articles: Annotated[
        bool, typer.Option("--all", help="Check every article, not only those due.")
    ] = False,
) -> None:
    """One pass now: discover new articles, fetch what is due (--all: every article).

    Exits 1 when a check hit an internal error (a bug, not a bad page), after the report.
    """
    report = asyncio.run(_check(settings_of(ctx), all_articles))
    print_report(report)
    if report.internal_errors:
        err.print(internal_errors_line(report), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)


async def _check(settings: Settings, all_articles: bool) -> PassReport:
    async with runner_session(settings) as runner:
        report = await _check_pass(runner, all_articles)
        await runner.alert()
        return report


async def _check_pass(runner: Runner, all_articles: bool) -> PassReport:
    """One pass, with a progress bar on a terminal."""
    if not sys.stderr.isatty():
        return await runner.check_pass(all_articles=all_articles)
    with Progress(
        TextColumn("checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("check", total=None, failed=0)
        failed = 0

        def on_result(result: CheckResult) -> None:
            nonlocal failed
            failed += result.capture.outcome.is_failure
            progress.update(task, advance=1, failed=failed)

        return await runner.check_pass(
            all_articles=all_articles,
            on_due=lambda n: progress.update(task, total=n),
            on_result=on_result,
        )


def print_report(report: PassReport) -> None:
    """What a pass did, in one line, then each change it found."""
    changes = report.changes
    out.print(
        f"Checked {report.checked} article(s), {report.new_articles} newly discovered, "
        f"{failed_text(report.failed, report.blocked)}, {len(changes)} change(s).",
        markup=False,
        highlight=False,
    )
    for change in changes:
        out.print(render_change(change, details=False))


def internal_errors_line(report: PassReport) -> str:
    """One line for stderr: how many checks hit a bug, and the first of them.

    Ordinary failures (timeouts, 5xx) are what the web is like and leave the exit status 0;
    an internal error is scrubwatch's own fault, so a script running `check` should hear it.
    """
    failed = report.internal_errors
    first = failed[0]
    return (
        f"{len(failed)} of {report.checked} checks failed with an internal error (see the log); "
        f"first: {safe(first.article.url)} {safe(first.internal_error)}"
    )


@app.command()
def run(
    ctx: typer.Context,
    scheduler_only: Annotated[
        bool,
        typer.Option(
            "--scheduler-only",
            help="(PostgreSQL) only discover and queue due checks for `scrubwatch worker`s.",
        ),
    ] = False,
) -> None:
    """Keep watching on the adaptive schedule until stopped (Ctrl-C or SIGTERM)."""
    settings = settings_of(ctx)
    if scheduler_only:
        from scrubwatch.workers import conninfo

        conninfo(settings.database_url)  # fail early, with the reason, on SQLite
    asyncio.run(_run(settings, scheduler_only))


async def _run(settings: Settings, scheduler_only: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if scheduler_only:
        from scrubwatch.workers import run_scheduler

        async with runner_session(settings) as runner:
            out.print("Scheduling checks for the workers; stop with Ctrl-C.", markup=False)
            await run_scheduler(settings, runner, stop)
        out.print("Stopped cleanly.", markup=False)
        return
    async with runner_session(settings) as runner:
        display = RunDisplay(out, runner.clock.now())
        if out.is_terminal:
            with Live(display, console=out, refresh_per_second=2, transient=False):
                await runner.run_forever(
                    stop,
                    on_pass=lambda report: display.on_pass(report, runner.clock.now()),
                    on_result=display.on_result,
                )
        else:

            def log_pass(report: PassReport) -> None:
                if report.checked or report.new_articles:
                    print(display.log_line(report, runner.clock.now()), flush=True)
                for change in report.changes:
                    line = f"  {change.kind.value} {change.url}: {change.summary}"
                    print(safe(line), flush=True)

            print("Watching; stop with Ctrl-C or SIGTERM.", flush=True)
            await runner.run_forever(stop, on_pass=log_pass)
    out.print("Stopped cleanly.", markup=False)
