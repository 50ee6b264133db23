"""Quality gate: extraction and change detection measured on real third-party pages.

The pages live beside the repository in ../shared/data (not shipped with it), so on a
machine without them these tests skip with the reason; under CI=true they must run, and a
regression below the pinned floors fails CI. The floors are the figures recorded in
bench/RESULTS.md, less a small margin where the figure is a mean.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
HISTORIES = DATA / "real-histories"

# bench/eval_real_histories.py on the 48 documents: 138 chrome-only steps, 37 visible edits.
MAX_FALSE_ALARMS = 0  # of the chrome-only steps (the target is at most 0.5%: none)
MAX_MISSES = 1  # of the visible text edits (the one left changes only an apostrophe's shape)
# bench/bench_extract.py --parts f1: mean word-token F1 over the 355 gold pages (0.867).
MIN_EXTRACTION_F1 = 0.86


def _require(path: Path) -> None:
    if path.is_dir():
        return
    reason = f"evaluation data not found at {path} (it lives beside the repository)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.mark.timeout(900)
def test_real_page_histories_raise_no_false_alarm_and_miss_no_edit() -> None:
    _require(HISTORIES)
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "eval_real_histories.py"), "--json"],
        capture_output=True,
        text=True,
        timeout=850,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    figures = json.loads(run.stdout)
    outcomes = figures["outcomes"]
    false_alarms = [o for o in outcomes if o["step"]["label"] == "chrome" and o["change"]]
    misses = [o for o in outcomes if o["step"]["label"] == "text" and not o["change"]]
    assert figures["crashes"] == 0
    assert figures["counts"]["chrome"] >= 130 and figures["counts"]["text"] >= 35
    assert len(false_alarms) <= MAX_FALSE_ALARMS, json.dumps(false_alarms, indent=1)
    assert len(misses) <= MAX_MISSES, json.dumps(misses, indent=1)


@pytest.mark.timeout(900)
@pytest.mark.filterwarnings("ignore:tzname")  # dateutil on old pages; extraction goes on
def test_extraction_f1_on_gold_pages_holds() -> None:
    _require(DATA)
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from bench_extract_corpus import pages, prf  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from scrubwatch.extract.document import extract_document

    corpus = pages()
    assert len(corpus) >= 350
    scores = [prf(extract_document(page.body).text, page.gold)[2] for page in corpus]
    assert sum(scores) / len(scores) >= MIN_EXTRACTION_F1
