"""Version numbers after flip-backs: a page that goes A → B → A → C gives C the number 3.

Version 1 is shown again after version 2, so "the latest version + 1" would hand out 2 a
second time (and the unique constraint would fail every later check). A new version takes
one above the highest number; `latest_version` stays the version the page shows now.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from articles import BYLINE, PARAGRAPHS, SCRUBBED, TITLE
from conftest import Cli
from scrubwatch.clock import ManualClock
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.model import (
    ArticleState,
    Capture,
    CaptureOutcome,
    Change,
    ChangeKind,
    Document,
    Outlet,
)
from scrubwatch.pipeline.report import PassReport
from scrubwatch.runner import Runner
from scrubwatch.store import CheckRecord, SqlStore
from scrubwatch.web import create_app
from web_support import Client

T0 = datetime(2025, 4, 21, 9, 0, tzinfo=UTC)
URL = "https://news.example/a/zangezur"
REWRITTEN = (
    *PARAGRAPHS[:5],
    "The visit was postponed at the last minute, officials in Baku said on Wednesday.",
)


def _document(letter: str) -> Document:
    return Document(title=f"Headline {letter}", paragraphs=(f"Text {letter}.", "Same."))


def _record_text(store: SqlStore, step: int, document: Document) -> Capture:
    """Record one check that saw `document`, as the pipeline would: a text seen before
    reuses its version (flip-back), a new one is numbered by the store."""
    article = store.article(URL)
    assert article is not None and article.id is not None
    at = T0 + timedelta(hours=step)
    capture = Capture(article.id, at, URL, CaptureOutcome.NEW_VERSION, status=200)
    earlier = store.version_by_fingerprint(article.id, document.fingerprint())
    change = None
    if article.latest_version is not None:
        change = Change(
            url=URL,
            outlet="news.example",
            detected_at=at,
            kind=ChangeKind.EDITED,
            from_version=article.latest_version,
            to_version=earlier.number if earlier else None,
            summary=f"now {document.title}",
        )
    record = CheckRecord(
        article,
        capture,
        ArticleState.LIVE,
        at + timedelta(hours=1),
        new_document=None if earlier else document,
        change=change,
        reuse_version=earlier.number if earlier else None,
    )
    return store.record_check(record)


def test_new_versions_number_on_from_the_highest_after_flip_backs(store: SqlStore) -> None:
    store.upsert_outlet(Outlet(host="news.example", homepage="https://news.example/"), T0)
    [article] = store.add_articles("news.example", [URL], "feed", T0)
    assert article.id is not None

    shown = [
        _record_text(store, step, _document(letter)).version for step, letter in enumerate("ABACAD")
    ]

    assert shown == [1, 2, 1, 3, 1, 4]
    versions = store.versions(article.id)
    assert [(v.number, v.document.title) for v in versions] == [
        (1, "Headline A"),
        (2, "Headline B"),
        (3, "Headline C"),
        (4, "Headline D"),
    ]
    changes = [(c.from_version, c.to_version) for c in reversed(store.changes())]
    assert changes == [(1, 2), (2, 1), (1, 3), (3, 1), (1, 4)]
    assert [c.version for c in store.captures(article.id)] == shown
    latest = store.article(URL)
    assert latest is not None and latest.latest_version == 4


def test_latest_version_is_the_one_shown_not_the_highest(store: SqlStore) -> None:
    store.upsert_outlet(Outlet(host="news.example", homepage="https://news.example/"), T0)
    store.add_articles("news.example", [URL], "feed", T0)
    for step, letter in enumerate("ABAC"):
        _record_text(store, step, _document(letter))
    _record_text(store, 4, _document("A"))  # back to A once more
    article = store.article(URL)
    assert article is not None and article.id is not None
    assert article.latest_version == 1
    assert max(v.number for v in store.versions(article.id)) == 3


def test_a_page_that_goes_back_and_changes_again_is_checked_without_a_crash(
    store: SqlStore, tmp_path: Path
) -> None:
    """A → B → A → C on the fake outlet, one pass each, on SQLite and on PostgreSQL."""
    clock = ManualClock(T0)
    settings = Settings(data_dir=tmp_path / "data")

    async def passes(outlet: FakeOutlet, url: str) -> list[PassReport]:
        reports = []
        async with Runner(settings, store, clock=clock, analysis_workers=0) as runner:
            await runner.watch(url)
            for paragraphs in (PARAGRAPHS, SCRUBBED, PARAGRAPHS, REWRITTEN):
                outlet.edit("aliyev-beijing", paragraphs=paragraphs)
                clock.advance(timedelta(minutes=20))
                reports.append(await runner.check_pass(all_articles=True))
        return reports

    with FakeOutlet(clock=clock) as outlet:
        url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
        reports = asyncio.run(passes(outlet, url))

    assert [(r.checked, r.failed, r.internal_errors) for r in reports] == [(1, 0, [])] * 4
    changes = [(c.kind, c.from_version, c.to_version) for c in reversed(store.changes())]
    assert changes == [
        (ChangeKind.EDITED, 1, 2),  # A → B
        (ChangeKind.EDITED, 2, 1),  # B → A: version 1 again
        (ChangeKind.EDITED, 1, 3),  # A → C: from the version shown, to a new number
    ]
    article = store.article(url)
    assert article is not None and article.id is not None
    assert [v.number for v in store.versions(article.id)] == [1, 2, 3]
    assert article.latest_version == 3
    assert [c.version for c in store.captures(article.id)] == [1, 2, 1, 3]

    # The web UI's diff defaults to the last change too: A → C is 1 → 3, not 2 → 3.
    client = Client(create_app(settings, store=store))
    diff = client.get(f"/articles/{article.id}/diff")
    assert diff.status_code == 200
    assert "Version 1 → version 3" in diff.text and "postponed" in diff.text
    page = client.get(f"/articles/{article.id}").text
    assert re.search(r'name="from">.*?<option value="1" selected>', page, re.S)
    assert re.search(r'name="to">.*?<option value="3" selected>', page, re.S)


@pytest.mark.slow
def test_history_and_diff_follow_what_the_page_showed(
    cli_on_each_db: Cli, outlet: FakeOutlet
) -> None:
    cli = cli_on_each_db
    url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    assert cli("watch", url).code == 0
    for paragraphs in (PARAGRAPHS, SCRUBBED, PARAGRAPHS):
        outlet.edit("aliyev-beijing", paragraphs=paragraphs)
        checked = cli("check", "--all")
        assert checked.code == 0, checked.stderr

    back = cli("diff", url)  # the page shows version 1 again: the last change was 2 → 1
    assert back.code == 0, back.stderr
    assert "version 2 → version 1" in back.stdout

    outlet.edit("aliyev-beijing", paragraphs=REWRITTEN)
    checked = cli("check", "--all")
    assert checked.code == 0, checked.stderr
    assert "1 change(s)" in checked.stdout

    history = cli("history", url, "--json")
    assert history.code == 0, history.stderr
    assert [v["number"] for v in json.loads(history.stdout)] == [1, 2, 3]
    changes = cli("changes", "--json")
    assert [(c["from_version"], c["to_version"]) for c in reversed(changes.json())] == [
        (1, 2),
        (2, 1),
        (1, 3),
    ]
    last = cli("diff", url)  # A → C, not B → C
    assert last.code == 0, last.stderr
    assert "version 1 → version 3" in last.stdout
    assert "postponed" in last.stdout
    chosen = cli("diff", url, "--from", "2", "--to", "3")
    assert chosen.code == 0 and "version 2 → version 3" in chosen.stdout
    missing = cli("diff", url, "--to", "4")
    assert missing.code == 2 and "has no version 4 (it has 1 to 3)" in missing.stderr
