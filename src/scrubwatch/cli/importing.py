"""`import`: rebuild articles' past from web archive files (WARC, WARC.gz, WACZ) or from a
web archive's CDX index (the Internet Archive, pywb)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scrubwatch.cli.app import app, err, out, settings_of
from scrubwatch.cli.reading import print_json
from scrubwatch.cli.render import render_change, safe
from scrubwatch.cli.session import runner_session
from scrubwatch.config import Settings
from scrubwatch.errors import ScrubwatchError, UsageError
from scrubwatch.serialize import change_to_json

if TYPE_CHECKING:
    from scrubwatch.pipeline.cdx_import import CdxImport
    from scrubwatch.pipeline.importing import ImportReport
    from scrubwatch.runner import Runner


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[
        list[str] | None, typer.Argument(help="WARC, WARC.gz or WACZ files.", show_default=False)
    ] = None,
    cdx: Annotated[
        str | None,
        typer.Option(
            "--cdx",
            metavar="CDX_URL",
            help="A Wayback-style CDX server (the Internet Archive's, pywb's) to import from.",
        ),
    ] = None,
    pattern: Annotated[
        str | None,
        typer.Option(
            "--url", metavar="PATTERN", help="With --cdx: a URL, or a prefix ending in *."
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help="With --cdx: captures from this date on."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--to", metavar="DATE", help="With --cdx: captures up to this date."),
    ] = None,
    replay: Annotated[
        str | None,
        typer.Option(
            "--replay",
            metavar="URL",
            help="With --cdx: the replay's address, where it cannot be told from the CDX "
            "URL (it can for the Internet Archive's and pywb's).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="The summary and the changes found, as JSON.")
    ] = False,
) -> None:
    """Rebuild articles' history from web archive files, or from a web archive's CDX index,
    at the archive's times.

    A file that cannot be read is named on stderr with the reason, the others are imported,
    and the exit status is 1. Importing a file again adds nothing; an import from a CDX
    server that was interrupted goes on where it stopped when run again.
    """
    settings = settings_of(ctx)
    if cdx is not None:
        if files:
            raise UsageError("give either files or --cdx, not both")
        request = _cdx_request(cdx, pattern, since, until, replay)
        report = asyncio.run(_import_cdx(settings, request, show_progress=not as_json))
    elif files:
        if pattern or since or until or replay:
            raise UsageError("--url, --from, --to and --replay go with --cdx")
        report = asyncio.run(_import(settings, files))
    else:
        raise UsageError("name WARC/WACZ files, or a CDX server with --cdx and --url")
    if as_json:
        print_json(report_to_json(report))
    else:
        _print_report(report)
    for failed in report.failed_files:
        err.print(
            f"scrubwatch: cannot import {safe(failed.source)}: {safe(failed.error)}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    for problem in report.problems:
        err.print(f"scrubwatch: skipped {safe(problem)}", markup=False, soft_wrap=True)
    if report.failed_files or report.problems:
        raise typer.Exit(1)


def _cdx_request(
    cdx: str, pattern: str | None, since: str | None, until: str | None, replay: str | None
) -> CdxImport:
    from scrubwatch.archives.cdx import cdx_timestamp, replay_prefix
    from scrubwatch.pipeline.cdx_import import CdxImport

    if not cdx.startswith(("http://", "https://")):
        raise UsageError(f"--cdx wants an http(s) URL, not {cdx!r}")
    if not pattern:
        raise UsageError("--cdx needs --url PATTERN (a URL, or a prefix ending in *)")
    try:
        span = [cdx_timestamp(d) if d else None for d in (since, until)]
        if replay is None:
            replay_prefix(cdx)  # fail now, with the advice, rather than after the listing
    except (ValueError, ScrubwatchError) as exc:
        raise UsageError(str(exc)) from None
    if replay is not None and not replay.endswith("/"):
        replay += "/"
    return CdxImport(cdx, pattern, span[0], span[1], replay)


async def _import(settings: Settings, files: list[str]) -> ImportReport:
    """The import in the processing thread (it writes to the store), then the scrub waves."""
    from scrubwatch.pipeline.importing import import_archives  # loaded when used

    async with runner_session(settings) as runner:
        loop = asyncio.get_running_loop()
        executor = runner.services.executor
        report = await loop.run_in_executor(executor, import_archives, runner.services, files)
        await _update_waves(runner, report)
        return report


async def _import_cdx(
    settings: Settings, request: CdxImport, *, show_progress: bool
) -> ImportReport:
    """The import from a CDX server, with a progress bar on a terminal, then the waves."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from scrubwatch.pipeline.cdx_import import import_from_cdx  # loaded when used

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not (show_progress and err.is_terminal),
    )
    task = bar.add_task("captures", total=None)
    async with runner_session(settings) as runner:
        with bar:
            report = await import_from_cdx(
                runner.services,
                request,
                lambda done, total: bar.update(task, completed=done, total=total),
            )
        await _update_waves(runner, report)
        return report


async def _update_waves(runner: Runner, report: ImportReport) -> None:
    """Regroup scrub waves around the changes an import found (processing thread)."""
    if report.changes:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(runner.services.executor, runner.update_waves)


def _print_report(report: ImportReport) -> None:
    failed = len(report.failed_files)
    damaged = f" ({failed} unreadable or damaged)" if failed else ""
    older = f", {report.older} older than the history here" if report.older else ""
    out.print(
        f"Read {len(report.files)} file(s){damaged}: {report.records} record(s), "
        f"{report.imported} capture(s) imported, {report.duplicates} already imported, "
        f"{report.skipped} not of an article{older}, {len(report.changes)} change(s).",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    for change in report.changes:
        out.print(render_change(change, details=False))


def report_to_json(report: ImportReport) -> dict[str, Any]:
    """What `import --json` prints: totals, each file, and the changes found (the contract)."""
    return {
        "records": report.records,
        "imported": report.imported,
        "duplicates": report.duplicates,
        "skipped": report.skipped,
        "older": report.older,
        "files": [
            {
                "path": f.source,
                "records": f.records,
                "imported": f.imported,
                "duplicates": f.duplicates,
                "error": f.error,
            }
            for f in report.files
        ],
        "changes": [change_to_json(c) for c in report.changes],
        "problems": report.problems,
    }
