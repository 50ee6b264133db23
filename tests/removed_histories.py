"""Histories of every shape for removed-text search ("Zangezur corridor" said, then no
longer said, or the page gone), written straight into a store as the pipeline's rows, and
the order in which the search must list them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scrubwatch.model import Outlet
from scrubwatch.store import SqlStore
from scrubwatch.store import schema as t

PHRASE = "Zangezur corridor"
T0 = datetime(2025, 4, 21, 9, 0, tzinfo=UTC)
SAID = "Officials said the Zangezur corridor would be built."
OTHER = "Officials said the talks would go on."
APART = "The corridor was discussed; Zangezur was not named."

# name -> (texts of its versions, oldest first; latest version; gone; hours to last change,
# None when it never changed)
HISTORIES: dict[str, tuple[tuple[str, ...], int, bool, int | None]] = {
    "scrubbed": ((SAID, OTHER), 2, False, 9),
    "kept": ((SAID, SAID + " " + OTHER), 2, False, 8),
    "deleted": ((SAID,), 1, True, 7),
    "put-back": ((SAID, OTHER, SAID), 3, False, 6),
    "flip-flop": ((OTHER, SAID), 1, False, 5),  # back to version 1 (reuse_version)
    "apart": ((APART, OTHER), 2, False, 4),  # both words, never the phrase
    "scrubbed-later": ((SAID, SAID, OTHER), 3, False, 3),
    "deleted-edited": ((SAID, OTHER), 2, True, 2),
    "never-had-it": ((OTHER, OTHER + " More."), 2, False, 1),
    "scrubbed-first": ((SAID, OTHER), 2, False, 10),
    "never-changed": ((SAID, OTHER), 2, False, None),
    "never-changed-kept": ((SAID,), 1, False, None),
    # Ties in the order: the same last change as "scrubbed" and as each other (the higher
    # article id first), and a second never-changed hit.
    "scrubbed-twin": ((SAID, OTHER), 2, False, 9),
    "never-changed-too": ((SAID, OTHER), 2, False, None),
}
# Newest change first: every history that said it, then stopped saying it or went away.
EXPECTED = [
    ("scrubbed-first", 1, 2, False),
    ("scrubbed-twin", 1, 2, False),
    ("scrubbed", 1, 2, False),
    ("deleted", 1, 1, True),
    ("flip-flop", 2, 1, False),
    ("scrubbed-later", 2, 3, False),
    ("deleted-edited", 1, 2, True),
    ("never-changed-too", 1, 2, False),
    ("never-changed", 1, 2, False),
]


def fill_histories(store: SqlStore) -> None:
    """The histories, written as the pipeline's rows (FTS5 triggers and PostgreSQL's stored
    search document follow by themselves)."""
    store.upsert_outlet(Outlet(host="news.example", homepage="https://news.example/"), T0)
    urls = [f"https://news.example/{name}" for name in HISTORIES]
    articles = store.add_articles("news.example", urls, "feed", T0)
    with store.engine.begin() as conn:
        for article, (texts, latest, gone, hours) in zip(articles, HISTORIES.values(), strict=True):
            conn.execute(
                t.articles.update()
                .where(t.articles.c.id == article.id)
                .values(
                    latest_version=latest,
                    state="gone" if gone else "live",
                    last_change_at=None if hours is None else T0 + timedelta(hours=hours),
                )
            )
            for number, body in enumerate(texts, start=1):
                conn.execute(
                    t.versions.insert().values(
                        article_id=article.id,
                        number=number,
                        first_seen=T0 + timedelta(minutes=number),
                        title=f"Title {number}",
                        fingerprint=f"{article.id}-{number}",
                        paragraphs=[body],
                    )
                )
