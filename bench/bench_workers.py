"""Scale-out throughput: first-pass checks/s with 1 and with 2 worker processes.

Each run gets a fresh PostgreSQL schema and a fresh fake outlet (in a separate process, so
the outlet's own CPU is not counted against this one), starts a scheduler and K workers,
and times until every article has been checked once.
Usage: .venv/bin/python bench/bench_workers.py [N]   (default 600; PostgreSQL from
SCRUBWATCH_BENCH_POSTGRES, default postgresql+psycopg://postgres@127.0.0.1:5432/test)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from scrubwatch.store import schema as tables

POSTGRES = os.environ.get(
    "SCRUBWATCH_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
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


def run(count: int, workers: int) -> float:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    db = f"{POSTGRES}?options=-csearch_path%3D{schema}"
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
    return elapsed


def main(count: int) -> None:
    rates = {}
    for workers in (1, 2):
        elapsed = run(count, workers)
        rates[workers] = count / elapsed
        rate = rates[workers]
        print(f"{workers} worker(s): {count} checks in {elapsed:.1f} s = {rate:.1f} checks/s")
    print(f"speed-up with 2 workers: {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 600)
