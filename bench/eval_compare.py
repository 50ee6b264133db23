"""Precision and recall of change analysis on scripted, labelled edits of real pages.

From real pages of ../shared/data (readability-testpages, newspaper4k-tests, cleanportaleval,
used in place), builds version pairs whose HTML differs by one known edit (see
`eval_compare_edits`), runs the real path on both versions (`extract_document`, then
`classify_gone` and `compare_documents`) and scores the labels the Diff or verdict shows
against the labels of the edit. Seeded, so a run is reproducible.

Usage: .venv/bin/python bench/eval_compare.py [--limit N] [--seed S] [--jobs J] [--show-errors K]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import eval_compare_edits as edits
from eval_compare_edits import Page
from rapidfuzz import fuzz

from scrubwatch.compare import compare_documents
from scrubwatch.deletion import classify_gone
from scrubwatch.extract.document import decode_html, extract_document
from scrubwatch.model import Diff, Document, Severity

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SOURCES = (
    "readability-testpages/input",
    "newspaper4k-tests/current/html",
    "newspaper4k-tests/legacy/html",
    "cleanportaleval/input",
)
HOMEPAGES = ("cnn_main_site.html", "wired_main_site.html", "yahoo_main_site.html")
NOT_ARTICLES = ("_main_site", "meta_refresh", "sample_rss")
UTF8 = "text/html; charset=utf-8"

EDITS: dict[str, tuple[edits.Edit, frozenset[str]]] = {
    "remove_sentence": (edits.remove_sentence, frozenset({"sentence_removed"})),
    "insert_sentence": (edits.insert_sentence, frozenset({"sentence_added"})),
    "rewrite_sentence": (edits.rewrite_sentence, frozenset({"sentence_rewritten"})),
    "change_number": (edits.change_number, frozenset({"number_changed", "sentence_rewritten"})),
    "remove_quote": (edits.remove_quote, frozenset({"quote_removed", "sentence_removed"})),
    "change_headline": (edits.change_headline, frozenset({"headline_changed"})),
    "fix_typo": (edits.fix_typo, frozenset({"typo"})),
    "chrome": (edits.churn_chrome, frozenset({"chrome"})),
}
LABELS = (
    "sentence_removed",
    "sentence_added",
    "sentence_rewritten",
    "number_changed",
    "quote_removed",
    "headline_changed",
    "typo",
    "chrome",
    "http_404",
    "http_410",
    "redirect",
    "soft_404",
    "emptied",
)


@dataclass
class Outcome:
    """One pair: what was done, what was seen, how long the analysis took."""

    page: str
    edit: str
    expected: frozenset[str]
    predicted: frozenset[str]
    seconds: float
    summary: str = ""


def extract(html: str, url: str) -> Document:
    """The real extraction path, on UTF-8 bytes."""
    return extract_document(html.encode("utf-8"), url, UTF8)


def load_pages(limit: int | None) -> list[Page]:
    """Real article pages whose extraction is not empty, in a fixed order."""
    pages: list[Page] = []
    for source in SOURCES:
        for path in sorted((DATA / source).glob("*.html")):
            if any(mark in path.name for mark in NOT_ARTICLES):
                continue
            if limit is not None and len(pages) >= limit:
                return pages
            page = _load(path, source)
            if page is not None:
                pages.append(page)
    return pages


def _load(path: Path, source: str) -> Page | None:
    raw = path.read_bytes()
    name = f"{source.split('/')[0]}/{path.stem}"
    url = f"https://{path.stem.split('_')[0].split('.')[0]}.example/news/2024/{path.stem}"
    try:
        tree = edits.parse(decode_html(raw, None))
    except ValueError:
        return None
    html = edits.serialise(tree)
    document = extract(html, url)
    page = Page(name, url, html, document)
    if document.is_empty or len(edits.sentences(page)) < 3:
        return None
    return page


def predicted_labels(verdict: tuple[object, str | None] | None, diff: Diff | None) -> set[str]:
    """The labels a user would read off a verdict or a Diff."""
    if verdict is not None:
        return {str(verdict[0])}
    if diff is None:
        return {"chrome"}
    shown = {
        "sentence_removed": bool(diff.sentences_removed),
        "sentence_added": bool(diff.sentences_added),
        "sentence_rewritten": bool(diff.sentences_changed)
        and diff.severity is Severity.SUBSTANTIVE,
        "number_changed": bool(diff.numbers_changed),
        "quote_removed": bool(diff.quotes_removed),
        "headline_changed": diff.title is not None,
        "typo": diff.severity is Severity.MINOR,
    }
    return {label for label, seen in shown.items() if seen}


def judge(
    page: Page,
    new_doc: Document | None,
    status: int,
    final_url: str,
    probe: Document,
    old: Document,
) -> tuple[set[str], float, str]:
    """Run the analysis a capture gets: the deletion verdict, then the comparison."""
    start = time.perf_counter()
    verdict = classify_gone(status, page.url, final_url, new_doc, old, probe=probe)
    diff = None
    if verdict is None and new_doc is not None:
        diff = compare_documents(old, new_doc)
    seconds = time.perf_counter() - start
    return predicted_labels(verdict, diff), seconds, diff.summary if diff else ""


def pairs_of(
    page: Page, seed: int, homepages: list[Document], others: list[Page]
) -> Iterator[Outcome]:
    """Every labelled pair one page yields."""
    probe_html = edits.not_found_page(page, random.Random(seed), "/zz-missing-4f2a9c", False)
    probe = extract(probe_html, page.url) if probe_html else Document()
    for name, (edit, expected) in EDITS.items():
        made = edit(page, random.Random(f"{seed}:{page.name}:{name}"))
        if made is None:
            continue
        old = extract(made[0], page.url)
        new = extract(made[1], page.url)
        predicted, seconds, summary = judge(page, new, 200, page.url, probe, old)
        yield Outcome(page.name, name, expected, frozenset(predicted), seconds, summary)
    yield from _deletions(page, seed, homepages, others, probe)


def _deletions(
    page: Page, seed: int, homepages: list[Document], others: list[Page], probe: Document
) -> Iterator[Outcome]:
    rng = random.Random(f"{seed}:{page.name}:gone")
    host = "/".join(page.url.split("/")[:3])
    cases: list[tuple[str, Document | None, int, str]] = [
        ("http_404", probe, 404, page.url),
        ("http_410", None, 410, page.url),
    ]
    kind = rng.choice(["home", "section", "article"])
    # Another article of the site: one whose text is really different (several synthetic
    # test pages share the same lorem ipsum).
    others = [
        o for o in others if fuzz.ratio(o.document.text[:2000], page.document.text[:2000]) < 50
    ]
    if kind == "article" and others:
        other = rng.choice(others)
        cases.append(
            ("redirect", other.document, 200, f"{host}/news/2024/{other.name.split('/')[1]}-x")
        )
    else:
        where = f"{host}/" if kind == "home" else f"{host}/politics/"
        cases.append(("redirect", rng.choice(homepages), 200, where))
    phrased = rng.random() < 0.5
    soft = edits.not_found_page(page, rng, page.url.split("/", 3)[3], phrased)
    if soft is not None:
        cases.append(("soft_404", extract(soft, page.url), 200, page.url))
    empty = edits.emptied(page, rng)
    if empty is not None:
        cases.append(("emptied", extract(empty, page.url), 200, page.url))
    for label, document, status, final_url in cases:
        predicted, seconds, _summary = judge(
            page, document, status, final_url, probe, page.document
        )
        yield Outcome(page.name, label, frozenset({label}), frozenset(predicted), seconds)


_SHARED: dict[str, list[Page] | list[Document]] = {}


def _setup(pages: list[Page], homepages: list[Document]) -> None:
    """Worker start: the pages and homepages every pair may need (redirect targets)."""
    warnings.simplefilter("ignore")  # dateutil's timezone warnings on old pages
    _SHARED["pages"], _SHARED["homepages"] = pages, homepages


def _pairs_of_page(index: int, seed: int) -> list[Outcome]:
    pages = cast(list[Page], _SHARED["pages"])
    homepages = cast(list[Document], _SHARED["homepages"])
    others = [p for i, p in enumerate(pages) if i != index]
    start = time.perf_counter()
    found = list(pairs_of(pages[index], seed, homepages, others))
    if time.perf_counter() - start > 20:
        print(f"\nslow page: {pages[index].name}", file=sys.stderr)
    return found


def score(outcomes: list[Outcome]) -> list[tuple[str, int, float, float]]:
    """Per label: support, precision, recall."""
    rows = []
    for label in LABELS:
        tp = sum(label in o.expected and label in o.predicted for o in outcomes)
        fp = sum(label not in o.expected and label in o.predicted for o in outcomes)
        fn = sum(label in o.expected and label not in o.predicted for o in outcomes)
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        rows.append((label, tp + fn, precision, recall))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Parse options, build the pairs, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="at most N pages")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="worker processes")
    parser.add_argument("--show-errors", type=int, default=0, help="print K wrong pairs")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"no data at {DATA}; nothing to evaluate", file=sys.stderr)
        return 1
    print("command: .venv/bin/python bench/eval_compare.py " + " ".join(argv or sys.argv[1:]))
    warnings.simplefilter("ignore")
    pages = load_pages(args.limit)
    homepages = [
        extract(
            (DATA / "newspaper4k-tests/current/html" / h).read_text(errors="replace"),
            "https://x.example/",
        )
        for h in HOMEPAGES
    ]
    outcomes: list[Outcome] = []
    with ProcessPoolExecutor(args.jobs, initializer=_setup, initargs=(pages, homepages)) as pool:
        for found in pool.map(_pairs_of_page, range(len(pages)), [args.seed] * len(pages)):
            outcomes.extend(found)
            print(f"\r{len(outcomes)} pairs", end="", file=sys.stderr, flush=True)
    print(f"pages: {len(pages)}  pairs: {len(outcomes)}  seed: {args.seed}")
    print(f"pairs per edit: {dict(Counter(o.edit for o in outcomes))}")
    print(f"{'label':<20}{'support':>8}{'precision':>11}{'recall':>8}")
    for label, support, precision, recall in score(outcomes):
        print(f"{label:<20}{support:>8}{precision:>11.3f}{recall:>8.3f}")
    chrome = [o for o in outcomes if o.edit == "chrome"]
    changed = sum(o.predicted != {"chrome"} for o in chrome)
    print(f"chrome-only pairs reported as a change: {changed} of {len(chrome)}")
    mean_ms = 1000 * sum(o.seconds for o in outcomes) / max(len(outcomes), 1)
    print(f"mean analysis time per pair (classify_gone + compare_documents): {mean_ms:.2f} ms")
    wrong = [o for o in outcomes if o.expected != o.predicted]
    for o in wrong[: args.show_errors]:
        got = f"expected {sorted(o.expected)} got {sorted(o.predicted)}"
        print(f"  {o.page} {o.edit}: {got} | {o.summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
