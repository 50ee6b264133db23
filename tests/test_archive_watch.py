"""`watch --archive`: a real pywb's index watched through the real CLI; captures taken out of
the collection are reported as `archive_removed` (after two looks in a row without them),
in the JSON contract, the web UI, the Atom feed and an alert; the store's side of the
listings on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from alert_support import WebhookReceiver
from archive_support import SITE, T0, URL, V1, V2, scrub_records, write_warc
from conftest import Cli
from pywb_support import Wayback, serving
from scrubwatch.config import Settings
from scrubwatch.model import ChangeKind, Outlet
from scrubwatch.pipeline.archive_watch import explain
from scrubwatch.store import SqlStore, open_store
from scrubwatch.store.records import ListedCapture

pytestmark = pytest.mark.slow


def stamp(moment: Any) -> str:
    return str(moment.strftime("%Y%m%d%H%M%S"))


@pytest.fixture
def wayback(tmp_path: Path) -> Iterator[Wayback]:
    """pywb on loopback serving the day of the scrub."""
    with serving(
        write_warc(tmp_path / "crawl.warc.gz", scrub_records()), tmp_path / "pywb"
    ) as server:
        yield server


def test_captures_an_archive_forgets_are_reported(
    cli_on_each_db: Cli, wayback: Wayback, change_schema: dict[str, Any]
) -> None:
    cli = cli_on_each_db
    watched = cli("watch", "--archive", wayback.cdx_url, f"{SITE}/*")
    assert watched.code == 0, watched.stderr
    # The homepage and the article's four captures; the stylesheet and the logo are no pages.
    assert f"Watching what {wayback.cdx_url} lists for {SITE}/*: 5 capture(s)" in watched.stdout

    with WebhookReceiver(change_schema) as hook:
        assert (
            cli("alerts", "add", "gone", "--to", hook.url, "--kinds", "archive_removed").code == 0
        )
        wayback.forget(URL, stamp(T0))
        wayback.forget(URL, stamp(V1))
        assert cli("check", "--all").code == 0
        assert cli("changes", "--json").json() == []  # one look without them is not enough

        second = cli("check", "--all")
        assert second.code == 0, second.stderr
        assert "ARCHIVE_REMOVED" in second.stdout
        (change,) = cli("changes", "--json").json()
        jsonschema.validate(change, change_schema)
        assert (change["kind"], change["url"], change["outlet"]) == (
            "archive_removed",
            URL,
            "news.example",
        )
        assert change["archive"]["vanished"] == [T0.isoformat(), V1.isoformat()]
        assert change["archive"]["cdx_url"] == wayback.cdx_url
        assert change["summary"] == (
            f"127.0.0.1:{wayback.port} no longer lists 2 captures of this page "
            "(taken 2025-04-21 09:30, 2025-04-21 11:30 UTC)"
        )
        moments = [change["last_seen_before"], change["archive"]["missing_since"]]
        seen, missing = map(datetime.fromisoformat, moments)
        assert seen <= missing <= datetime.fromisoformat(change["detected_at"])
        assert change["source"] is None

        # The alert went out once; no later look reports the same captures again.
        assert [r.payload["kind"] for r in hook.received] == ["archive_removed"]
        assert cli("check", "--all").code == 0
        assert len(cli("changes", "--json").json()) == 1
        assert len(hook.received) == 1


def test_the_web_ui_and_feed_name_the_vanished_captures(cli: Cli, wayback: Wayback) -> None:
    from scrubwatch.web import create_app
    from web_support import Client

    assert cli("watch", "--archive", wayback.cdx_url, URL).code == 0
    wayback.forget(URL, stamp(V2))
    for _ in range(2):
        assert cli("check", "--all").code == 0
    settings = Settings(data_dir=cli.data_dir)
    store = open_store(settings)
    try:
        client = Client(create_app(settings, store=store))
        page = client.get("/?kind=archive_removed").text
        assert f"Index: {wayback.cdx_url}" in page
        assert f"capture of <time>{V2.isoformat()}</time> no longer listed" in page
        assert "Download evidence" not in page
        outlets = client.get("/outlets").text
        assert f"<td>{wayback.cdx_url}</td>" in outlets and f"<td>{URL}</td>" in outlets
        feed = client.get("/feeds/changes.atom").text
        assert f"vanished: capture of {V2.isoformat()}" in feed
        (change,) = client.get("/api/changes").json()
        bundle = str(cli.data_dir / "x.wacz")
        made = cli("evidence", str(change["id"]), "-o", bundle, "--no-screenshots")
        assert made.code == 1 and "not a capture made here" in made.stderr
    finally:
        store.close()


def test_an_archive_that_cannot_be_read_is_not_watched(cli: Cli) -> None:
    result = cli("watch", "--archive", "http://127.0.0.1:9/news/cdx", URL)
    assert result.code == 1
    assert result.stderr.startswith("scrubwatch: cannot read http://127.0.0.1:9/news/cdx")
    assert "Traceback" not in result.stderr


def test_an_archive_down_at_a_later_look_reports_nothing(cli: Cli, wayback: Wayback) -> None:
    assert cli("watch", "--archive", wayback.cdx_url, URL).code == 0
    wayback.stop()
    for _ in range(2):
        assert cli("check", "--all").code == 0
    assert cli("changes", "--json").json() == []
    listed = cli("outlets").stdout
    assert f"archive {wayback.cdx_url} for {URL}: 4 capture(s) listed at the last look" in listed
    assert "the last look failed" in listed
    store = open_store(Settings(data_dir=cli.data_dir))
    try:
        (watch,) = store.archive_watches()
        assert watch.last_error is not None and watch.listed == 4
    finally:
        store.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--archive", "ftp://archive/cdx", URL], "http(s) URL"),
        (["--archive", "http://127.0.0.1:9/cdx", "--proxy", "socks5://127.0.0.1:9", URL], "direct"),
    ],
)
def test_bad_usage_is_refused(cli: Cli, args: list[str], message: str) -> None:
    result = cli("watch", *args)
    assert result.code == 2 and message in result.stderr


def test_listings_remember_what_vanished_and_what_came_back(store: SqlStore) -> None:
    watch = store.add_archive_watch("https://web.archive.org/cdx/search/cdx", "a.example/*", T0)
    assert store.add_archive_watch(watch.cdx_url, watch.pattern, T0) == watch
    assert watch.id is not None
    a, b, c = (ListedCapture("https://a.example/x", f"2025042109300{n}", 200) for n in (1, 2, 3))
    hours = [T0 + timedelta(hours=h) for h in range(8)]

    def look(at: int, *listed: ListedCapture) -> list[str]:
        later = hours[at] + timedelta(hours=6)
        missing = store.record_archive_listing(watch.id or 0, listed, hours[at], later)
        return [m.timestamp for m in missing]

    assert look(0, a, b, c) == []
    assert look(1, a, c) == []  # b missing once
    assert look(2, a, c) == [b.timestamp]  # twice in a row: reported
    (missing,) = store.record_archive_listing(watch.id, [a, c], hours[3], hours[4])
    assert (missing.last_listed_at, missing.missing_since) == (hours[0], hours[1])

    store.upsert_outlet(Outlet(host="a.example"), T0)
    (article,) = store.add_articles("a.example", [a.url], "import", T0)
    assert article.id is not None
    change = explain(watch, a.url, [missing], hours[3])
    change_id = store.record_archive_removal(watch.id, article.id, change, [missing])
    (stored,) = store.changes(kind=ChangeKind.ARCHIVE_REMOVED)
    assert stored.id == change_id and stored.last_seen_before == hours[0]
    assert look(4, a, c) == []  # reported once only
    assert look(5, a, b, c) == []  # back in the listing: watched again
    assert look(6, a, c) == []
    assert look(7, a, c) == [b.timestamp]
    assert [w.listed for w in store.archive_watches()] == [2]
    assert store.archive_watches(due_at=hours[7]) == []
    assert store.archive_watches(due_at=hours[7] + timedelta(hours=6)) != []
