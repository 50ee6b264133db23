"""Extraction quality, stability and speed on the real pages of `../shared/data`.

Parts (pick with --parts, default all):
  f1         word-token precision/recall/F1 per folder and per language, ours vs trafilatura
  meta       title / authors / date accuracy on newspaper4k's metadata gold, ours vs trafilatura
  stability  5 chrome-only mutations per page; share that change the extracted text
  speed      pages per CPU second: full extraction, fast re-check path, trafilatura
  process    whole processes over every page, start-up included: `scrubwatch extract --json`
             beside a Python process running trafilatura's bare loop over the same files

Usage: .venv/bin/python bench/bench_extract.py [--parts f1,meta,stability,speed,process]
       [--limit N]
"""

from __future__ import annotations

import argparse
import logging
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import py3langid
import trafilatura

sys.path.insert(0, str(Path(__file__).parent))

from bench_extract_corpus import DATA, FOLDERS, Page, pages, prf
from bench_extract_mutations import MUTATIONS, roundtrip

from scrubwatch.extract.document import extract_document
from scrubwatch.extract.fastpath import make_hint, unchanged


def _ours(page: Page) -> str:
    return extract_document(page.body).text


def _theirs(page: Page) -> str:
    return trafilatura.extract(page.body) or ""


def _language(page: Page) -> str:
    code, _ = py3langid.classify(page.gold[:2000]) if page.gold.strip() else ("?", 0)
    return str(code)


def _table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        cells = [f"{c:.3f}" if isinstance(c, float) else str(c) for c in row]
        print("| " + " | ".join(cells) + " |")


def part_f1(corpus: list[Page]) -> None:
    """Mean per-page P/R/F1 per folder and per language (of the gold text)."""
    scores: dict[str, list[tuple[float, ...]]] = defaultdict(list)
    for page in corpus:
        ours, theirs = prf(_ours(page), page.gold), prf(_theirs(page), page.gold)
        for key in (page.folder, f"lang:{_language(page)}", "ALL"):
            scores[key].append((*ours, *theirs))
    rows = []
    for key in [*FOLDERS, *sorted(k for k in scores if k.startswith("lang:")), "ALL"]:
        if key not in scores:
            continue
        columns = list(zip(*scores[key], strict=True))
        means = [statistics.fmean(c) for c in columns]
        rows.append([key, len(scores[key]), *means])
    header = ["group", "pages", "our P", "our R", "our F1", "traf P", "traf R", "traf F1"]
    _table("Word-token F1 (mean per page)", header, rows)


def _norm(text: object) -> str:
    return " ".join(str(text or "").split()).casefold()


def part_meta(corpus: list[Page]) -> None:
    """Share of gold titles, dates and authors each extractor gets right."""
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # ours, theirs, n
    for page in corpus:
        if not page.metadata:
            continue
        doc = extract_document(page.body)
        theirs = trafilatura.bare_extraction(page.body, with_metadata=True)
        t_title = getattr(theirs, "title", None)
        t_date, t_author = getattr(theirs, "date", None), getattr(theirs, "author", None)
        gold_title = page.metadata.get("title")
        if gold_title:
            row = hits["title"]
            row[0] += _norm(doc.title) == _norm(gold_title)
            row[1] += _norm(t_title) == _norm(gold_title)
            row[2] += 1
        gold_date = str(page.metadata.get("publish_date") or "")[:10]
        if gold_date:
            row = hits["date (day)"]
            row[0] += (doc.published or "")[:10] == gold_date
            row[1] += str(t_date or "")[:10] == gold_date
            row[2] += 1
        authors = page.metadata.get("authors") or []
        if isinstance(authors, list) and authors:
            row = hits["first author"]
            row[0] += _norm(authors[0]) in _norm(doc.byline)
            row[1] += _norm(authors[0]) in _norm(t_author)
            row[2] += 1
    rows = [[k, v[2], v[0] / v[2], v[1] / v[2]] for k, v in hits.items() if v[2]]
    _table("Metadata accuracy (newspaper4k gold)", ["field", "pages", "ours", "trafilatura"], rows)


def part_stability(corpus: list[Page]) -> None:
    """Share of chrome-only mutations that change the extracted text, per mutation."""
    changed: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for index, page in enumerate(corpus):
        base = roundtrip(page.body)
        if base is None:
            continue
        ours, theirs = extract_document(base).text, trafilatura.extract(base) or ""
        for name, mutate in MUTATIONS.items():
            mutated = mutate(base, index, page.gold)
            row = changed[name]
            row[0] += extract_document(mutated).text != ours
            row[1] += (trafilatura.extract(mutated) or "") != theirs
            row[2] += 1
    total = [sum(v[i] for v in changed.values()) for i in range(3)]
    rows = [[k, v[2], f"{v[0] / v[2]:.2%}", f"{v[1] / v[2]:.2%}"] for k, v in changed.items()]
    rows.append(["ALL", total[2], f"{total[0] / total[2]:.2%}", f"{total[1] / total[2]:.2%}"])
    _table("Stability: mutations that change the text", ["mutation", "n", "ours", "traf"], rows)


def _rates(steps: dict[str, Callable[[Page], object]], corpus: list[Page]) -> dict[str, float]:
    """Pages per CPU second of each step, the steps taking turns page by page.

    CPU seconds of this process, so other programs do not count; taking turns page by page,
    so a busier or quieter spell of a shared machine falls on every step alike; and each
    step goes first on as many pages as the others, since the steps after the first find
    the same page's strings in shared caches (trafilatura's `trim` is memoised, and so are
    CPU caches). Two rounds, the first only to warm caches.
    """
    spent = dict.fromkeys(steps, 0.0)
    names = list(steps)
    for _ in range(2):
        spent = dict.fromkeys(steps, 0.0)
        for number, page in enumerate(corpus):
            turn = number % len(names)
            for name in names[turn:] + names[:turn]:
                start = time.process_time()
                steps[name](page)
                spent[name] += time.process_time() - start
    return {name: len(corpus) / seconds for name, seconds in spent.items()}


def part_speed(corpus: list[Page]) -> None:
    """Pages per CPU second: full extraction, fast path (same page, its own hint), trafilatura."""
    hints = {}
    for page in corpus:
        hint = make_hint(page.body, None, extract_document(page.body))
        if hint is not None:
            hints[page.name] = hint
    hinted = [p for p in corpus if p.name in hints]
    rates = _rates(
        {
            "ours, full extraction": lambda p: extract_document(p.body),
            "trafilatura.extract": lambda p: trafilatura.extract(p.body),
            # trafilatura also reading title, author and date, as our full extraction does
            "trafilatura.extract(with_metadata)": lambda p: trafilatura.extract(
                p.body, with_metadata=True
            ),
        },
        corpus,
    )
    fast = _rates(
        {
            "full": lambda p: extract_document(p.body),
            "fast": lambda p: unchanged(p.body, None, hints[p.name]),
        },
        hinted,
    )
    confirmed = sum(unchanged(p.body, None, hints[p.name]) for p in hinted)
    full = rates["ours, full extraction"]
    rows = [[name, len(corpus), rate, rate / full] for name, rate in rates.items()]
    rows.append(
        ["ours, fast path (unchanged)", len(hinted), fast["fast"], fast["fast"] / fast["full"]]
    )
    _table("Speed (pages per CPU second; ratio to ours)", ["path", "pages", "pages/s", "×"], rows)
    print(f"\nfast path: hints for {len(hinted)}/{len(corpus)} pages, confirmed {confirmed}")
    print("(the fast path's ratio is to our full extraction on the same hinted pages)")


# trafilatura's bare loop, as someone would run it over files: a process of its own.
_BARE_LOOP = """
import sys, trafilatura
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        trafilatura.extract(f.read(){options})
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def part_process(corpus: list[Page], rounds: int = 3) -> None:
    """CPU and wall of whole processes over all pages (start-up included), taking turns."""
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for number, page in enumerate(corpus):
            path = Path(tmp) / f"{number:04d}.html"
            path.write_bytes(page.body)
            files.append(str(path))
        commands = {
            "scrubwatch extract --json": [str(bin_dir / "scrubwatch"), "extract", "--json"],
            "trafilatura bare loop": [
                sys.executable, "-c", _BARE_LOOP.format(options="")
            ],
            "trafilatura bare loop, with_metadata": [
                sys.executable, "-c", _BARE_LOOP.format(options=", with_metadata=True")
            ],
        }  # fmt: skip
        spent: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for _ in range(rounds):
            for name, command in commands.items():
                cpu, wall = _children_cpu(), time.perf_counter()
                subprocess.run([*command, *files], stdout=subprocess.DEVNULL, check=False)
                spent[name].append((_children_cpu() - cpu, time.perf_counter() - wall))
    ours = statistics.median(c for c, _ in spent["scrubwatch extract --json"])
    rows = []
    for name, runs in spent.items():
        cpu = statistics.median(c for c, _ in runs)
        wall = statistics.median(w for _, w in runs)
        rows.append([name, len(corpus), cpu, wall, len(corpus) / cpu, cpu / ours])
    header = ["process", "pages", "CPU s", "wall s", "pages per CPU s", "CPU ×ours"]
    _table(f"Whole processes (median of {rounds}, taking turns)", header, rows)


PARTS = {
    "f1": part_f1,
    "meta": part_meta,
    "stability": part_stability,
    "speed": part_speed,
    "process": part_process,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default=",".join(PARTS), help="comma-separated parts")
    parser.add_argument("--limit", type=int, default=None, help="at most N pages per folder")
    parser.add_argument("--folders", default=",".join(FOLDERS), help="comma-separated folders")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"no evaluation data at {DATA}")
    logging.disable(logging.WARNING)
    corpus = pages(tuple(args.folders.split(",")), args.limit)
    print(f"{len(corpus)} pages from {DATA}")
    for name in args.parts.split(","):
        started = time.perf_counter()
        PARTS[name](corpus)
        print(f"\n({name}: {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
