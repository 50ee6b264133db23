"""A year of watching: the store, the web UI, the API and the scheduler on a big database.

Generates a store the way a year of watching 50 outlets fills it (at `--scale 1`: 1,000,000
articles, 10,000,000 captures, 2,000,000 versions, 200,000 changes; WARC references without
the bytes), written straight into the tables with the pipeline's own row shapes, then
measures p50 and p95 of what people and the scheduler ask of it:
- web pages: the changes list (unfiltered, by outlet, by kind, by day, a deep page), an
  article page, text search, removed-text search, outlets;
- `/api/changes`, `changes --json` (the CLI's query and serialisation, in process);
- the scheduler's per-pass overhead: reading the due articles of a pass (1,000 due).
Also bytes per capture and per version in the database.

Usage: .venv/bin/python bench/bench_scale.py [--scale 0.1] [--db URL] [--repeat 20]
(default: a SQLite file in a temporary directory; `--db postgresql+psycopg://...` for
PostgreSQL, where the schema `bench_scale` is dropped and made anew).
`--keep DIR` keeps the SQLite store in DIR (and the PostgreSQL schema) and reuses one left
there by an earlier run, migrated to the current schema, so a fix can be measured before
and after on the same data without generating it again; `--only TEXT` measures only the
calls whose name contains TEXT.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from scrubwatch.compare import compare_documents
from scrubwatch.config import Settings
from scrubwatch.model import ArticleState, ChangeKind, Document
from scrubwatch.serialize import change_to_json, diff_to_dict
from scrubwatch.store import SqlStore, open_store
from scrubwatch.store import schema as t
from scrubwatch.web import create_app

START = datetime(2025, 12, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
_SYLLABLES = ("ba", "ko", "ri", "san", "tel", "mo", "vek", "ul", "dar", "ni", "pro", "sta")
# A vocabulary of 20,000 words used with Zipf's law, as in real text: a search for two
# ordinary words matches hundreds of versions, not all of them.
VOCABULARY = ["".join(w) for w in itertools.product(_SYLLABLES, repeat=4)][:20_000]
WEIGHTS = list(itertools.accumulate(1 / rank for rank in range(1, len(VOCABULARY) + 1)))
SEARCHED = f"{VOCABULARY[300]} {VOCABULARY[900]}"  # two mid-frequency words
SCRUBBED = "Officials confirmed that Chinese companies would build the Zangezur corridor."
BATCH = 20_000


def _sentence(rng: random.Random) -> str:
    words = rng.choices(VOCABULARY, cum_weights=WEIGHTS, k=rng.randint(12, 24))
    return " ".join(words).capitalize() + "."


def _document(rng: random.Random, number: int, *, scrubbed_later: bool = False) -> Document:
    paragraphs = tuple(
        " ".join(_sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(5, 9))
    )
    if scrubbed_later or rng.random() < 0.005:  # the story some outlets scrub
        paragraphs = (*paragraphs[:-1], SCRUBBED)
    title = f"Report {number}: " + " ".join(rng.choices(VOCABULARY, cum_weights=WEIGHTS, k=6))
    return Document(title=title, byline="Staff reporter", language="en", paragraphs=paragraphs)


class Generator:
    """Rows for a year of watching, written in batches with the pipeline's row shapes."""

    def __init__(self, store: SqlStore, scale: float, seed: int = 7) -> None:
        self.store = store
        self.rng = random.Random(seed)
        self.articles = int(1_000_000 * scale)
        self.outlets = 50
        edited_doc = _document(self.rng, 0)
        scrubbed = replace(edited_doc, paragraphs=edited_doc.paragraphs[:-2])
        self.diff = diff_to_dict(compare_documents(edited_doc, scrubbed))

    def run(self) -> dict[str, int]:
        counts = {"outlets": 0, "articles": 0, "captures": 0, "versions": 0, "changes": 0}
        with self.store.engine.begin() as conn:
            conn.execute(t.outlets.insert(), list(self._outlets()))
        counts["outlets"] = self.outlets
        for start in range(0, self.articles, BATCH):
            rows = self._batch(start, min(start + BATCH, self.articles))
            with self.store.engine.begin() as conn:
                for table, batch in rows.items():
                    if batch:
                        conn.execute(table.insert(), batch)
                        counts[table.name] += len(batch)
        return counts

    def _outlets(self) -> Iterator[dict[str, Any]]:
        for n in range(1, self.outlets + 1):
            yield {
                "id": n,
                "host": f"outlet{n}.example",
                "homepage": f"https://outlet{n}.example/",
                "feeds": [f"https://outlet{n}.example/rss.xml"],
                "sitemaps": [],
                "added_at": START,
                "web_added": False,
            }

    def _batch(self, first: int, end: int) -> dict[Any, list[dict[str, Any]]]:
        """Articles first..end-1 with their captures, versions and changes: 10 captures,
        2 versions and 0.2 changes an article on average."""
        rows: dict[Any, list[dict[str, Any]]] = {
            t.articles: [],
            t.captures: [],
            t.versions: [],
            t.changes: [],
        }
        rng = self.rng
        for number in range(first, end):
            article_id = number + 1
            added = START + YEAR * (number / self.articles)
            age = START + YEAR - added
            due = added + timedelta(days=60) > START + YEAR  # young: still scheduled
            change = rng.random() < 0.2
            deleted = change and rng.random() < 0.3
            edited = change and not deleted
            versions = 1 + (edited or rng.random() < 0.7) + (rng.random() < 0.3)
            rows[t.articles].append(
                {
                    "id": article_id,
                    "outlet_id": article_id % self.outlets + 1,
                    "url": f"https://outlet{article_id % self.outlets + 1}.example/news/{number}",
                    "source": "feed",
                    "state": (ArticleState.GONE if deleted else ArticleState.LIVE).value,
                    "added_at": added,
                    "last_checked_at": added + min(age, timedelta(days=60)),
                    "next_check_at": added + timedelta(hours=rng.randint(1, 24 * 60))
                    if due
                    else None,
                    "last_change_at": added + timedelta(hours=5) if change else None,
                    "latest_version": versions,
                    "consecutive_failures": 0,
                    "check_count": 10,
                    "fast_hint": None,
                }
            )
            self._captures_and_versions(rows, article_id, number, added, versions, edited)
            if change:
                rows[t.changes].append(self._change(article_id, added, versions, deleted))
        return rows

    def _captures_and_versions(
        self,
        rows: dict[Any, list[dict[str, Any]]],
        article_id: int,
        number: int,
        added: datetime,
        versions: int,
        edited: bool,
    ) -> None:
        rng = self.rng
        document = _document(rng, number, scrubbed_later=edited)
        url = rows[t.articles][-1]["url"]
        for k in range(10):
            at = added + timedelta(hours=k * k + 1)
            sha = f"{rng.getrandbits(256):064x}"
            rows[t.captures].append(
                {
                    "article_id": article_id,
                    "fetched_at": at,
                    "url": url,
                    "outcome": "new_version" if k < versions else "unchanged",
                    "final_url": url,
                    "status": 200,
                    "redirects": [],
                    "headers": [["content-type", "text/html; charset=utf-8"], ["etag", sha[:16]]],
                    "body_sha256": sha,
                    "body_size": 180_000,
                    "warc_file": f"scrubwatch-{at:%Y%m%d}.warc.gz",
                    "warc_offset": rng.randrange(10**9),
                    "warc_length": 40_000,
                    "error": None,
                    "version": min(k + 1, versions),
                    "idempotency_key": None,
                }
            )
        for v in range(1, versions + 1):
            if v > 1:
                document = replace(document, paragraphs=(*document.paragraphs[:-1], _sentence(rng)))
            rows[t.versions].append(
                {
                    "article_id": article_id,
                    "number": v,
                    "first_seen": added + timedelta(hours=(v - 1) ** 2 + 1),
                    "capture_id": None,
                    "fingerprint": document.fingerprint(),
                    "title": document.title,
                    "byline": document.byline,
                    "published": f"{added:%Y-%m-%d}",
                    "updated": None,
                    "language": "en",
                    "canonical_url": None,
                    "paragraphs": list(document.paragraphs),
                }
            )

    def _change(
        self, article_id: int, added: datetime, versions: int, deleted: bool
    ) -> dict[str, Any]:
        kind = ChangeKind.DELETED if deleted else ChangeKind.EDITED
        return {
            "article_id": article_id,
            "capture_id": None,
            "detected_at": added + timedelta(hours=5),
            "kind": kind.value,
            "severity": None if deleted else "substantive",
            "deletion": "http_404" if deleted else None,
            "from_version": versions - 1 if not deleted else versions,
            "to_version": None if deleted else versions,
            "redirect_to": None,
            "summary": "Article deleted (HTTP 404)"
            if deleted
            else "no longer mentions 'Zangezur corridor'; 2 sentences removed",
            "details": {} if deleted else self.diff,
        }


def _timed(call: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds (one warm-up call first). p95 by nearest rank: the 19th
    of 20 calls (until session 8 this took the 20th, the slowest, so one call delayed by
    another process on the shared cores set the figure)."""
    call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[math.ceil(0.95 * len(times)) - 1]


def _size(store: SqlStore) -> dict[str, int]:
    """Bytes on disk per table (indexes included where the database says so)."""
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "postgresql":
            return {
                name: int(
                    conn.execute(text(f"SELECT pg_total_relation_size('{name}')")).scalar() or 0
                )
                for name in ("captures", "versions", "changes", "articles")
            }
        rows = conn.execute(text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")).all()
    return {str(name): int(size) for name, size in rows}


def measure(store: SqlStore, settings: Settings, repeat: int, only: str = "") -> None:
    app = create_app(settings, store=store)
    transport = httpx.ASGITransport(app=app)

    def page(url: str) -> Callable[[], Any]:
        async def get() -> None:
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
                response = await c.get(url)
                assert response.status_code == 200, (url, response.status_code)

        return lambda: asyncio.run(get())

    with store.engine.connect() as conn:
        changed = conn.execute(
            text("SELECT article_id FROM changes ORDER BY id DESC LIMIT 1")
        ).scalar()
        day = conn.execute(text("SELECT MAX(detected_at) FROM changes")).scalar()
    day_text = str(day)[:10]
    cases: dict[str, Callable[[], Any]] = {
        "web: changes list": page("/"),
        "web: changes, one outlet": page("/?outlet=outlet7.example"),
        "web: changes, deletions": page("/?kind=deleted"),
        "web: changes, one day": page(f"/?day={day_text}"),
        "web: changes, page 50": page("/?page=50"),
        "web: changes, term": page("/?term=Zangezur"),
        "web: article page": page(f"/articles/{changed}"),
        "web: search": page(f"/search?q={SEARCHED.replace(' ', '+')}"),
        "web: removed-text search": page("/search?q=Zangezur+corridor&mode=removed"),
        "web: outlets": page("/outlets"),
        "api: /api/changes": page("/api/changes"),
        "api: /api/changes?since": page(f"/api/changes?since={day_text}T00:00:00Z"),
        "cli: changes --json --limit 100 (query + JSON)": lambda: [
            change_to_json(c) for c in store.changes(limit=100)
        ],
        "scheduler: due articles of a pass": lambda: store.articles(
            due_at=START + YEAR - timedelta(days=59, hours=12)
        ),
    }
    print("| what | p50 ms | p95 ms |")
    print("|---|---:|---:|")
    for name, call in cases.items():
        if only not in name:
            continue
        p50, p95 = _timed(call, repeat)
        print(f"| {name} | {p50:.1f} | {p95:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="1 = a year of 50 outlets")
    parser.add_argument("--db", help="database URL (default: SQLite in a temporary directory)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="keep the store here and reuse it later")
    parser.add_argument("--only", default="", help="measure only calls whose name has this")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.keep or Path(tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        marker = data_dir / ("generated-pg" if args.db else "generated")
        reuse = args.keep is not None and marker.exists()
        db = _bench_db(args.db, fresh=not reuse)
        settings = Settings(data_dir=data_dir, db=db)
        store = open_store(settings)
        if reuse:
            print(f"reusing the store of {marker.read_text().strip()}")
            counts = _counts(store)
        else:
            counts = _generate(store, args.scale)
            marker.write_text(f"scale {args.scale}\n")
        _report_sizes(store, counts)
        measure(store, settings, args.repeat, args.only)
        store.close()


def _bench_db(db: str | None, *, fresh: bool) -> str | None:
    """The database URL to use: on PostgreSQL a schema of its own (made anew if `fresh`)."""
    if not db or not db.startswith("postgresql"):
        return db
    from sqlalchemy import create_engine

    with create_engine(db).begin() as conn:
        if fresh:
            conn.execute(text("DROP SCHEMA IF EXISTS bench_scale CASCADE"))
        conn.execute(text("CREATE SCHEMA IF NOT EXISTS bench_scale"))
    return db + ("&" if "?" in db else "?") + "options=-csearch_path%3Dbench_scale"


def _generate(store: SqlStore, scale: float) -> dict[str, int]:
    started = time.perf_counter()
    counts = Generator(store, scale).run()
    _analyze(store)
    print(f"generated {counts} in {time.perf_counter() - started:.0f} s")
    return counts


def _analyze(store: SqlStore) -> None:
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with store.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def _counts(store: SqlStore) -> dict[str, int]:
    names = ("outlets", "articles", "captures", "versions", "changes")
    with store.engine.connect() as conn:
        return {
            n: int(conn.execute(text(f"SELECT COUNT(*) FROM {n}")).scalar() or 0) for n in names
        }


def _report_sizes(store: SqlStore, counts: dict[str, int]) -> None:
    sizes = _size(store)
    captures = sizes.get("captures", 0) + sizes.get("ix_captures_article_id", 0)
    versions = sum(v for k, v in sizes.items() if k.startswith(("versions", "uq_versions")))
    print(
        f"bytes per capture {captures / max(counts['captures'], 1):.0f}, "
        f"per version (with its search index) {versions / max(counts['versions'], 1):.0f}, "
        f"database {sum(sizes.values()) / 1e9:.2f} GB"
    )


if __name__ == "__main__":
    main()
