"""Peak memory of watching: `scrubwatch run` over N articles (SQLite), and one
`scrubwatch worker` with its scheduler (`run --scheduler-only`) over the same on PostgreSQL.

The outlet is bench_recheck's (chrome that churns on every visit, served from a process of
its own). Each command runs as a real process until every article has been checked once;
its peak RSS (VmHWM in /proc, the kernel's high-water mark) and those of its child
processes (the page-analysis worker) are read every half second while it runs, since a
child's figure goes with it when it exits. A command that has not checked every article after ten
minutes is stopped and its peaks reported with how far it got.

Usage: .venv/bin/python bench/bench_memory.py [N] [--db URL]   (default 10000 articles;
PostgreSQL for the worker from --db, default the local server, in a schema of its own)
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench_recheck import Outlet, serve
from sqlalchemy import create_engine, func, select, text

from scrubwatch.store import schema as tables

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TIMEOUT = 600.0  # seconds per measured command


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _family(pid: int) -> list[int]:
    """The process and all its descendants, from /proc's children lists."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


class Peaks:
    """Peak RSS (MB) of each process of a family, sampled until the family is done."""

    def __init__(self) -> None:
        self.mb: dict[int, float] = {}
        self.names: dict[int, str] = {}

    def sample(self, root: int) -> None:
        for pid in _family(root):
            peak = _status_kb(pid, "VmHWM") / 1024
            if peak:
                self.mb[pid] = max(self.mb.get(pid, 0.0), peak)
                self.names.setdefault(pid, _command(pid))

    def report(self, label: str, root: int) -> None:
        for pid, peak in sorted(self.mb.items(), key=lambda item: item[0] != root):
            what = "process" if pid == root else f"child ({self.names[pid][-40:]})"
            print(f"| {label} | {what} | {peak:.0f} |")


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return "?"


def _watch_until_checked(
    procs: list[subprocess.Popen[bytes]], db: str, count: int, peaks: list[Peaks]
) -> str:
    """Sample every process's memory until `count` articles were checked (or `TIMEOUT`
    seconds passed: politeness slows down on a loopback outlet that answers slowly, as it
    does when the machine is busy); how far it got."""
    engine = create_engine(db)
    checked = select(func.count()).where(tables.articles.c.check_count > 0)
    started = time.perf_counter()
    try:
        while True:
            for proc, peak in zip(procs, peaks, strict=True):
                if proc.poll() is not None:
                    raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
                peak.sample(proc.pid)
            with engine.connect() as conn:
                done = conn.execute(checked).scalar_one()
            took = time.perf_counter() - started
            if done >= count or took > TIMEOUT:
                return f"{done} of {count} articles checked in {took:.0f} s"
            time.sleep(0.5)
    finally:
        engine.dispose()


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGINT)
    for proc in procs:
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def _cli(db: str, data_dir: Path, count: int) -> list[str]:
    config = data_dir / "bench.toml"
    data_dir.mkdir(parents=True, exist_ok=True)
    config.write_text(f"max_new_articles_per_source = {count}\nper_host_concurrency = 16\n")
    scrubwatch = [sys.executable, "-m", "scrubwatch", "--db", db, "--data-dir", str(data_dir)]
    return [*scrubwatch, "--config", str(config)]


def _quiet(command: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure_run(base: str, count: int, tmp: Path) -> None:
    db = f"sqlite:///{tmp / 'run' / 'scrubwatch.db'}"
    cli = _cli(db, tmp / "run", count)
    subprocess.run([*cli, "watch", base + "/rss.xml"], check=True, capture_output=True)
    proc = _quiet([*cli, "run"])
    peaks = Peaks()
    try:
        progress = _watch_until_checked([proc], db, count, [peaks])
    finally:
        _stop([proc])
    print(f"<!-- run: {progress} -->")
    peaks.report(f"`run`, {count} articles (SQLite)", proc.pid)


@contextmanager
def _schema(url: str) -> Iterator[str]:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {name}"))
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{name}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {name} CASCADE"))
        admin.dispose()


def measure_worker(base: str, count: int, tmp: Path, postgres: str) -> None:
    with _schema(postgres) as db:
        cli = _cli(db, tmp / "worker", count)
        subprocess.run([*cli, "watch", base + "/rss.xml"], check=True, capture_output=True)
        worker = _quiet([*cli, "worker", "--concurrency", "8"])
        scheduler = _quiet([*cli, "run", "--scheduler-only"])
        peaks = [Peaks(), Peaks()]
        try:
            progress = _watch_until_checked([worker, scheduler], db, count, peaks)
        finally:
            _stop([worker, scheduler])
        print(f"<!-- worker: {progress} -->")
        peaks[0].report(f"one `worker`, {count} articles (PostgreSQL)", worker.pid)
        peaks[1].report("its `run --scheduler-only`", scheduler.pid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=10_000)
    parser.add_argument("--db", default=POSTGRES, help="PostgreSQL for the worker")
    args = parser.parse_args()
    outlet = Outlet(args.count)
    server = serve(outlet)  # a process of its own; sets outlet.base
    base = outlet.base
    print("| what | process | peak RSS MB |")
    print("|---|---|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        measure_run(base, args.count, Path(tmp))
        measure_worker(base, args.count, Path(tmp), args.db)
    server.terminate()
    server.join()


if __name__ == "__main__":
    main()
