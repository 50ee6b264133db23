"""CPU per imported capture: `scrubwatch import` of a generated WARC.

Writes one WARC.gz of N captures (N/4 articles, each archived four times: first version,
the same again, an edit that removes a sentence and changes a figure, then a 404), imports
it into a fresh SQLite store in this process, then imports it again (every capture already
there). Prints wall time and CPU (scan, extraction, comparison, our own WARC copy, the
database) per capture, to set beside `bench_monitor.py`'s CPU per live check.
Usage: .venv/bin/python bench/bench_import.py [N]   (default 2000)
"""

from __future__ import annotations

import asyncio
import io
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from scrubwatch.config import Settings
from scrubwatch.pipeline.importing import ImportReport, import_archives
from scrubwatch.runner import Runner
from scrubwatch.store import open_store

PARAGRAPH = (
    "Officials in Baku said on Monday that talks on transport links with Beijing would "
    "continue next month, with delegations expected to discuss rail freight, port capacity "
    "and customs procedures along the route across the Caspian Sea. "
)
START = datetime(2025, 4, 21, 6, 0, tzinfo=UTC)


def page(i: int, edited: bool) -> bytes:
    figure = "3.2" if edited else "3.7"
    paragraphs = [f"Report {i}, part {p}. " + PARAGRAPH * 2 for p in range(6)]
    paragraphs.append(f"Investment in project {i} has reached ${figure} billion, it said.")
    if not edited:
        paragraphs.append(f"Company number {i} would build section {i} of the Zangezur corridor.")
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>Transport talks, report {i}</title>"
        "<meta property='og:type' content='article'></head><body><nav>Home News</nav>"
        f"<article><h1>Transport talks, report {i}</h1>{body}</article></body></html>"
    ).encode()


def write_warc(path: Path, count: int) -> None:
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        for n in range(count):
            i, step = divmod(n, 4)
            url = f"https://news.example/politics/2025/04/21/transport-talks-report-{i}"
            status, body = (
                (404, b"<html><title>Not found</title></html>")
                if step == 3
                else (
                    200,
                    page(i, edited=step == 2),
                )
            )
            http = StatusAndHeaders(
                f"{status} {'OK' if status == 200 else 'Not Found'}",
                [("Content-Type", "text/html; charset=utf-8")],
                protocol="HTTP/1.1",
            )
            when = START + timedelta(hours=step * 3, seconds=i)
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": datetime_to_iso_date(when.replace(tzinfo=None))},
            )
            writer.write_record(record)


async def run_import(settings: Settings, warc: Path) -> tuple[ImportReport, float, float]:
    store = open_store(settings)
    try:
        async with Runner(settings, store, analysis_workers=0) as runner:
            loop = asyncio.get_running_loop()
            wall, cpu = time.perf_counter(), time.process_time()
            report = await loop.run_in_executor(
                runner.services.executor, import_archives, runner.services, [str(warc)]
            )
            return report, time.perf_counter() - wall, time.process_time() - cpu
    finally:
        store.close()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "generated.warc.gz"
        write_warc(warc, count)
        print(f"{count} captures, {warc.stat().st_size / 1e6:.1f} MB of WARC.gz")
        settings = Settings(data_dir=Path(tmp) / "data")
        for label in ("first import", "same file again"):
            report, wall, cpu = asyncio.run(run_import(settings, warc))
            per = cpu / max(report.records, 1) * 1000
            print(
                f"{label}: {report.imported} imported, {report.duplicates} already there, "
                f"{len(report.changes)} changes in {wall:.1f} s; "
                f"{per:.2f} ms CPU per capture read"
            )


if __name__ == "__main__":
    main()
