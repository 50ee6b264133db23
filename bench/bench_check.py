"""Throughput of whole check passes against the fake outlet on loopback.

Publishes N articles, watches the outlet, then times a first pass (every article new) and a
re-pass where only the page chrome changed. Prints checks/s, CPU seconds per check and peak
RSS of this process. Usage: .venv/bin/python bench/bench_check.py [N]
"""

from __future__ import annotations

import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path

from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.runner import Runner
from scrubwatch.store import open_store

PARAGRAPH = (
    "Officials in Baku said on Monday that talks on transport links with Beijing would "
    "continue next month, with delegations expected to discuss rail freight, port capacity "
    "and customs procedures along the route across the Caspian Sea. "
)


async def _pass(runner: Runner) -> tuple[int, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    report = await runner.check_pass(all_articles=True)
    return report.checked, time.perf_counter() - wall, time.process_time() - cpu


async def main(count: int) -> None:
    with FakeOutlet() as outlet, tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            paragraphs = [f"Report {i}, part {p}. " + PARAGRAPH * 2 for p in range(6)]
            outlet.publish(f"report-{i}", f"Transport talks, report {i}", paragraphs)
        settings = Settings(data_dir=Path(tmp), max_new_articles_per_source=count)
        store = open_store(settings)
        async with Runner(settings, store) as runner:
            await runner.watch(outlet.base_url)
            for label in ("first pass", "chrome-only re-pass"):
                checked, wall, cpu = await _pass(runner)
                print(
                    f"{label}: {checked} checks in {wall:.2f} s = {checked / wall:.1f} checks/s, "
                    f"{cpu / max(checked, 1) * 1000:.1f} ms CPU per check"
                )
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 300))
