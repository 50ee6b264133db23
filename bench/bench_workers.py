"""Scale-out throughput: first-pass checks/s with 1 and with 2 worker processes.

Each run gets a fresh PostgreSQL schema and a fresh fake outlet (in a separate process, so
the outlet's own CPU is not counted against this one), starts a scheduler and K workers,
and times until every article has been checked once. Two figures per run: end to end (from
starting the processes, so it includes their start-up: imports, connecting, the scheduler's
first discovery) and steady state (from the first capture to the last), which is what more
workers can speed up. CPU seconds per process group come from /proc.
The runs spread widely even on an idle machine, so pairs are repeated and the medians printed.
Usage: .venv/bin/python bench/bench_workers.py [N] [--repeat R]   (default 1200 articles, 5
pairs; PostgreSQL from SCRUBWATCH_BENCH_POSTGRES, default the local server's Unix socket,
postgresql+psycopg://postgres@/test?host=/var/run/postgresql, else 127.0.0.1:5432)
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from scrubwatch.store import schema as tables

# PostgreSQL runs on this machine, so it is reached the way a local deployment would reach it:
# over its Unix socket when there is one (each query then costs both sides less CPU than over
# TCP loopback, and here every process shares the same two cores).
_SOCKET_DIR = "/var/run/postgresql"
_LOCAL = (
    f"postgresql+psycopg://postgres@/test?host={_SOCKET_DIR}"
    if Path(_SOCKET_DIR, ".s.PGSQL.5432").exists()
    else "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
POSTGRES = os.environ.get("SCRUBWATCH_BENCH_POSTGRES", _LOCAL)
OUTLET = """
import sys, time
from scrubwatch.demo.outlet import FakeOutlet
text = ("Officials in Baku said on Monday that talks on transport links with Beijing would "
        "continue next month, with delegations discussing rail freight and port capacity. ")
with FakeOutlet() as outlet:
    for i in range(int(sys.argv[1])):
        outlet.publish(f"transport-talks-report-{i}", f"Transport talks {i}",
                       [f"Report {i}, part {p}. " + text * 3 for p in range(6)])
    print(outlet.base_url, flush=True)
    sys.stdin.read()
"""


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """CPU seconds a process (and its waited-for children) used so far, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(field) for field in fields[11:15]) / _TICKS


def postgres_cpu_seconds() -> float:
    """CPU seconds of every PostgreSQL process on this machine (server and backends)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().startswith("postgres"):
                total += cpu_seconds(int(entry.name))
        except OSError:
            continue
    return total


@dataclass
class Run:
    """One timed run: wall seconds end to end and first-to-last capture, CPU seconds."""

    elapsed: float
    window: float
    cpu: dict[str, float]


def run(count: int, workers: int) -> Run:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    db = f"{POSTGRES}{'&' if '?' in POSTGRES else '?'}options=-csearch_path%3D{schema}"
    outlet = subprocess.Popen(
        [sys.executable, "-c", OUTLET, str(count)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    procs: list[subprocess.Popen[bytes]] = []
    try:
        assert outlet.stdout is not None
        base = outlet.stdout.readline().decode().strip()
        with tempfile.TemporaryDirectory() as tmp:
            config = Path(tmp) / "config.toml"
            config.write_text(f"max_new_articles_per_source = {count}\n")
            cmd = [
                sys.executable,
                "-m",
                "scrubwatch",
                "--db",
                db,
                "--data-dir",
                tmp,
                "--config",
                str(config),
            ]
            subprocess.run([*cmd, "watch", base], check=True, capture_output=True)
            outlet_cpu, postgres_cpu = cpu_seconds(outlet.pid), postgres_cpu_seconds()
            started = time.perf_counter()
            for _ in range(workers):
                procs.append(
                    subprocess.Popen(
                        [*cmd, "worker", "--concurrency", "8"],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            procs.append(
                subprocess.Popen(
                    [*cmd, "run", "--scheduler-only"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            engine = create_engine(db)
            query = select(func.count()).where(tables.articles.c.check_count > 0)
            while True:
                with engine.connect() as conn:
                    if conn.execute(query).scalar_one() >= count:
                        break
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            cpu = {f"worker {n + 1}": cpu_seconds(p.pid) for n, p in enumerate(procs[:-1])}
            cpu["scheduler"] = cpu_seconds(procs[-1].pid)
            cpu["outlet"] = cpu_seconds(outlet.pid) - outlet_cpu
            cpu["postgres"] = postgres_cpu_seconds() - postgres_cpu
            fetched = tables.captures.c.fetched_at
            with engine.connect() as conn:
                first, last = conn.execute(select(func.min(fetched), func.max(fetched))).one()
            engine.dispose()
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=30)
        outlet.communicate(b"")
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
    return Run(elapsed, (last - first).total_seconds(), cpu)


def main(count: int, repeat: int) -> None:
    """`repeat` pairs of runs, each pair's speed-ups and their medians.

    Pairs alternate which run goes first (1 worker then 2, then 2 then 1) so that a machine
    slowly getting faster or slower does not favour one side.
    """
    print(f"PostgreSQL: {POSTGRES}", flush=True)
    steady, end_to_end = [], []
    rates: dict[int, list[float]] = {1: [], 2: []}
    for pair in range(repeat):
        runs = {}
        for workers in (1, 2) if pair % 2 == 0 else (2, 1):
            runs[workers] = result = run(count, workers)
            rates[workers].append(count / result.window)
            cpu = ", ".join(f"{name} {seconds:.1f}" for name, seconds in result.cpu.items())
            print(
                f"{workers} worker(s): {count} checks; end to end {result.elapsed:.1f} s = "
                f"{count / result.elapsed:.1f} checks/s; steady state {result.window:.1f} s = "
                f"{count / result.window:.1f} checks/s; CPU s: {cpu}",
                flush=True,
            )
        end_to_end.append(runs[1].elapsed / runs[2].elapsed)
        steady.append(runs[1].window / runs[2].window)
        print(
            f"speed-up with 2 workers: end to end {end_to_end[-1]:.2f}x, "
            f"steady state {steady[-1]:.2f}x",
            flush=True,
        )
    if repeat > 1:
        one, two = statistics.median(rates[1]), statistics.median(rates[2])
        print(
            f"median of {repeat} pairs: end to end {statistics.median(end_to_end):.2f}x, "
            f"steady state {statistics.median(steady):.2f}x "
            f"(median steady rates: 1 worker {one:.1f}/s, 2 workers {two:.1f}/s = {two / one:.2f}x)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=1200, help="articles (1200)")
    parser.add_argument("--repeat", type=int, default=5, help="pairs of runs (5)")
    args = parser.parse_args()
    main(args.count, args.repeat)
