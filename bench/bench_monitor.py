"""Monitoring throughput against the fake outlet on loopback.

Publishes N articles, watches the outlet, then measures a first pass (every article new) and
a re-pass where only the page chrome changed, twice: in this process (checks/s, CPU seconds
per check, page analysis workers included) and as whole `scrubwatch check --all` processes
(wall time, CPU with their workers, peak RSS of the biggest process).
Usage: .venv/bin/python bench/bench_monitor.py [N]   (default 2000)
"""

from __future__ import annotations

import asyncio
import resource
import subprocess
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


def publish(outlet: FakeOutlet, count: int) -> None:
    for i in range(count):
        paragraphs = [f"Report {i}, part {p}. " + PARAGRAPH * 2 for p in range(6)]
        outlet.publish(f"transport-talks-report-{i}", f"Transport talks, report {i}", paragraphs)


def settings_for(data_dir: Path, count: int) -> Settings:
    return Settings(data_dir=data_dir, max_new_articles_per_source=count)


async def in_process(outlet: FakeOutlet, count: int, data_dir: Path) -> None:
    settings = settings_for(data_dir, count)
    store = open_store(settings)
    async with Runner(settings, store) as runner:
        _, added = await runner.watch(outlet.base_url)
        print(f"watching {added} articles")
        for label in ("first pass", "chrome-only re-pass"):
            wall, cpu = time.perf_counter(), _cpu_with_workers()
            report = await runner.check_pass(all_articles=True)
            wall, cpu = time.perf_counter() - wall, _cpu_with_workers() - cpu
            print(
                f"in-process {label}: {report.checked} checks in {wall:.1f} s = "
                f"{report.checked / wall:.1f} checks/s, "
                f"{cpu / max(report.checked, 1) * 1000:.1f} ms CPU per check, "
                f"{len(report.changes)} changes"
            )
    store.close()


def _cpu_with_workers() -> float:
    """CPU seconds of this process and of its finished children (page analysis workers stop
    at the end of each pass; the CLI runs are measured apart)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def cli_processes(outlet: FakeOutlet, count: int, data_dir: Path) -> None:
    base = [sys.executable, "-m", "scrubwatch", "--data-dir", str(data_dir)]
    env_settings = ["--config", str(_config(data_dir, count))]
    subprocess.run(
        [*base, *env_settings, "watch", outlet.base_url], check=True, capture_output=True
    )
    for label in ("first pass", "chrome-only re-pass"):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        subprocess.run([*base, *env_settings, "check", "--all"], check=True, capture_output=True)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        print(
            f"`scrubwatch check --all` {label}: {count} checks in {wall:.1f} s = "
            f"{count / wall:.1f} checks/s, {cpu / count * 1000:.1f} ms CPU per check, "
            f"peak RSS of any child so far {after.ru_maxrss / 1024:.0f} MB"
        )


def _config(data_dir: Path, count: int) -> Path:
    path = data_dir.parent / f"{data_dir.name}.toml"
    path.write_text(f"max_new_articles_per_source = {count}\n")
    return path


def main(count: int) -> None:
    with FakeOutlet() as outlet, tempfile.TemporaryDirectory() as tmp:
        publish(outlet, count)
        asyncio.run(in_process(outlet, count, Path(tmp) / "inproc"))
        cli_processes(outlet, count, Path(tmp) / "cli")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the in-process run (and the fake outlet): {peak:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
