"""CPU per imported capture: `scrubwatch import` of a generated WARC, or `import --cdx` of it.

Writes one WARC.gz of N captures (N/4 articles, each archived four times: first version,
the same again, an edit that removes a sentence and changes a figure, then a 404), imports
it into a fresh SQLite store in this process, then imports it again (every capture already
there). Prints wall time and CPU (scan, extraction, comparison, our own WARC copy, the
database) per capture, to set beside `bench_monitor.py`'s CPU per live check.

With --cdx the WARC is served by pywb on loopback (from .venv/pywb, which `make test`
installs) and imported from its CDX server and replay instead: our CPU per capture then
includes the HTTP requests, and pywb's own CPU is printed beside it.
Usage: .venv/bin/python bench/bench_import.py [N] [--cdx]   (default 2000)
"""

from __future__ import annotations

import argparse
import asyncio
import io
import resource
import socket
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from scrubwatch.config import Settings
from scrubwatch.pipeline.cdx_import import CdxImport, import_from_cdx
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


async def run_cdx_import(settings: Settings, cdx_url: str) -> tuple[ImportReport, float, float]:
    store = open_store(settings)
    try:
        async with Runner(settings, store, analysis_workers=0) as runner:
            wall, cpu = time.perf_counter(), time.process_time()
            request = CdxImport(cdx_url, "news.example/*")
            report = await import_from_cdx(runner.services, request)
            return report, time.perf_counter() - wall, time.process_time() - cpu
    finally:
        store.close()


def start_pywb(warc: Path, root: Path) -> tuple[subprocess.Popen[bytes], str]:
    """pywb serving the WARC on a free loopback port; its process and CDX URL."""
    bin_dir = Path(__file__).resolve().parents[1] / ".venv" / "pywb" / "bin"
    if not (bin_dir / "wayback").exists():
        raise SystemExit(f"pywb not found in {bin_dir} (run `make test` once to install it)")
    root.mkdir()
    for args in (("init", "news"), ("add", "news", str(warc))):
        subprocess.run([str(bin_dir / "wb-manager"), *args], cwd=root, check=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(bin_dir / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    cdx_url = f"http://127.0.0.1:{port}/news/cdx"
    for _ in range(150):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, cdx_url
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("pywb did not start")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=2000)
    parser.add_argument("--cdx", action="store_true", help="import through pywb's CDX server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "generated.warc.gz"
        write_warc(warc, args.count)
        print(f"{args.count} captures, {warc.stat().st_size / 1e6:.1f} MB of WARC.gz")
        settings = Settings(data_dir=Path(tmp) / "data", archive_min_delay=0.0)
        server, base = None, 0.0
        if args.cdx:
            server, cdx_url = start_pywb(warc, Path(tmp) / "pywb")
            base = children_cpu()  # wb-manager's runs, not pywb's (not yet waited for)
        try:
            for label in ("first import", "same import again"):
                if server is None:
                    report, wall, cpu = asyncio.run(run_import(settings, warc))
                else:
                    report, wall, cpu = asyncio.run(run_cdx_import(settings, cdx_url))
                per = cpu / max(report.records, 1) * 1000
                print(
                    f"{label}: {report.imported} imported, {report.duplicates} already there, "
                    f"{len(report.changes)} changes, {len(report.problems)} problems in "
                    f"{wall:.1f} s; {per:.2f} ms CPU per capture read"
                )
        finally:
            if server is not None:
                server.terminate()
                server.wait()
                pywb_cpu = children_cpu() - base
                print(f"pywb (both runs and its start): {pywb_cpu:.1f} s CPU")


if __name__ == "__main__":
    main()
