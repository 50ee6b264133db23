"""How long `scrubwatch evidence` takes for one change, and `verify` for its bundle.

Publishes an article on the fake outlet, checks it, scrubs it, checks again (the real
pipeline, real SQLite and WARC files), then times, over several runs:

  select   finding the change's two captures and reading their records from the archive
  render   the two screenshots in headless Chromium, from the archived bytes
  bundle   the whole `evidence` step: select, render, index, report, WACZ
  verify   `verify` of the bundle

The target in issue 16 is under 10 s for a change on a 2-core machine, most of it the two
renders. Python's start-up and imports (about 2 s for the CLI) are not counted.

Usage: .venv/bin/python bench/bench_evidence.py [--runs N] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.evidence import (
    Renderer,
    build_bundle,
    change_selection,
    find_chromium,
    verify_bundle,
)
from scrubwatch.evidence.bundle import pages_to_render
from scrubwatch.runner import Runner
from scrubwatch.store import SqlStore, open_store
from scrubwatch.store.warc import WarcArchive

T = TypeVar("T")
PARAGRAPHS = tuple(
    f"Paragraph {n} of the report says the corridor would be built by companies from abroad, "
    f"and officials gave figure {n * 37} for the cost."
    for n in range(12)
)


async def _pass(settings: Settings, store: SqlStore, url: str | None) -> None:
    async with Runner(settings, store) as runner:
        if url is not None:
            await runner.watch(url)
        await runner.check_pass(all_articles=True)


def _timed(what: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = what()
    return result, time.perf_counter() - start


def _one_run(
    store: SqlStore, archive: WarcArchive, change_id: int, renderer: Renderer, target: Path
) -> dict[str, float]:
    selection, select_s = _timed(lambda: change_selection(store, archive, change_id))
    _, render_s = _timed(lambda: renderer.render(pages_to_render(selection)))
    now = datetime.now(UTC)
    _, bundle_s = _timed(lambda: build_bundle(selection, target, renderer=renderer, now=now))
    result, verify_s = _timed(lambda: verify_bundle(target))
    assert result.ok, result.failures
    return {"select": select_s, "render": render_s, "bundle": bundle_s, "verify": verify_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chromium", type=Path, default=None)
    args = parser.parse_args()
    renderer = Renderer(find_chromium(args.chromium))
    times: dict[str, list[float]] = {"select": [], "render": [], "bundle": [], "verify": []}
    with tempfile.TemporaryDirectory() as tmp, FakeOutlet() as outlet:
        settings = Settings(data_dir=Path(tmp) / "data")
        store = open_store(settings)
        url = outlet.publish("corridor", "Companies to build the corridor", PARAGRAPHS)
        asyncio.run(_pass(settings, store, url))
        outlet.edit("corridor", paragraphs=PARAGRAPHS[:5] + PARAGRAPHS[7:])
        asyncio.run(_pass(settings, store, None))
        change = store.changes()[0]
        assert change.id is not None
        archive = WarcArchive(settings.archive_dir)
        for run in range(args.runs):
            target = Path(tmp) / f"run-{run}.wacz"
            for name, took in _one_run(store, archive, change.id, renderer, target).items():
                times[name].append(took)
        store.close()
    for name, values in times.items():
        print(f"{name:7} median {statistics.median(values):6.2f} s   max {max(values):6.2f} s")


if __name__ == "__main__":
    main()
