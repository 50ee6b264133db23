"""What the worst pages under the body cap cost one page analysis: CPU seconds, peak memory.

Page analysis (extraction, wall and deletion tests, the fast re-check hint) runs on every
fetched page. A hostile or broken page must cost one bounded look, never minutes of a
pass: the target is under 2 s CPU and 300 MB for any page under the 15 MB body cap. Pages
with more than `max_page_elements` elements are only parsed and counted ("too large to
analyse in detail"); the "limit" cases are the costliest pages that are analysed. Each
case runs in a fresh process so its peak memory is its own (imports included).

Usage: .venv/bin/python bench/bench_extract_bounds.py [--cases NAME,NAME]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace

from scrubwatch.pipeline.analysis import Page, analyse

SENTENCE = "Officials said the railway talks would resume on Monday in the port city."


def _page(body: str) -> bytes:
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Talks</title></head>"
        f"<body><nav><a href=/>Home</a></nav><article><h1>Talks</h1>{body}</article>"
        "<footer>(c) Outlet</footer></body></html>"
    ).encode()


def _tiny_paragraphs(count: int) -> bytes:
    return _page("".join(f"<p>Word {n}.</p>" for n in range(count)))


def _long_article(paragraphs: int) -> bytes:
    return _page("".join(f"<p>{SENTENCE} {SENTENCE} Item {n}.</p>" for n in range(paragraphs)))


def _wordy_article(paragraphs: int, sentences: int) -> bytes:
    return _page(
        "".join(
            f"<p>{' '.join(f'{SENTENCE[:-1]} {n}-{k}.' for k in range(sentences))}</p>"
            for n in range(paragraphs)
        )
    )


def _nested(depth: int) -> bytes:
    return _page("<div>" * depth + f"<p>{SENTENCE}</p>" + "</div>" * depth)


def _one_paragraph(megabytes: int) -> bytes:
    words = ("corridor railway freight cargo ports talks " * 40).split()
    text = " ".join(words[n % len(words)] for n in range(megabytes * 150_000))
    return _page(f"<p>{text}</p>")


def _links(count: int) -> bytes:
    return _page("<ul>" + "".join(f"<li><a href=/n/{n}>Story {n}</a></li>" for n in range(count)))


def _table(rows: int, cols: int) -> bytes:
    row = "<tr>" + "".join(f"<td>cell {c}</td>" for c in range(cols)) + "</tr>"
    return _page(f"<p>{SENTENCE}</p><table>" + row * rows + "</table>")


def _divs(count: int) -> bytes:
    return _page("".join(f"<div><span>Part {n} of the talks</span></div>" for n in range(count)))


CASES: dict[str, Callable[[], bytes]] = {
    "long article: 2k paragraphs": lambda: _long_article(2_000),
    "14 MB of text in 2k paragraphs": lambda: _wordy_article(2_000, 90),
    # Just under the limits (max_page_elements 8,000, 800,000 characters of text): the
    # costliest pages that are analysed.
    "limit: 8k tiny paragraphs": lambda: _tiny_paragraphs(7_980),
    "limit: 8k paragraphs of 90 characters": lambda: _wordy_article(7_980, 1),
    "limit: 4k paragraphs of 190 characters": lambda: _long_article(3_980),
    "limit: 4k divs": lambda: _divs(3_990),
    "limit: 4k links": lambda: _links(3_990),
    "limit: table 190 x 40": lambda: _table(190, 40),
    # Over the limit: recorded too large to analyse, after parsing and counting.
    "80k tiny paragraphs": lambda: _tiny_paragraphs(80_000),
    "450k tiny paragraphs": lambda: _tiny_paragraphs(450_000),
    "200k divs": lambda: _divs(200_000),
    "5k nested divs": lambda: _nested(5_000),
    "one 10 MB paragraph": lambda: _one_paragraph(10),
    "200k links": lambda: _links(200_000),
    "table 5k x 40": lambda: _table(5_000, 40),
}


def run_case(name: str) -> None:
    """One case in this process: prints CPU seconds, peak RSS and what analysis found."""
    body = CASES[name]()
    page = Page(200, "http://outlet.test/a", "http://outlet.test/a", body, "text/html")
    analyse(replace(page, body=_long_article(3)))  # one-time set-up is not the page's cost
    started = time.process_time()
    analysis = analyse(page)
    seconds = time.process_time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    document = analysis.document
    found = "no document" if document is None else f"{len(document.paragraphs)} paragraphs"
    verdict = analysis.error or found
    print(f"| {name} | {len(body) / 1e6:.1f} | {seconds:.2f} | {peak:.0f} | {verdict[:60]} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        run_case(args.case)
        return
    names = args.cases.split(",") if args.cases else list(CASES)
    print("| page | MB | CPU s | peak MB | analysis |")
    print("|---|---|---|---|---|")
    for name in names:
        done = subprocess.run(
            [sys.executable, __file__, "--case", name], capture_output=True, text=True
        )
        print(done.stdout.strip() or f"| {name} | failed: {done.stderr.strip()[-200:]} |")


if __name__ == "__main__":
    main()
