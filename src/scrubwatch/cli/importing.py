"""`import`: rebuild articles' past from web archive files (WARC, WARC.gz, WACZ)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scrubwatch.cli.app import app, err, out, settings_of
from scrubwatch.cli.reading import print_json
from scrubwatch.cli.render import render_change, safe
from scrubwatch.cli.session import runner_session
from scrubwatch.config import Settings
from scrubwatch.serialize import change_to_json

if TYPE_CHECKING:
    from scrubwatch.pipeline.importing import ImportReport


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[list[str], typer.Argument(help="WARC, WARC.gz or WACZ files.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="The summary and the changes found, as JSON.")
    ] = False,
) -> None:
    """Rebuild articles' history from web archive files, at the archive's times.

    A file that cannot be read is named on stderr with the reason, the others are imported,
    and the exit status is 1. Importing a file again adds nothing.
    """
    report = asyncio.run(_import(settings_of(ctx), files))
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


async def _import(settings: Settings, files: list[str]) -> ImportReport:
    """The import in the processing thread (it writes to the store), then the scrub waves."""
    from scrubwatch.pipeline.importing import import_archives  # loaded when used

    async with runner_session(settings) as runner:
        loop = asyncio.get_running_loop()
        executor = runner.services.executor
        report = await loop.run_in_executor(executor, import_archives, runner.services, files)
        if report.changes:
            await loop.run_in_executor(executor, runner.update_waves)
        return report


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
