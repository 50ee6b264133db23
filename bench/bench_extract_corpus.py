"""The evaluation pages of `../shared/data` with their gold text, for `bench_extract.py`.

Kept apart from the benchmark so the loading rules (which file pairs with which gold, how a
gold file becomes plain text) can be read in one place. Nothing here is copied into the
project: the pages are read in place and only figures leave this module.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html

DATA = Path(
    os.environ.get("SCRUBWATCH_BENCH_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
FOLDERS = ("cleanportaleval", "readability-testpages", "newspaper4k-tests")
_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f\u1000-\u109f]")


@dataclass(frozen=True)
class Page:
    """One evaluation page: its raw bytes, its gold text and where it came from."""

    folder: str
    name: str
    body: bytes
    gold: str
    metadata: dict[str, object] | None = None


def _strip_tags(fragment: str) -> str:
    if not fragment.strip():
        return ""
    root = lxml.html.fromstring(fragment)
    for block in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "br", "tr", "blockquote"):
        block.tail = "\n" + (block.tail or "")
    return str(root.text_content())


def _cleanportaleval() -> Iterator[Page]:
    folder = DATA / "cleanportaleval"
    for gold in sorted((folder / "gold").glob("*.txt")):
        page = folder / "input" / (gold.stem + ".html")
        if not page.exists():
            continue
        lines = gold.read_text(encoding="utf-8", errors="replace").splitlines()
        text = "\n".join(line for line in lines if not line.startswith("URL:"))
        text = re.sub(r"<(?:h|p|l)>", "\n", text)
        yield Page("cleanportaleval", gold.stem, page.read_bytes(), text.replace("&#039;", "'"))


def _readability() -> Iterator[Page]:
    folder = DATA / "readability-testpages"
    for gold in sorted((folder / "gold").glob("*.txt")):
        page = folder / "input" / (gold.stem + ".html")
        if page.exists():
            fragment = gold.read_text(encoding="utf-8", errors="replace")
            yield Page("readability-testpages", gold.stem, page.read_bytes(), _strip_tags(fragment))


def _newspaper() -> Iterator[Page]:
    for era in ("current", "legacy"):
        folder = DATA / "newspaper4k-tests" / era
        for html in sorted((folder / "html").glob("*.html")):
            gold = folder / "txt" / (html.stem + ".txt")
            if not gold.exists():
                continue
            meta_path = folder / "metadata" / (html.stem + ".json")
            meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else None
            text = gold.read_text(encoding="utf-8", errors="replace")
            yield Page("newspaper4k-tests", f"{era}/{html.stem}", html.read_bytes(), text, meta)


def pages(folders: tuple[str, ...] = FOLDERS, limit: int | None = None) -> list[Page]:
    """The evaluation pages of the chosen folders (at most `limit` per folder)."""
    loaders = {
        "cleanportaleval": _cleanportaleval,
        "readability-testpages": _readability,
        "newspaper4k-tests": _newspaper,
    }
    found: list[Page] = []
    for folder in folders:
        found += list(loaders[folder]())[:limit]
    return found


def tokens(text: str) -> list[str]:
    """Word tokens after whitespace normalisation; CJK, Thai and Burmese count per character.

    Those scripts do not put spaces between words, so a whitespace split would make each
    sentence one token and F1 meaningless; per-character tokens score them fairly.
    """
    found: list[str] = []
    for word in _WORD.findall(" ".join(text.split()).casefold()):
        found += _CJK.findall(word) if _CJK.search(word) else [word]
    return found


def prf(extracted: str, gold: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the extracted token bag against the gold token bag."""
    from collections import Counter

    got, want = Counter(tokens(extracted)), Counter(tokens(gold))
    overlap = sum((got & want).values())
    if not got and not want:
        return 1.0, 1.0, 1.0
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
