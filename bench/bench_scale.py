"""A year of watching: the store, the web UI, the API and the scheduler on a big database.

Generates a store the way a year of watching 50 outlets fills it (at `--scale 1`: 1,000,000
articles, 10,000,000 captures, 2,000,000 versions, 200,000 changes; WARC references without
the bytes), written straight into the tables with the pipeline's own row shapes, then
measures p50 and p95 of what people and the scheduler ask of it:
- web pages: the changes list (unfiltered, by outlet, by kind, by day, a deep page, by a
  common and by a rare term), an article page, text search, removed-text search, outlets;
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
import json
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
from bench_scale_load import VOCABULARY, Loader, Words
from sqlalchemy import text

from scrubwatch.compare import compare_documents
from scrubwatch.config import Settings
from scrubwatch.model import ArticleState, ChangeKind, Document
from scrubwatch.serialize import change_to_json, diff_to_dict
from scrubwatch.store import SqlStore, open_store
from scrubwatch.store import schema as t
from scrubwatch.store.records import ChangeFilter, PageKey
from scrubwatch.web import create_app
from scrubwatch.web.deps import PAGE_SIZE
from scrubwatch.web.paging import key_token

START = datetime(2025, 12, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
SEARCHED = f"{VOCABULARY[300]} {VOCABULARY[900]}"  # two mid-frequency words
REMOVED = "Zangezur corridor"  # the scrubbed story's phrase
SCRUBBED = "Officials confirmed that Chinese companies would build the Zangezur corridor."
BATCH = 20_000
_START = START.replace(tzinfo=None)  # rows hold naive UTC, as the store keeps it
ARTICLE_COLUMNS = (
    "id",
    "outlet_id",
    "url",
    "source",
    "state",
    "added_at",
    "last_checked_at",
    "next_check_at",
    "last_change_at",
    "latest_version",
    "consecutive_failures",
    "check_count",
    "fast_hint",
)
CAPTURE_COLUMNS = (
    "article_id",
    "fetched_at",
    "url",
    "outcome",
    "final_url",
    "status",
    "redirects",
    "headers",
    "body_sha256",
    "body_size",
    "warc_file",
    "warc_offset",
    "warc_length",
    "error",
    "version",
    "idempotency_key",
)
VERSION_COLUMNS = (
    "article_id",
    "number",
    "first_seen",
    "capture_id",
    "fingerprint",
    "title",
    "byline",
    "published",
    "updated",
    "language",
    "canonical_url",
    "paragraphs",
)
CHANGE_COLUMNS = (
    "article_id",
    "capture_id",
    "detected_at",
    "kind",
    "severity",
    "deletion",
    "from_version",
    "to_version",
    "redirect_to",
    "summary",
    "details",
)
COLUMNS = {
    "articles": ARTICLE_COLUMNS,
    "captures": CAPTURE_COLUMNS,
    "versions": VERSION_COLUMNS,
    "changes": CHANGE_COLUMNS,
}
Rows = dict[str, list[tuple[Any, ...]]]


def _sentence(rng: random.Random, words: Words) -> str:
    return " ".join(words.take(rng.randint(12, 24))).capitalize() + "."


def _document(
    rng: random.Random, words: Words, number: int, *, scrubbed_later: bool = False
) -> Document:
    paragraphs = tuple(
        " ".join(_sentence(rng, words) for _ in range(rng.randint(2, 4)))
        for _ in range(rng.randint(5, 9))
    )
    if scrubbed_later or rng.random() < 0.005:  # the story some outlets scrub
        paragraphs = (*paragraphs[:-1], SCRUBBED)
    title = f"Report {number}: " + " ".join(words.take(6))
    return Document(title=title, byline="Staff reporter", language="en", paragraphs=paragraphs)


class Generator:
    """Rows for a year of watching, written in batches with the pipeline's row shapes (the
    values as SQLAlchemy would store them: naive UTC times, JSON as text), through
    `bench_scale_load.Loader`."""

    def __init__(self, store: SqlStore, scale: float, seed: int = 7) -> None:
        self.store = store
        self.rng = random.Random(seed)
        self.words = Words(seed)
        self.articles = int(1_000_000 * scale)
        self.outlets = 50
        edited_doc = _document(self.rng, self.words, 0)
        scrubbed = replace(edited_doc, paragraphs=edited_doc.paragraphs[:-2])
        self.diff = json.dumps(diff_to_dict(compare_documents(edited_doc, scrubbed)))
        sqlite = store.engine.dialect.name == "sqlite"
        # SQLAlchemy's SQLite DATETIME text; PostgreSQL takes the datetime itself.
        self.when: Callable[[datetime], Any] = (
            (lambda at: at.isoformat(" ", "microseconds")) if sqlite else (lambda at: at)
        )

    def run(self) -> dict[str, int]:
        counts = {"outlets": 0, "articles": 0, "captures": 0, "versions": 0, "changes": 0}
        with self.store.engine.begin() as conn:
            conn.execute(t.outlets.insert(), list(self._outlets()))
        counts["outlets"] = self.outlets
        loader = Loader(self.store.engine)
        try:
            with loader.indexes_dropped():
                for start in range(0, self.articles, BATCH):
                    rows = self._batch(start, min(start + BATCH, self.articles))
                    for table, batch in rows.items():
                        loader.write(table, COLUMNS[table], batch)
                        counts[table] += len(batch)
                    loader.commit()
        finally:
            loader.close()
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

    def _batch(self, first: int, end: int) -> Rows:
        """Articles first..end-1 with their captures, versions and changes: 10 captures,
        2 versions and 0.2 changes an article on average."""
        rows: Rows = {name: [] for name in COLUMNS}
        rng = self.rng
        when = self.when
        for number in range(first, end):
            article_id = number + 1
            outlet = article_id % self.outlets + 1
            added = _START + YEAR * (number / self.articles)
            age = _START + YEAR - added
            due = added + timedelta(days=60) > _START + YEAR  # young: still scheduled
            change = rng.random() < 0.2
            deleted = change and rng.random() < 0.3
            edited = change and not deleted
            versions = 1 + (edited or rng.random() < 0.7) + (rng.random() < 0.3)
            url = f"https://outlet{outlet}.example/news/{number}"
            rows["articles"].append(
                (
                    article_id,
                    outlet,
                    url,
                    "feed",
                    (ArticleState.GONE if deleted else ArticleState.LIVE).value,
                    when(added),
                    when(added + min(age, timedelta(days=60))),
                    when(added + timedelta(hours=rng.randint(1, 24 * 60))) if due else None,
                    when(added + timedelta(hours=5)) if change else None,
                    versions,
                    0,
                    10,
                    "null",
                )
            )
            self._captures(rows, article_id, url, added, versions)
            self._versions(rows, article_id, number, added, versions, edited)
            if change:
                rows["changes"].append(self._change(article_id, added, versions, deleted))
        return rows

    def _captures(
        self, rows: Rows, article_id: int, url: str, added: datetime, versions: int
    ) -> None:
        rng = self.rng
        for k in range(10):
            at = added + timedelta(hours=k * k + 1)
            sha = f"{rng.getrandbits(256):064x}"
            rows["captures"].append(
                (
                    article_id,
                    self.when(at),
                    url,
                    "new_version" if k < versions else "unchanged",
                    url,
                    200,
                    "[]",
                    f'[["content-type", "text/html; charset=utf-8"], ["etag", "{sha[:16]}"]]',
                    sha,
                    180_000,
                    f"scrubwatch-{at:%Y%m%d}.warc.gz",
                    rng.randrange(10**9),
                    40_000,
                    None,
                    min(k + 1, versions),
                    None,
                )
            )

    def _versions(
        self,
        rows: Rows,
        article_id: int,
        number: int,
        added: datetime,
        versions: int,
        edited: bool,
    ) -> None:
        rng = self.rng
        document = _document(rng, self.words, number, scrubbed_later=edited)
        for v in range(1, versions + 1):
            if v > 1:
                last = _sentence(rng, self.words)
                document = replace(document, paragraphs=(*document.paragraphs[:-1], last))
            rows["versions"].append(
                (
                    article_id,
                    v,
                    self.when(added + timedelta(hours=(v - 1) ** 2 + 1)),
                    None,
                    document.fingerprint(),
                    document.title,
                    document.byline,
                    f"{added:%Y-%m-%d}",
                    None,
                    "en",
                    None,
                    json.dumps(list(document.paragraphs)),
                )
            )

    def _change(
        self, article_id: int, added: datetime, versions: int, deleted: bool
    ) -> tuple[Any, ...]:
        kind = ChangeKind.DELETED if deleted else ChangeKind.EDITED
        return (
            article_id,
            None,
            self.when(added + timedelta(hours=5)),
            kind.value,
            None if deleted else "substantive",
            "http_404" if deleted else None,
            versions - 1 if not deleted else versions,
            None if deleted else versions,
            None,
            "Article deleted (HTTP 404)"
            if deleted
            else "no longer mentions 'Zangezur corridor'; 2 sentences removed",
            "{}" if deleted else self.diff,
        )


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
        # The moment 1,000 articles are due (until session 9 a fixed moment: 4 were due),
        # or all of them in a small store.
        due = conn.execute(
            text(
                "SELECT max(next_check_at) FROM (SELECT next_check_at FROM articles "
                "WHERE next_check_at IS NOT NULL ORDER BY next_check_at LIMIT 1000) AS due"
            )
        ).scalar()
    due_at = (due if isinstance(due, datetime) else datetime.fromisoformat(str(due))).replace(
        tzinfo=UTC
    )
    day_text = str(day)[:10]
    deep_number, deep_key = _deep_key(
        lambda key: store.removed_text(REMOVED, limit=PAGE_SIZE + 1, after=key),
        lambda hit: hit.key,
        pages=50,
    )
    termed = ChangeFilter(term="Zangezur")
    term_number, term_key = _deep_key(
        lambda key: store.change_page(termed, limit=PAGE_SIZE + 1, after=key),
        PageKey.of_change,
        pages=50,
    )
    removed_q = REMOVED.replace(" ", "+")
    # A client syncing every change through the API, half-way down the list.
    half = max(1, _changes_count(store) // 2)
    [halfway] = store.change_page(ChangeFilter(), offset=half - 1, limit=1)
    half_key = key_token(PageKey.of_change(halfway))
    cases: dict[str, Callable[[], Any]] = {
        "web: changes list": page("/"),
        "web: changes, one outlet": page("/?outlet=outlet7.example"),
        "web: changes, deletions": page("/?kind=deleted"),
        "web: changes, one day": page(f"/?day={day_text}"),
        "web: changes, page 50": page("/?page=50"),
        "web: changes, term": page("/?term=Zangezur"),
        "web: changes, rare term": page("/?term=Aliyev"),  # in no change: all are read
        f"web: changes, term, page {term_number} by key": page(f"/?term=Zangezur&after={term_key}"),
        f"web: changes, term, page {term_number} by number": page(
            f"/?term=Zangezur&page={term_number}"
        ),
        "web: article page": page(f"/articles/{changed}"),
        "web: search": page(f"/search?q={SEARCHED.replace(' ', '+')}"),
        "web: removed-text search": page(f"/search?q={removed_q}&mode=removed"),
        # The same list deep down: the web UI's "Next" (by key) against an offset, which
        # the API still takes (and which asks the whole question past the walk's reach).
        f"web: removed-text search, page {deep_number} by key": page(
            f"/search?q={removed_q}&mode=removed&after={deep_key}"
        ),
        f"api: removed-text search, page {deep_number} by offset": page(
            f"/api/search?q={removed_q}&mode=removed&limit={PAGE_SIZE}"
            f"&offset={(deep_number - 1) * PAGE_SIZE}"
        ),
        "web: outlets": page("/outlets"),
        "api: /api/changes": page("/api/changes"),
        "api: /api/changes?since": page(f"/api/changes?since={day_text}T00:00:00Z"),
        f"api: /api/changes, {half:,} down by key": page(f"/api/changes?after={half_key}"),
        f"api: /api/changes, {half:,} down by offset": page(f"/api/changes?offset={half}"),
        "cli: changes --json --limit 100 (query + JSON)": lambda: [
            change_to_json(c) for c in store.changes(limit=100)
        ],
        "scheduler: due articles of a pass": lambda: store.articles(due_at=due_at),
    }
    print("| what | p50 ms | p95 ms |")
    print("|---|---:|---:|")
    for name, call in cases.items():
        if only not in name:
            continue
        p50, p95 = _timed(call, repeat)
        print(f"| {name} | {p50:.1f} | {p95:.1f} |")


def _changes_count(store: SqlStore) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM changes")).scalar() or 0)


def _deep_key(
    page_after: Callable[[PageKey | None], list[Any]],
    key_of: Callable[[Any], PageKey],
    pages: int,
) -> tuple[int, str]:
    """The number of the deepest web page up to `pages` of a list paged by key, and the
    `after=` key that the link to it carries (what the page before it shows last).
    `page_after(key)` gives PAGE_SIZE + 1 rows after `key`, as the web UI asks."""
    number, after = 1, None
    while number < pages:
        rows = page_after(after)
        if len(rows) <= PAGE_SIZE:
            break
        number, after = number + 1, key_of(rows[PAGE_SIZE - 1])
    return number, "" if after is None else key_token(after)


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
