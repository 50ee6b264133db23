"""What starting a `scrubwatch` command costs: CPU seconds of whole processes, and what they
import that they do not need.

Every command is a fresh process, so its imports are paid on every call: by a script that
runs `scrubwatch extract` per page, by cron running `scrubwatch check`. Each case runs
REPEAT times; the median of user + system CPU is printed, beside the bare imports of the
libraries the command cannot do without (in the same run, so their ratio holds on a noisy
machine).

Usage: .venv/bin/python bench/bench_startup.py [REPEAT]   (default 5)
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

PAGE = (
    "<html><head><title>Talks</title></head><body><article><h1>Talks</h1>"
    "<p>Officials said the railway talks would resume on Monday in the port city.</p>"
    "</article></body></html>"
)


def _cpu(argv: list[str], env: dict[str, str]) -> float:
    """User + system CPU seconds of one process (and its children), run to the end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(PAGE)
        env = {**os.environ, "SCRUBWATCH_DATA_DIR": str(Path(tmp) / "data")}
        cli = [sys.executable, "-m", "scrubwatch"]
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "scrubwatch --help": [*cli, "--help"],
            "scrubwatch extract page.html --json": [*cli, "extract", str(page), "--json"],
            "scrubwatch check (empty store)": [*cli, "check"],
            "scrubwatch changes --json (empty store)": [*cli, "changes", "--json"],
            "bare: import trafilatura": [sys.executable, "-c", "import trafilatura"],
            "bare: import sqlalchemy, httpx": [sys.executable, "-c", "import sqlalchemy, httpx"],
        }
        print(f"| command | CPU s (median of {repeat}) |")
        print("|---|---:|")
        for name, argv in cases.items():
            seconds = statistics.median(_cpu(argv, env) for _ in range(repeat))
            print(f"| {name} | {seconds:.2f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
