"""`scrubwatch import --cdx`: an archived scrub rebuilt from a real pywb's CDX server and
replay, through the real CLI, with the archive's times; the same history as from the WARC
file itself; the Internet Archive's format and addresses (a loopback front on pywb) with
retries, identical digests fetched once, and an interrupted import that goes on where it
stopped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from archive_support import GONE, SITE, T0, URL, V1, V2, scrub_records, write_warc
from articles import REMOVED_SENTENCE
from conftest import Cli
from pywb_support import IaFront, Wayback, serving
from scrubwatch.pipeline import cdx_import

pytestmark = pytest.mark.slow


def stamp(moment: Any) -> str:
    return str(moment.strftime("%Y%m%d%H%M%S"))


@pytest.fixture
def crawl(tmp_path: Path) -> Path:
    return write_warc(tmp_path / "crawl.warc.gz", scrub_records())


@pytest.fixture
def wayback(tmp_path: Path, crawl: Path) -> Iterator[Wayback]:
    """pywb on loopback serving the day of the scrub."""
    with serving(crawl, tmp_path / "pywb") as server:
        yield server


@pytest.fixture
def front(wayback: Wayback) -> Iterator[IaFront]:
    """The Internet Archive's addresses and format in front of it."""
    served = IaFront(wayback)
    yield served
    served.close()


def test_an_archived_scrub_is_rebuilt_from_a_cdx_server(
    cli_on_each_db: Cli, wayback: Wayback, change_schema: dict[str, Any]
) -> None:
    cli = cli_on_each_db
    result = cli("import", "--cdx", wayback.cdx_url, "--url", "news.example/*", "--json")
    assert result.code == 0, result.stderr
    summary = result.json()
    assert (summary["records"], summary["imported"]) == (7, 4)
    deleted, edited = cli("changes", "--json").json()
    for change in (deleted, edited):
        jsonschema.validate(change, change_schema)
        assert change["source"] == wayback.cdx_url
    assert (edited["kind"], edited["severity"]) == ("edited", "substantive")
    assert REMOVED_SENTENCE in edited["sentences"]["removed"]
    assert (edited["detected_at"], edited["last_seen_before"]) == (V2.isoformat(), V1.isoformat())
    assert (deleted["kind"], deleted["deletion"]) == ("deleted", "http_404")
    assert (deleted["detected_at"], deleted["last_seen_before"]) == (
        GONE.isoformat(),
        V2.isoformat(),
    )
    history = cli("history", URL, "--json").json()
    assert [v["first_seen"] for v in history] == [T0.isoformat(), V2.isoformat()]


def test_the_cdx_server_and_the_file_give_the_same_history(
    cli: Cli, wayback: Wayback, crawl: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from_file = Cli(tmp_path / "from-file", capsys)
    assert from_file("import", str(crawl)).code == 0
    assert cli("import", "--cdx", wayback.cdx_url, "--url", f"{SITE}/*").code == 0

    def explained(c: Cli) -> list[dict[str, Any]]:
        changes: list[dict[str, Any]] = c("changes", "--json").json()
        return [{k: v for k, v in x.items() if k not in ("id", "source")} for x in changes]

    assert explained(cli) == explained(from_file)
    assert cli("history", URL, "--json").json() == from_file("history", URL, "--json").json()


@pytest.mark.parametrize("chunk", [1, cdx_import.CHUNK])
def test_the_internet_archive_format_with_retries_and_a_resumed_import(
    cli: Cli, front: IaFront, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """The capture at V2 fails until the archive recovers: V2 and what follows wait, and the
    same import run again fetches only them. v1's two captures share a digest: one fetch,
    also when they are imported in separate chunks."""
    monkeypatch.setattr(cdx_import, "CHUNK", chunk)
    front.broken.add(stamp(V2))
    first = cli("import", "--cdx", front.cdx_url, "--url", URL, "--json")
    assert first.code == 1
    assert "2 capture(s) from 2025-04-21 14:30:00+00:00 held back" in first.stderr
    assert "run the same import again to go on" in first.stderr
    assert first.json()["imported"] == 2
    # 3 retries of V2; the 404 after it is fetched only when in the same chunk
    gone_asked = 1 if chunk > 1 else 0
    assert front.asked.get(stamp(GONE), 0) == gone_asked
    asked = (front.asked[stamp(T0)], front.asked[stamp(V2)], len(front.asked))
    assert asked == (1, 4, 2 + gone_asked)
    assert cli("changes", "--json").json() == []

    front.broken.clear()
    again = cli("import", "--cdx", front.cdx_url, "--url", URL, "--json")
    assert again.code == 0, again.stderr
    summary = again.json()
    assert (summary["imported"], summary["duplicates"]) == (2, 2)
    assert front.asked == {stamp(T0): 1, stamp(V2): 5, stamp(GONE): gone_asked + 1}
    kinds = [(c["kind"], c["detected_at"]) for c in summary["changes"]]
    assert kinds == [("edited", V2.isoformat()), ("deleted", GONE.isoformat())]


def test_the_internet_archive_index_is_read_page_by_page(cli: Cli, wayback: Wayback) -> None:
    """The IA builds an unbounded answer whole before sending it (a big site's times out):
    its index is asked a page at a time, each page's resume key asking for the next, and
    the import is what one answer would have given."""
    front = IaFront(wayback, page_rows=2)
    try:
        result = cli("import", "--cdx", front.cdx_url, "--url", "news.example/*", "--json")
    finally:
        front.close()
    assert result.code == 0, result.stderr
    assert (result.json()["records"], result.json()["imported"]) == (7, 4)
    keys = [q.get("resumeKey") for q in front.cdx_queries]
    assert keys[0] is None and len(keys) == 4 and len(set(keys)) == 4
    assert all(
        (q["limit"], q["showResumeKey"]) == (str(cdx_import.PAGE_ROWS), "true")
        for q in front.cdx_queries
    )
    assert [c["kind"] for c in cli("changes", "--json").json()] == ["deleted", "edited"]


def test_an_answer_for_another_moment_is_left_out(cli: Cli, front: IaFront) -> None:
    front.elsewhen[stamp(V2)] = stamp(V1)
    result = cli("import", "--cdx", front.cdx_url, "--url", URL, "--json")
    assert result.code == 1
    assert "served its capture of 2025-04-21 11:30:00+00:00 instead" in result.stderr
    # The scrubbed version is not recorded at a time it was not seen; the 404 still is.
    assert [c["kind"] for c in cli("changes", "--json").json()] == ["deleted"]


def test_an_import_of_nothing_new_fetches_nothing(cli: Cli, front: IaFront) -> None:
    assert cli("import", "--cdx", front.cdx_url, "--url", URL).code == 0
    asked = dict(front.asked)
    again = cli("import", "--cdx", front.cdx_url, "--url", URL, "--json")
    assert again.code == 0, again.stderr
    assert (again.json()["imported"], again.json()["duplicates"]) == (0, 4)
    assert front.asked == asked


def test_a_span_of_dates_imports_only_its_captures(cli: Cli, wayback: Wayback) -> None:
    result = cli(
        "import", "--cdx", wayback.cdx_url, "--url", URL, "--to", f"{V1:%Y-%m-%dT%H:%M}", "--json"
    )
    assert result.code == 0, result.stderr
    assert (result.json()["records"], result.json()["imported"]) == (2, 2)
    assert len(cli("history", URL, "--json").json()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cdx", "http://127.0.0.1:9/cdx"], "--cdx needs --url"),
        (["x.warc", "--cdx", "http://127.0.0.1:9/cdx", "--url", URL], "not both"),
        (["--cdx", "ftp://archive/cdx", "--url", URL], "http(s) URL"),
        (["--cdx", "http://127.0.0.1:9/cdx", "--url", URL, "--from", "last week"], "not a date"),
        (["--cdx", "http://127.0.0.1:9/index", "--url", URL], "--replay"),
        (["x.warc", "--url", URL], "go with --cdx"),
        ([], "name WARC/WACZ files"),
    ],
)
def test_bad_usage_is_refused(cli: Cli, args: list[str], message: str) -> None:
    result = cli("import", *args)
    assert result.code == 2
    assert message in result.stderr


def test_an_archive_that_cannot_be_reached_is_one_clear_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("import", "--cdx", "http://127.0.0.1:9/news/cdx", "--url", URL)
    assert result.code == 1
    assert result.stderr.startswith("scrubwatch: ")
    assert "Traceback" not in result.stderr
