"""What the worst pages cost the comparison: CPU seconds and peak memory per case.

Long articles where every sentence changed are the cases that made sentence pairing cost
tens of seconds and over a gigabyte (every removed sentence weighed against every added
one). Each case runs in a fresh process so its peak memory is its own.

Usage: .venv/bin/python bench/bench_compare_bounds.py [--sizes 500,2500,5000]
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time

from scrubwatch.compare import compare_documents
from scrubwatch.model import Document

WORDS = ("minister", "officials", "talks", "corridor", "railway", "freight", "ports", "cargo")
CASES = ("every figure changed", "every sentence rewritten", "replaced wholesale")


def _article(count: int, seed: int, figure: int = 0, reword: bool = False) -> Document:
    rng = random.Random(seed)
    paragraphs = []
    for n in range(count):
        words = [rng.choice(WORDS) for _ in range(14)]
        if reword:
            words[n % 14] = "reportedly"
        paragraphs.append(" ".join(words).capitalize() + f" with {n * 7 + figure} units.")
    return Document(title="Budget talks", paragraphs=tuple(paragraphs))


def run_case(case: str, size: int) -> None:
    """One case in this process: prints CPU seconds and peak RSS."""
    old = _article(size, 1)
    new = {
        CASES[0]: lambda: _article(size, 1, figure=1),
        CASES[1]: lambda: _article(size, 1, reword=True),
        CASES[2]: lambda: _article(size, 2),
    }[case]()
    started = time.process_time()
    diff = compare_documents(old, new)
    seconds = time.process_time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = diff.summary[-70:] if diff else "no change"
    print(f"| {case} | {size} | {seconds:.2f} | {peak:.0f} | {summary} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,2500,5000", help="sentences per article")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        run_case(args.case, args.size)
        return
    print("| case | sentences | CPU s | peak RSS MB | summary (end) |")
    print("|---|---:|---:|---:|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        for case in CASES:
            command = [sys.executable, __file__, "--case", case, "--size", str(size)]
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
