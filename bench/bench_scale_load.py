"""Bulk loading for bench_scale.py: a year of rows in minutes instead of an hour.

Three things made the full scale (10,000,000 captures) slow, and each has a cheap remedy
that leaves the stored data as it was:
- drawing words one sentence at a time with `random.choices` (a bisect per word in Python):
  `Words` draws a million at a time with numpy from the same Zipf weights;
- SQLAlchemy's per-row bind processing: rows arrive here as tuples with their JSON already
  serialised, and go to SQLite by the driver's `executemany`, to PostgreSQL by `COPY`;
- secondary indexes kept up row by row, the random `body_sha256` keys among them: every
  batch rewrote most of a 700 MB index. They are dropped before the load and built again
  after it (a freshly built index is denser than one grown by a year of inserts: the
  sizes reported are a little smaller than a real store's). Triggers stay: the search
  table, the outlets' counts and the constraints are kept up exactly as in real writes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import Engine

_SYLLABLES = ("ba", "ko", "ri", "san", "tel", "mo", "vek", "ul", "dar", "ni", "pro", "sta")
# A vocabulary of 20,000 words used with Zipf's law, as in real text: a search for two
# ordinary words matches hundreds of versions, not all of them.
VOCABULARY = ["".join(w) for w in itertools.product(_SYLLABLES, repeat=4)][:20_000]
WEIGHTS = list(itertools.accumulate(1 / rank for rank in range(1, len(VOCABULARY) + 1)))
TABLES = ("articles", "captures", "versions", "changes")


class Words:
    """Words drawn with Zipf's law, a million at a time: the distribution of
    `random.choices(VOCABULARY, cum_weights=WEIGHTS)` (a bisect on the same cumulative
    weights), without a Python call per word."""

    def __init__(self, seed: int, chunk: int = 1_000_000) -> None:
        self._rng = np.random.default_rng(seed)
        self._cumulative = np.array(WEIGHTS)
        self._vocabulary = np.array(VOCABULARY, dtype=object)
        self._chunk = chunk
        self._words: list[str] = []
        self._at = 0

    def take(self, k: int) -> list[str]:
        """The next `k` words."""
        if self._at + k > len(self._words):
            drawn = self._rng.random(self._chunk) * self._cumulative[-1]
            ranks = np.searchsorted(self._cumulative, drawn, side="right")
            self._words = self._vocabulary[ranks].tolist()
            self._at = 0
        self._at += k
        return self._words[self._at - k : self._at]


class Loader:
    """Writes batches of row tuples straight through the database driver."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgresql = engine.dialect.name == "postgresql"
        self._raw = engine.raw_connection()
        self.connection: Any = self._raw.driver_connection
        if not self.postgresql:
            # A 1 GB page cache for the load and the index builds after it.
            self.connection.execute("PRAGMA cache_size=-1000000")

    def write(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Insert `rows` (values in the order of `columns`) into `table`."""
        if not rows:
            return
        names = ", ".join(columns)
        if self.postgresql:
            statement = f"COPY {table} ({names}) FROM STDIN"
            with self.connection.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self.connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def commit(self) -> None:
        self.connection.commit()

    @contextmanager
    def indexes_dropped(self) -> Iterator[None]:
        """Drop the secondary indexes of the history tables, and build them again after.

        Indexes behind a primary key or a unique constraint stay: they are what the
        constraints check against."""
        made = self._secondary_indexes()
        for name, _sql in made:
            self._execute(f"DROP INDEX {name}")
        self.commit()
        yield
        if self.postgresql:
            self._execute("SET maintenance_work_mem = '1GB'")
        for _name, sql in made:
            self._execute(sql)
        self.commit()

    def close(self) -> None:
        self._raw.close()

    def _secondary_indexes(self) -> list[tuple[str, str]]:
        tables = ", ".join(f"'{name}'" for name in TABLES)
        if self.postgresql:
            query = (
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                f"AND tablename IN ({tables}) AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint)"
            )
        else:
            query = (
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({tables})"
            )
        cursor = self.connection.execute(query)
        return [(str(name), str(sql)) for name, sql in cursor.fetchall()]

    def _execute(self, sql: str) -> None:
        self.connection.execute(sql)
