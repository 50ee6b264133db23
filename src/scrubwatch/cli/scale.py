"""`scrubwatch worker`: the scale-out mode's worker processes (PostgreSQL only)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from scrubwatch.cli.app import app, out, settings_of
from scrubwatch.cli.session import runner_session
from scrubwatch.config import Settings


@app.command()
def worker(
    ctx: typer.Context,
    concurrency: Annotated[int, typer.Option(min=1, help="Checks this process runs at once.")] = 8,
) -> None:
    """(PostgreSQL) run checks from the shared queue; start any number, on any machine."""
    from scrubwatch.workers import conninfo

    settings = settings_of(ctx)
    conninfo(settings.database_url)  # fail early, with the reason, on SQLite
    asyncio.run(_worker(settings, concurrency))


async def _worker(settings: Settings, concurrency: int) -> None:
    from scrubwatch.workers import run_worker

    async with runner_session(settings, shared_pacing=True) as runner:
        out.print(f"Worker running {concurrency} checks at a time; stop with Ctrl-C.", markup=False)
        await run_worker(settings, runner, concurrency=concurrency)
    out.print("Worker stopped cleanly.", markup=False)
