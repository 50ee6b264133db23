"""The other faces of the CLI: demo, run, extract, and the evidence left in WARC files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from rich.console import Console

from articles import BYLINE, OTHER, OTHER_TITLE, PARAGRAPHS, TITLE
from conftest import Cli
from hostile import hostile_server
from scrubwatch.cli.live import RunDisplay
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.model import Article, Capture, CaptureOutcome, Change, ChangeKind, Severity
from scrubwatch.pipeline import CheckResult
from scrubwatch.store import SqlStore
from scrubwatch.store.warc import WarcArchive

pytestmark = pytest.mark.slow


def test_demo_catches_the_scrub_and_the_deletion(cli: Cli) -> None:
    result = cli("demo")
    assert result.code == 0, result.stderr
    out = " ".join(result.stdout.split())  # undo terminal wrapping
    assert "EDITED (substantive)" in out
    assert "quote by Liu Jianchao removed" in out
    assert "$3.7 billion → $3.2 billion" in out
    assert "Zangezur corridor" in out
    assert "DELETED (http_404)" in out
    assert "re-check: 4 article(s) fetched, 0 failed, no change" in out


def test_every_capture_is_archived_and_identical_bodies_once(cli: Cli, outlet: FakeOutlet) -> None:
    url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    cli("watch", url)
    cli("check")
    outlet.delete("aliyev-beijing", 410)
    cli("check", "--all")
    captures = _captures(cli, url)
    assert [c.status for c in captures] == [200, 410]
    assert [c.outcome for c in captures] == [CaptureOutcome.NEW_VERSION, CaptureOutcome.GONE]
    with WarcArchive(cli.data_dir / "warc") as archive:
        records = [archive.read(c.warc) for c in captures if c.warc]
    assert [r.record_type for r in records] == ["response", "response"]
    assert TITLE.encode() in records[0].body
    assert records[1].status == 410


def test_identical_bodies_are_archived_once(cli: Cli) -> None:
    with hostile_server() as base:
        url = base + "/static-article"
        assert cli("watch", url).code == 0
        for _ in range(3):
            cli("check", "--all")
    captures = _captures(cli, url)
    assert len({c.body_sha256 for c in captures}) == 1
    with WarcArchive(cli.data_dir / "warc") as archive:
        records = [archive.read(c.warc) for c in captures if c.warc]
    assert [r.record_type for r in records] == ["response", "revisit", "revisit"]
    assert {r.refers_to_uri for r in records[1:]} == {url}
    assert b"Static report" in records[0].body


def _captures(cli: Cli, url: str) -> list[Capture]:
    store = SqlStore.open(f"sqlite:///{cli.data_dir / 'scrubwatch.db'}")
    try:
        article = store.article(url)
        assert article is not None and article.id is not None
        return store.captures(article.id)
    finally:
        store.close()


def test_extract_json_follows_the_contract(
    cli: Cli, tmp_path: Path, document_schema: dict[str, Any], outlet: FakeOutlet
) -> None:
    page = tmp_path / "page.html"
    url = outlet.publish("baku-port", OTHER_TITLE, OTHER, byline=BYLINE)
    page.write_bytes(httpx.get(url).content)
    junk = tmp_path / "junk.bin"
    junk.write_bytes(os.urandom(2000))
    result = cli("extract", str(page), url, str(junk), str(tmp_path / "missing.html"), "--json")
    assert result.code == 1  # some inputs failed, and said so
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 4
    docs = [json.loads(line) for line in lines]
    for doc in docs:
        jsonschema.validate(doc, document_schema)
    assert [d["source"] for d in docs][:2] == [str(page), url]
    for doc in docs[:2]:
        assert doc["title"] == OTHER_TITLE
        assert doc["paragraphs"] == list(OTHER)
        assert doc["error"] is None
    assert docs[2]["error"] and docs[2]["text"] == ""
    assert docs[3]["error"] and docs[3]["text"] == ""


def test_run_stops_cleanly_on_sigterm(tmp_path: Path, outlet: FakeOutlet) -> None:
    outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    base = [sys.executable, "-m", "scrubwatch", "--data-dir", str(tmp_path / "data")]
    subprocess.run([*base, "watch", outlet.base_url], check=True, env=env, capture_output=True)
    proc = subprocess.Popen(
        [*base, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any("/news/" in p for p in outlet.requests):
            time.sleep(0.1)
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "pass: 1 checked, 0 new, 0 failed, 0 changes" in out
    assert "Stopped cleanly." in out


NOW = datetime(2025, 4, 21, 14, 5, tzinfo=UTC)


def _edit(summary: str) -> Change:
    """An edit whose summary carries text an outlet wrote."""
    return Change(
        url="http://outlet.example/news/x",
        outlet="outlet.example",
        detected_at=NOW,
        kind=ChangeKind.EDITED,
        from_version=1,
        to_version=2,
        summary=summary,
        severity=Severity.SUBSTANTIVE,
    )


def test_run_display_shows_changes_and_escapes_page_text() -> None:
    console = Console(record=True, width=100, force_terminal=True)
    now = NOW
    display = RunDisplay(console, now)
    change = _edit("quote by [bold]Liu Jianchao[/bold] removed \x1b[31m")
    capture = Capture(
        article_id=1, fetched_at=now, url=change.url, outcome=CaptureOutcome.NEW_VERSION
    )
    article = Article(url=change.url, outlet_host="outlet.example", id=1)
    display.on_result(CheckResult(article, capture, change))
    console.print(display)
    text = console.export_text()
    assert "checks" in text and "1 (0 failed)" in text
    assert "EDITED (substantive)" in text
    assert "quote by [bold]Liu Jianchao[/bold] removed" in text  # shown, not interpreted
    assert "\x1b[31m" not in console.export_text(styles=False)


def test_an_in_memory_database_is_refused_in_one_line(cli: Cli) -> None:
    """Everything recorded would vanish with the process: refused, not silently used."""
    result = cli("--db", "sqlite://", "changes")
    assert result.code == 1
    assert result.stderr.strip().count("\n") == 0 and "in-memory" in result.stderr


def test_a_limit_beyond_any_store_is_bad_usage(cli: Cli) -> None:
    result = cli("changes", "--limit", "99999999999999999999")
    assert result.code == 2 and "Traceback" not in result.stderr


def test_terminal_output_drops_c1_controls_and_bidi_overrides() -> None:
    from scrubwatch.cli.render import render_change

    change = _edit("no longer mentions \u202eelpmaxe.live\u202c and \x9b31m red")
    console = Console(record=True, width=100)
    console.print(render_change(change))
    text = console.export_text(styles=False)
    assert "elpmaxe.live and 31m red" in text
    assert not any(ch in text for ch in "\u202e\u202c\x9b")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--db", "mysql://x/y"), "SQLite and PostgreSQL are supported"),
        (("--data-dir", "FILE"), "cannot use data directory"),
    ],
)
def test_unusable_stores_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a directory")
    argv = [a.replace("FILE", str(in_the_way)) for a in args]
    result = Cli(tmp_path / "data", capsys)(*argv, "changes")
    assert result.code == 1 and message in result.stderr
    assert result.stderr.strip().count("\n") == 0
