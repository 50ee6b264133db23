"""Re-checks of unchanged articles whose page chrome churns, against a bare client.

Monitoring spends its life re-checking articles that did not change, on pages whose chrome
changes on every visit. This outlet (a loopback server in a process of its own, so that its
work is not counted as ours) serves N articles whose pages
churn the way news sites do: a header clock and today's date, a "most read" box with
"minutes ago" times, and inside the article a share counter, a "minutes ago" dateline and a
"read also" box of rotating teasers. The article text never changes.

Measured in one run, so ratios hold on a noisy machine:
- our first pass and our chrome-only re-pass, in this process (checks/s, CPU ms per check,
  how many re-checks the fast path settled) and as whole `scrubwatch check --all` processes;
- a bare client: httpx fetching every article (as many at a time as scrubwatch) and parsing
  it with lexbor.

Usage: .venv/bin/python bench/bench_recheck.py [N] [--page-kib K] [--changedetection EXE]
[--repasses R] (default 300 articles; R in-process re-passes, the median printed: steadier
when comparing two versions of scrubwatch, run in turns with `PYTHONPATH=<other src>`)

`--page-kib K` gives every page the weight real news pages carry around the same article
(K KiB in all: a menu of sections, inline configuration scripts with a fresh ad nonce per
visit, inline styles, a footer of links); the real pages of `../shared/data` weigh 73-147 KiB
(median per group). Without it, pages are about 5 KiB, as in earlier runs.

`--changedetection EXE` adds changedetection.io, installed in a virtualenv of its own (it
pins other versions of our libraries), on the same outlet in the same run: its batch mode
(`-b`) adds every article and checks each once, then re-checks them all, each a whole
process. It may phone home, so it runs only where nothing but loopback is reachable, in a
network namespace of the benchmark's own:
    unshare -n sh -c 'ip link set lo up && .venv/bin/python bench/bench_recheck.py 300 \
        --changedetection /path/to/venv/bin/changedetection.py'
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from selectolax.lexbor import LexborHTMLParser

from scrubwatch.config import Settings
from scrubwatch.pipeline import CheckResult
from scrubwatch.runner import Runner
from scrubwatch.store import open_store

SENTENCE = (
    "Officials in Baku said on Monday that talks on transport links with Beijing would "
    "continue next month, with delegations expected to discuss rail freight and port capacity."
)
HEADLINES = [f"Story number {n} about the region's ports and railways" for n in range(60)]
EPOCH = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
# Requests in flight to the one host, for scrubwatch (`per_host_concurrency`, 4 by default, as
# politeness asks) and the bare client alike, so that both are limited the same way.
CONCURRENCY = 16


def _path(number: int) -> str:
    return f"/news/2026/12/03/report-{number}-on-the-transport-talks"


_ARTICLE_PATH = re.compile(r"/news/2026/12/03/report-(\d+)-on-the-transport-talks")


class Outlet:
    """Pages for N articles; every request gets fresh chrome (clock, counters, teasers)."""

    def __init__(self, count: int, page_kib: int = 0) -> None:
        self.count = count
        self.page_kib = page_kib
        self.base = ""  # set once the server is listening
        self.hits = 0
        # Article pages served, counted across processes (the server runs in its own).
        self._article_hits = multiprocessing.get_context("fork").Value("q", 0)
        self._lock = threading.Lock()

    @property
    def article_hits(self) -> int:
        return int(self._article_hits.value)

    def page(self, path: str) -> bytes | None:
        with self._lock:
            self.hits += 1
            rng = random.Random(self.hits)
        now = EPOCH + timedelta(seconds=37 * self.hits)
        if path == "/rss.xml":
            items = "".join(
                f"<item><title>Report {n}</title><link>{self.base}{_path(n)}</link></item>"
                for n in range(self.count)
            )
            return (
                f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()
            )
        if path == "/":
            return self._html("The Courier", "<p>Front page</p>", rng, now)
        found = _ARTICLE_PATH.fullmatch(path)
        number = int(found.group(1)) if found else -1
        if not 0 <= number < self.count:
            return None
        with self._article_hits.get_lock():
            self._article_hits.value += 1
        title = f"Report {number} on the transport talks"
        return self._html(title, self._article(number, rng, now), rng, now)

    def _article(self, number: int, rng: random.Random, now: datetime) -> str:
        paragraphs = [f"<p>Report {number}, part {p}. {SENTENCE} {SENTENCE}</p>" for p in range(6)]
        teasers = "".join(
            f'<li><a href="{_path(rng.randrange(self.count))}">{h}</a> '
            f"<time>{rng.randint(2, 59)} min ago</time></li>"
            for h in rng.sample(HEADLINES, 3)
        )
        related = f'<aside class="related"><h3>Read also</h3><ul>{teasers}</ul></aside>'
        return (
            f"<article><header><h1>Report {number} on the transport talks</h1>"
            '<p class="byline">By <span class="author">Leyla Aliyeva</span></p>'
            f'<p class="meta"><time datetime="{(now - timedelta(hours=3)).isoformat()}">'
            f"{rng.randint(100, 200)} minutes ago</time> · "
            f'<span class="shares">{rng.randint(10, 9000):,} shares</span></p></header>'
            f'<div class="body">{"".join(paragraphs[:3])}{related}{"".join(paragraphs[3:])}</div>'
            "</article>"
        )

    def _weight(self, rng: random.Random, size: int) -> tuple[str, str, str]:
        """Head, menu and footer that bring a page to about `page_kib` KiB (`size` is what
        the rest weighs): static markup as real outlets send, plus a per-visit ad nonce."""
        missing = self.page_kib * 1024 - size
        if missing <= 0:
            return "", "", ""
        menu = "".join(
            f'<li class="menu-item"><a href="/section/{n}">Section {n}</a><ul>'
            + "".join(
                f'<li><a href="/section/{n}/{k}">Section {n}, topic {k}</a></li>' for k in range(6)
            )
            + "</ul></li>"
            for n in range(40)
        )
        menu = f'<nav class="mega-menu"><ul>{menu}</ul></nav>'
        footer = (
            "<div class='links'>"
            + "".join(f'<a href="/page/{n}">Page {n}</a> ' for n in range(60))
            + "</div>"
        )
        styles, slots, n = [], [], 0
        missing -= len(menu) + len(footer) + 80
        while missing > 0:
            if n % 2:
                styles.append(
                    f".c{n}{{margin:0 {n}px;padding:{n}px 0;color:#{n:03x};font-size:1.{n}em}}"
                )
                missing -= len(styles[-1])
            else:
                slots.append(
                    f'{{"slot":"ad-{n}","sizes":[[300,250],[728,90]],"targeting":{{"pos":"{n}"}}}},'
                )
                missing -= len(slots[-1])
            n += 1
        head = (
            f'<script>window.ads = {{"nonce": "{rng.getrandbits(64):x}", "slots": ['
            f"{''.join(slots)}{{}}]}};</script><style>{''.join(styles)}</style>"
        )
        return head, menu, footer

    def _html(self, title: str, main: str, rng: random.Random, now: datetime) -> bytes:
        popular = "".join(
            f'<li><a href="{_path(rng.randrange(self.count))}">{h}</a> '
            f'<time datetime="{now.isoformat()}">{rng.randint(1, 59)} minutes ago</time></li>'
            for h in rng.sample(HEADLINES, 5)
        )
        head, menu, links = self._weight(rng, 1200 + len(main) + len(popular))
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="og:title" content="{title}">'
            '<link rel="alternate" type="application/rss+xml" href="/rss.xml">'
            f"<script>window.pageview = {rng.getrandbits(48)};</script>{head}</head><body>"
            f'<header><a href="/">The Courier</a> <time class="clock" datetime="{now.isoformat()}">'
            f'{now:%H:%M}</time> <span class="date-today">{now:%A %d %B}</span>{menu}</header>'
            f'<main>{main}<aside class="most-read"><h2>Most read</h2><ol>{popular}</ol></aside>'
            f'</main><footer>© The Courier · <a href="/about">About</a>{links}</footer>'
            "</body></html>"
        ).encode()


def _serve_forever(outlet: Outlet, port: int) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = outlet.page(self.path)
            self.send_response(200 if body is not None else 404)
            body = body or b"not found"
            kind = "application/rss+xml" if self.path.endswith(".xml") else "text/html"
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


def serve(outlet: Outlet) -> multiprocessing.process.BaseProcess:
    """Serve `outlet` from a process of its own, so that none of its work (and none of its
    holding the GIL) counts as the CPU of what is measured here; sets `outlet.base`."""
    port = _free_port()
    outlet.base = f"http://127.0.0.1:{port}"
    server = multiprocessing.get_context("fork").Process(
        target=_serve_forever, args=(outlet, port), daemon=True
    )
    server.start()
    for _ in range(500):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.01)
    raise RuntimeError("the outlet did not start listening")


def _cpu_with_children() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _run_child(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one child process, run to the end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


async def in_process(base: str, count: int, data_dir: Path, repasses: int = 1) -> None:
    """The first pass, then `repasses` chrome-only re-passes (the median one printed)."""
    settings = Settings(
        data_dir=data_dir, max_new_articles_per_source=count, per_host_concurrency=CONCURRENCY
    )
    store = open_store(settings)
    async with Runner(settings, store) as runner:
        await runner.watch(base + "/rss.xml")
        for label, times in (("first pass", 1), ("chrome-only re-pass", repasses)):
            rows = []
            for _ in range(times):
                fast = 0

                def on_result(result: CheckResult) -> None:
                    nonlocal fast
                    fast += result.fast_path

                wall, cpu = time.perf_counter(), _cpu_with_children()
                report = await runner.check_pass(all_articles=True, on_result=on_result)
                wall, cpu = time.perf_counter() - wall, _cpu_with_children() - cpu
                rows.append((cpu, wall, report, fast))
            cpu, wall, report, fast = sorted(rows, key=lambda row: row[0])[len(rows) // 2]
            print(
                f"| in process | {label} | {report.checked / wall:.1f} | "
                f"{cpu / max(report.checked, 1) * 1000:.2f} | {fast} of {report.checked} | "
                f"{len(report.changes)} |"
            )
    store.close()


def cli_processes(base: str, count: int, data_dir: Path) -> None:
    config = data_dir.parent / "bench.toml"
    config.write_text(
        f"max_new_articles_per_source = {count}\nper_host_concurrency = {CONCURRENCY}\n"
    )
    cli = [sys.executable, "-m", "scrubwatch", "--data-dir", str(data_dir), "--config", str(config)]
    subprocess.run([*cli, "watch", base + "/rss.xml"], check=True, capture_output=True)
    for label in ("first pass", "chrome-only re-pass"):
        wall, cpu = _run_child([*cli, "check", "--all"])
        per_check = cpu / count * 1000
        print(f"| `check --all` process | {label} | {count / wall:.1f} | {per_check:.1f} | | |")


def _only_loopback() -> bool:
    """True when no route leads off this machine (a namespace with loopback alone): a UDP
    `connect` sends nothing, it only asks for a route to TEST-NET-1."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return True
    return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def changedetection_processes(outlet: Outlet, tmp: Path, exe: str) -> None:
    """changedetection.io's first pass and re-pass over the same articles, whole processes.

    Its fetch workers are set to our concurrency; how many article pages each run fetched is
    counted at the outlet, so a run that skipped some cannot pass for a fast one."""
    env = {
        **os.environ,
        "FETCH_WORKERS": str(CONCURRENCY),
        "ALLOW_IANA_RESTRICTED_ADDRESSES": "true",  # the outlet is on loopback
        "DISABLE_VERSION_CHECK": "yes",
    }
    common = [exe, "-d", str(tmp / "changedetection"), "-h", "127.0.0.1", "-l", "WARNING"]
    urls = [arg for n in range(outlet.count) for arg in ("-u", outlet.base + _path(n))]
    runs = {"first pass": ["-C", *urls], "chrome-only re-pass": ["-r", "all"]}
    for label, arguments in runs.items():
        fetched = outlet.article_hits
        wall, cpu = _run_child([*common, "-p", str(_free_port()), "-b", *arguments], env)
        fetched = outlet.article_hits - fetched
        print(
            f"| changedetection.io process ({fetched} pages fetched) | {label} | "
            f"{fetched / wall:.1f} | {cpu / max(fetched, 1) * 1000:.1f} | | |"
        )


async def bare_client(base: str, count: int) -> None:
    """What fetching and parsing alone costs: the floor for any re-check."""
    limit = asyncio.Semaphore(CONCURRENCY)
    parsed = 0

    async def one(client: httpx.AsyncClient, n: int) -> None:
        nonlocal parsed
        async with limit:
            response = await client.get(base + _path(n))
        parsed += LexborHTMLParser(response.content).body is not None

    wall, cpu = time.perf_counter(), time.process_time()
    async with httpx.AsyncClient() as client:
        await asyncio.gather(*(one(client, n) for n in range(count)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    per_page = cpu / count * 1000
    print(f"| bare httpx + lexbor | every article | {parsed / wall:.1f} | {per_page:.1f} | | |")


def main(count: int, page_kib: int, changedetection: str | None, repasses: int = 1) -> None:
    if changedetection and not _only_loopback():
        sys.exit("--changedetection runs only in a namespace with loopback alone (see --help)")
    outlet = Outlet(count, page_kib)
    server = serve(outlet)
    base = outlet.base
    print("| run | pass | checks/s | CPU ms per check | fast path | changes |")
    print("|---|---|---:|---:|---|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(in_process(base, count, Path(tmp) / "inproc", repasses))
        cli_processes(base, count, Path(tmp) / "cli")
        asyncio.run(bare_client(base, count))
        if changedetection:
            changedetection_processes(outlet, Path(tmp), changedetection)
    server.terminate()
    server.join()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("count", nargs="?", type=int, default=300, help="articles")
    parser.add_argument("--page-kib", type=int, default=0, help="weight of every page")
    parser.add_argument("--changedetection", metavar="EXE", help="changedetection.py to compare")
    parser.add_argument(
        "--repasses", type=int, default=1, help="in-process re-passes (the median is printed)"
    )
    args = parser.parse_args()
    main(args.count, args.page_kib, args.changedetection, args.repasses)
