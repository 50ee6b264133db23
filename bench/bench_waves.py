"""Scrub waves at scale: 10,000 articles over 50 outlets, then 500 changes, waves updated.

Builds a store (a SQLite file by default, or `--db URL`) with synthetic stories: each story
is carried by several outlets (agency copy with a new lead and a paragraph cut), each article
one version. Then it records 500 removals in one go, as a busy pass would leave them: some
stories deleted by three to five outlets within hours (waves), the rest unrelated deletions
and edits at the same time. It times:

  index    filing the 10,000 current versions in the story index (happens once per version,
           spread over the passes that first saw them)
  update   `update_waves` after the 500 changes: sign them, regroup, find who still publishes
  list     reading the waves back as `waves --json` does

Usage: .venv/bin/python bench/bench_waves.py [--db URL] [--articles N] [--changes N]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select, text, update

from scrubwatch.config import Settings
from scrubwatch.model import ArticleState
from scrubwatch.pipeline.waves import update_waves
from scrubwatch.store import SqlStore
from scrubwatch.store import schema as t

T0 = datetime(2026, 4, 22, 6, 0, tzinfo=UTC)
OUTLETS = 50
PER_STORY = 5  # outlets carrying each story


def _vocabulary(rng: random.Random, size: int, capital: bool = False) -> list[str]:
    syllables = ["ka", "lo", "mi", "ran", "te", "sul", "vo", "nik", "dar", "be", "zu", "gor"]
    words = set()
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        words.add(word.capitalize() if capital else word)
    return sorted(words)


def _story(rng: random.Random, words: list[str], names: list[str]) -> list[str]:
    """Five paragraphs of two sentences, with the story's own names and figures."""
    cast = rng.sample(names, 4)
    paragraphs = []
    for _ in range(5):
        sentences = []
        for _ in range(2):
            body = " ".join(rng.choice(words) for _ in range(rng.randint(10, 16)))
            figure = f"{rng.randint(2, 990)}.{rng.randint(1, 9)}"
            sentences.append(f"{body} {rng.choice(cast)} {rng.choice(cast)} said {figure}.")
        paragraphs.append(" ".join(s[0].upper() + s[1:] for s in sentences))
    return paragraphs


def _copy(rng: random.Random, paragraphs: list[str], words: list[str]) -> list[str]:
    """Agency copy as one outlet runs it: its own lead, one paragraph cut."""
    lead = " ".join(rng.choice(words) for _ in range(14)).capitalize() + "."
    kept = list(paragraphs)
    kept.pop(rng.randrange(len(kept)))
    return [lead, *kept]


def populate(store: SqlStore, articles: int, rng: random.Random) -> dict[int, list[int]]:
    """Outlets, articles and one version each; returns article ids by story."""
    words, names = _vocabulary(rng, 3000), _vocabulary(rng, 1500, capital=True)
    by_story: dict[int, list[int]] = {}
    with store.engine.begin() as conn:
        for n in range(OUTLETS):
            conn.execute(
                insert(t.outlets).values(
                    id=n + 1, host=f"outlet{n}.example", feeds=[], sitemaps=[], added_at=T0
                )
            )
        article_rows: list[dict[str, Any]] = []
        version_rows: list[dict[str, Any]] = []
        for story in range(articles // PER_STORY):
            text = _story(rng, words, names)
            for outlet in rng.sample(range(OUTLETS), PER_STORY):
                article_id = len(article_rows) + 1
                by_story.setdefault(story, []).append(article_id)
                article_rows.append(_article_row(article_id, outlet, story))
                version_rows.append(
                    _version_row(article_id, f"Story {story}", _copy(rng, text, words))
                )
        conn.execute(insert(t.articles), article_rows)
        conn.execute(insert(t.versions), version_rows)
    return by_story


def _article_row(article_id: int, outlet: int, story: int) -> dict[str, Any]:
    return {
        "id": article_id,
        "outlet_id": outlet + 1,
        "url": f"https://outlet{outlet}.example/news/{story}-{article_id}",
        "source": "feed",
        "state": ArticleState.LIVE.value,
        "added_at": T0 - timedelta(days=1),
        "latest_version": 1,
        "consecutive_failures": 0,
        "check_count": 1,
    }


def _version_row(article_id: int, title: str, paragraphs: list[str]) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "number": 1,
        "first_seen": T0 - timedelta(days=1),
        "fingerprint": f"{article_id:064d}",
        "title": title,
        "paragraphs": paragraphs,
    }


def record_changes(
    store: SqlStore, by_story: dict[int, list[int]], count: int, rng: random.Random
) -> tuple[int, int]:
    """`count` deletions: 60 % as waves (3-5 outlets of one story), the rest lone ones.

    Returns how many waves were planted and how many of their stories' articles stay up.
    """
    stories = list(by_story)
    rng.shuffle(stories)
    chosen: list[int] = []
    waves = kept = 0
    while len(chosen) < count * 0.6:
        members = by_story[stories.pop()][: rng.randint(3, 5)]
        chosen += members
        waves += 1
        kept += PER_STORY - len(members)
    while len(chosen) < count:
        chosen.append(rng.choice(by_story[stories.pop()]))
    rows = [
        {
            "article_id": article_id,
            "detected_at": T0 + timedelta(minutes=rng.randint(0, 12 * 60)),
            "kind": "deleted",
            "deletion": "http_404",
            "from_version": 1,
            "summary": "Article deleted (HTTP 404)",
            "details": {},
        }
        for article_id in chosen[:count]
    ]
    with store.engine.begin() as conn:
        conn.execute(insert(t.changes), rows)
        gone = [r["article_id"] for r in rows]
        conn.execute(
            update(t.articles)
            .where(t.articles.c.id.in_(gone))
            .values(state=ArticleState.GONE.value)
        )
    return waves, kept


@contextmanager
def database(url: str | None, tmp: str) -> Iterator[str]:
    """A fresh SQLite file, or a new schema (dropped afterwards) in the PostgreSQL at `url`."""
    if url is None or not url.startswith("postgresql"):
        yield url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    schema = f"bench_waves_{uuid.uuid4().hex[:10]}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", help="SQLAlchemy URL (default: a fresh SQLite file; PostgreSQL: a new schema)"
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp, database(args.db, tmp) as url:
        store = SqlStore.open(url)
        settings = Settings(data_dir=Path(tmp))
        by_story = populate(store, args.articles, rng)
        started = time.perf_counter()
        indexed = update_waves(store, settings, T0).indexed
        index_s = time.perf_counter() - started
        planted, kept = record_changes(store, by_story, args.changes, rng)
        started = time.perf_counter()
        report = update_waves(store, settings, T0 + timedelta(hours=13))
        update_s = time.perf_counter() - started
        started = time.perf_counter()
        found = store.wave_list(limit=1000)
        list_s = time.perf_counter() - started
        with store.engine.connect() as conn:
            total = len(conn.execute(select(t.articles.c.id)).all())
        store.close()
    right = sum(1 for w in found if len(w.outlets) >= 3)
    print(f"articles {total}, outlets {OUTLETS}, changes {report.signed}")
    print(f"index    {indexed} versions in {index_s:.2f} s")
    print(f"update   {report.signed} removals -> {len(found)} waves in {update_s:.3f} s")
    print(f"list     {len(found)} waves read back in {list_s:.3f} s")
    print(f"planted  {planted} waves of 3-5 outlets; found {right} with 3 or more outlets")
    still = sum(len(w.still_published) for w in found)
    print(f"kept     {kept} articles of those stories stay up; {still} listed still published")


if __name__ == "__main__":
    main()
