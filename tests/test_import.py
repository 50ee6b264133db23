"""`scrubwatch import`: an archived scrub rebuilt from WARC and WACZ files through the real
CLI, on a real SQLite file (and PostgreSQL), with the archive's times, the file as `source`,
evidence that verifies, nothing added twice, and bad files named without losing the rest."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from archive_support import (
    GONE,
    SITE,
    T0,
    URL,
    V1,
    V2,
    Archived,
    article_html,
    scrub_records,
    write_wacz,
    write_warc,
)
from articles import PARAGRAPHS, REMOVED_SENTENCE, SCRUBBED, TITLE
from conftest import Cli
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.store import SqlStore, open_store


def _changes(cli: Cli, schema: dict[str, Any]) -> list[dict[str, Any]]:
    result = cli("changes", "--json")
    assert result.code == 0, result.stderr
    data: list[dict[str, Any]] = result.json()
    for change in data:
        jsonschema.validate(change, schema)
    return data


def test_an_archived_scrub_is_rebuilt_at_the_archive_times(
    cli_on_each_db: Cli, tmp_path: Path, change_schema: dict[str, Any]
) -> None:
    cli = cli_on_each_db
    warc = str(write_warc(tmp_path / "crawl.warc.gz", scrub_records()))
    result = cli("import", warc)
    assert result.code == 0, result.stderr
    assert "Read 1 file(s): 7 record(s), 4 capture(s) imported" in result.stdout
    assert "2 change(s)" in result.stdout

    deleted, edited = _changes(cli, change_schema)
    assert (edited["kind"], edited["severity"]) == ("edited", "substantive")
    assert REMOVED_SENTENCE in edited["sentences"]["removed"]
    assert edited["detected_at"] == V2.isoformat()
    assert edited["last_seen_before"] == V1.isoformat()
    assert (deleted["kind"], deleted["deletion"]) == ("deleted", "http_404")
    assert deleted["detected_at"] == GONE.isoformat()
    assert deleted["last_seen_before"] == V2.isoformat()
    assert edited["source"] == deleted["source"] == warc
    assert edited["outlet"] == "news.example"

    history = cli("history", URL, "--json").json()
    assert [v["first_seen"] for v in history] == [T0.isoformat(), V2.isoformat()]

    again = cli("import", warc, "--json")
    assert again.code == 0, again.stderr
    summary = again.json()
    assert (summary["imported"], summary["duplicates"], summary["changes"]) == (0, 4, [])
    assert len(_changes(cli, change_schema)) == 2


def test_evidence_of_an_imported_change_verifies(cli: Cli, tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "crawl.warc", scrub_records(), gzip=False)
    assert cli("import", str(warc)).code == 0
    edited = next(c for c in cli("changes", "--json").json() if c["kind"] == "edited")
    bundle = tmp_path / "scrub.wacz"
    made = cli("evidence", str(edited["id"]), "-o", str(bundle), "--no-screenshots")
    assert made.code == 0, made.stderr
    checked = cli("verify", str(bundle))
    assert checked.code == 0, checked.stdout + checked.stderr
    with zipfile.ZipFile(bundle) as wacz:
        meta = json.loads(wacz.read("evidence/evidence.json"))
    assert meta["change"]["source"] == str(warc)
    assert {c["source"] for c in meta["captures"]} == {str(warc)}
    report = (tmp_path / "scrub.html").read_text()
    assert f"Rebuilt from the web archive {warc}" in report
    dates = sorted(c["fetched_at"] for c in meta["captures"])
    assert dates == [f"{V1:%Y-%m-%dT%H:%M:%SZ}", f"{V2:%Y-%m-%dT%H:%M:%SZ}"]


def test_a_wacz_is_imported_and_the_same_captures_are_not_added_twice(
    cli: Cli, tmp_path: Path
) -> None:
    warc = write_warc(tmp_path / "data.warc.gz", scrub_records())
    wacz = write_wacz(tmp_path / "crawl.wacz", [warc])
    result = cli("import", str(wacz), "--json")
    assert result.code == 0, result.stderr
    summary = result.json()
    assert summary["imported"] == 4
    assert {c["source"] for c in summary["changes"]} == {str(wacz)}
    assert {c["kind"] for c in summary["changes"]} == {"edited", "deleted"}
    # The WARC inside it, imported on its own, holds the same captures.
    alone = cli("import", str(warc), "--json").json()
    assert (alone["imported"], alone["duplicates"]) == (0, 4)


def test_bad_files_are_named_and_the_rest_is_imported(cli: Cli, tmp_path: Path) -> None:
    good = write_warc(tmp_path / "good.warc.gz", scrub_records())
    whole = write_warc(tmp_path / "whole.warc", scrub_records(URL + "-2"), gzip=False)
    truncated = tmp_path / "truncated.warc"
    truncated.write_bytes(whole.read_bytes()[:-200])
    text = tmp_path / "notes.txt"
    text.write_text("these are my notes, not a web archive\n" * 20)
    zipped = tmp_path / "other.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("readme.txt", "hello")
    missing = tmp_path / "missing.warc.gz"
    wacz = write_wacz(tmp_path / "cut.wacz", [good])
    cut = tmp_path / "cut-short.wacz"
    cut.write_bytes(wacz.read_bytes()[:-300])
    files = [truncated, text, missing, zipped, cut, good]
    result = cli("import", *map(str, files))
    assert result.code == 1
    errors = result.stderr.splitlines()
    assert any(str(truncated) in e and "truncated" in e for e in errors), errors
    assert any(str(text) in e and "not a WARC file" in e for e in errors), errors
    assert any(str(missing) in e and "no such file" in e for e in errors), errors
    assert any(str(zipped) in e and "not a WACZ" in e for e in errors), errors
    assert any(str(cut) in e and "a broken zip file" in e for e in errors), errors
    assert "Read 6 file(s) (5 unreadable or damaged): 13 record(s)" in result.stdout
    # The good file whole, and the truncated one up to its last whole record.
    urls = {c["url"] for c in cli("changes", "--json").json()}
    assert urls == {URL, URL + "-2"}


def test_importing_the_past_then_watching_live_gives_one_history(
    cli: Cli, outlet: FakeOutlet, tmp_path: Path
) -> None:
    url = outlet.publish("aliyev-beijing", TITLE, SCRUBBED)
    archived = [Archived(url, T0, body=article_html(TITLE, PARAGRAPHS))]
    warc = write_warc(tmp_path / "past.warc.gz", archived)
    assert cli("import", str(warc)).code == 0
    # Imported, not watched: a pass checks nothing until the article is watched.
    assert "Checked 0 article(s)" in cli("check", "--all").stdout
    assert cli("watch", url).code == 0
    assert "Checked 1 article(s)" in cli("check").stdout

    changes = cli("changes", "--json").json()
    assert [(c["kind"], c["source"], c["from_version"], c["to_version"]) for c in changes] == [
        ("edited", None, 1, 2)
    ]
    assert changes[0]["last_seen_before"] == T0.isoformat()
    assert len(cli("history", url, "--json").json()) == 2


def test_a_redirect_to_the_homepage_is_a_deletion_and_a_moved_article_is_not(
    cli: Cli, tmp_path: Path, change_schema: dict[str, Any]
) -> None:
    moved = f"{SITE}/world/2025/04/21/baku-port-handles-record-cargo-volume"
    new_home = f"{SITE}/business/2025/04/21/baku-port-handles-record-cargo-volume"
    page = article_html(TITLE, PARAGRAPHS)
    records = [
        Archived(URL, T0, body=page),
        Archived(URL, V1, status=301, location="/"),
        Archived(moved, T0, body=page),
        Archived(moved, V1, status=301, location=new_home),
        Archived(new_home, V1 + timedelta(seconds=3), body=page),
    ]
    assert cli("import", str(write_warc(tmp_path / "r.warc.gz", records))).code == 0
    changes = _changes(cli, change_schema)
    assert [(c["url"], c["kind"], c["deletion"]) for c in changes] == [(URL, "deleted", "redirect")]
    assert changes[0]["redirect_to"] == f"{SITE}/"


def test_imported_changes_are_history_not_alerts(tmp_path: Path, cli: Cli) -> None:
    """A rule hears of changes seen live; a scrub found in last year's archive is not news."""
    settings = Settings(data_dir=cli.data_dir)
    store = open_store(settings)
    try:
        from scrubwatch.alerts import queue_new_changes
        from scrubwatch.model import AlertRule

        store.add_alert_rule(AlertRule("desk", "https://hooks.example/x"), T0)
        warc = write_warc(tmp_path / "crawl.warc.gz", scrub_records())
        assert cli("import", str(warc)).code == 0
        assert queue_new_changes(store, datetime.now(UTC)) == 0
    finally:
        store.close()


@pytest.mark.parametrize("gzip", [True, False])
def test_a_revisit_takes_its_body_from_the_response_it_names(
    cli: Cli, tmp_path: Path, gzip: bool
) -> None:
    from archive_support import write_revisits

    path = write_revisits(tmp_path / "revisits.warc", URL, T0, V1, gzip=gzip)
    result = cli("import", str(path), "--json")
    assert result.code == 0, result.stderr
    assert result.json()["imported"] == 2
    assert cli("changes", "--json").json() == []


def test_the_web_ui_and_api_say_where_a_change_came_from(
    cli: Cli, tmp_path: Path, change_schema: dict[str, Any]
) -> None:
    from scrubwatch.web import create_app
    from web_support import Client

    warc = str(write_warc(tmp_path / "crawl.warc.gz", scrub_records()))
    assert cli("import", warc).code == 0
    settings = Settings(data_dir=cli.data_dir)
    store = open_store(settings)
    try:
        client = Client(create_app(settings, store=store))
        changes = client.get("/api/changes").json()
        assert changes == cli("changes", "--json").json()
        for change in changes:
            jsonschema.validate(change, change_schema)
            assert change["source"] == warc
        article = store.article(URL)
        assert article is not None
        captures = client.get(f"/api/articles/{article.id}/captures").json()
        assert {c["source"] for c in captures} == {warc}
        assert [c["fetched_at"] for c in captures] == [m.isoformat() for m in (T0, V1, V2, GONE)]
        page = client.get("/").text
        assert f"Rebuilt from the web archive {warc}" in page
    finally:
        store.close()


def test_captures_older_than_the_history_here_are_left_out(cli: Cli, tmp_path: Path) -> None:
    """A history grows forwards only: the earlier half of a day imported after the later
    half is counted and left out, so no version is renumbered."""
    records = scrub_records()
    later = write_warc(tmp_path / "later.warc.gz", [r for r in records if r.date >= V2])
    earlier = write_warc(tmp_path / "earlier.warc.gz", [r for r in records if r.date < V2])
    assert cli("import", str(later)).code == 0
    result = cli("import", str(earlier), "--json")
    assert result.code == 0, result.stderr
    summary = result.json()
    assert (summary["imported"], summary["older"]) == (0, 2)
    history = cli("history", URL, "--json").json()
    assert [v["first_seen"] for v in history] == [V2.isoformat()]


def test_a_warc_gzipped_whole_is_named_with_its_cure(cli: Cli, tmp_path: Path) -> None:
    import gzip

    plain = write_warc(tmp_path / "plain.warc", scrub_records(), gzip=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    result = cli("import", str(whole))
    assert result.code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"scrubwatch: cannot import {whole}: gzipped as one stream")
    assert "warcio recompress" in line


def test_a_body_over_the_size_cap_is_named_and_the_others_imported(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCRUBWATCH_MAX_BODY_BYTES", "3000")
    records = scrub_records()
    big = Archived(URL + "-long", T0, body=article_html(TITLE, PARAGRAPHS * 3))
    result = cli("import", str(write_warc(tmp_path / "c.warc.gz", [*records, big])), "--json")
    assert result.code == 1
    assert "larger than max_body_bytes (3000)" in result.stderr
    assert result.json()["imported"] == 4


def test_the_store_leaves_imported_articles_unscheduled_until_something_watches_them(
    store: SqlStore,
) -> None:
    """On SQLite and PostgreSQL: an article added by an import is not due; the feed or
    `watch` that names it later adopts it (due at once, its row and history kept)."""
    from scrubwatch.model import IMPORTED, Outlet

    store.upsert_outlet(Outlet(host="news.example"), T0)
    (imported,) = store.add_articles("news.example", [URL], IMPORTED, T0)
    assert (imported.source, imported.next_check_at) == (IMPORTED, None)
    assert store.articles(due_at=V1) == []
    now = T0 + timedelta(days=30)
    other = URL + "-other"
    added = store.add_articles("news.example", [URL, other], "feed", now)
    assert {a.url for a in added} == {URL, other}
    adopted = store.article(URL)
    assert adopted is not None and adopted.id == imported.id
    assert (adopted.source, adopted.next_check_at) == ("feed", now)
    assert store.add_articles("news.example", [URL], "sitemap", now) == []
