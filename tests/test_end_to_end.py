"""watch → check → edit/delete → check → changes, through the real CLI entry point,
against the fake outlet over real sockets, on a real SQLite file."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest

from articles import BYLINE, OTHER, OTHER_TITLE, PARAGRAPHS, REMOVED_SENTENCE, SCRUBBED, TITLE
from conftest import Cli
from scrubwatch.demo.outlet import FakeOutlet

pytestmark = pytest.mark.slow


@pytest.fixture
def cli(cli_on_each_db: Cli) -> Cli:
    """Every end-to-end test runs on SQLite and on PostgreSQL."""
    return cli_on_each_db


def _setup(cli: Cli, outlet: FakeOutlet) -> str:
    url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    outlet.publish("baku-port", OTHER_TITLE, OTHER, byline=BYLINE)
    watched = cli("watch", outlet.base_url)
    assert watched.code == 0, watched.stderr
    first = cli("check")
    assert first.code == 0, first.stderr
    assert "Checked 2 article(s)" in first.stdout
    return url


def _changes(cli: Cli, schema: dict[str, Any], *args: str) -> list[dict[str, Any]]:
    result = cli("changes", "--json", *args)
    assert result.code == 0, result.stderr
    data = result.json()
    assert isinstance(data, list)
    for change in data:
        jsonschema.validate(change, schema)
    return data


def test_scrub_is_detected_and_explained(
    cli: Cli, outlet: FakeOutlet, change_schema: dict[str, Any]
) -> None:
    url = _setup(cli, outlet)
    outlet.edit("aliyev-beijing", paragraphs=SCRUBBED)
    assert cli("check", "--all").code == 0

    changes = _changes(cli, change_schema)
    assert len(changes) == 1
    change = changes[0]
    assert change["url"] == url
    assert change["kind"] == "edited"
    assert change["severity"] == "substantive"
    assert (change["from_version"], change["to_version"]) == (1, 2)
    assert REMOVED_SENTENCE in change["sentences"]["removed"]
    assert any("Liu Jianchao" in q or "Zangezur" in q for q in change["quotes_removed"])
    assert {"before": "$3.7 billion", "after": "$3.2 billion"} in change["numbers_changed"]
    assert "Zangezur" in change["summary"]


def test_chrome_churn_alone_is_no_change(
    cli: Cli, outlet: FakeOutlet, change_schema: dict[str, Any]
) -> None:
    _setup(cli, outlet)
    for _ in range(3):
        assert cli("check", "--all").code == 0
    assert _changes(cli, change_schema) == []


@pytest.mark.parametrize(
    ("action", "deletion"),
    [
        (lambda o: o.delete("aliyev-beijing", 404), "http_404"),
        (lambda o: o.delete("aliyev-beijing", 410), "http_410"),
        (lambda o: o.redirect("aliyev-beijing", "/"), "redirect"),
        (lambda o: o.soft_404("aliyev-beijing"), "soft_404"),
        (lambda o: o.empty("aliyev-beijing"), "emptied"),
    ],
    ids=["404", "410", "redirect", "soft_404", "emptied"],
)
def test_deletion_then_restoration(
    cli: Cli,
    outlet: FakeOutlet,
    change_schema: dict[str, Any],
    action: Any,
    deletion: str,
) -> None:
    url = _setup(cli, outlet)
    action(outlet)
    assert cli("check", "--all").code == 0
    deleted = _changes(cli, change_schema, "--kind", "deleted")
    assert [(c["url"], c["deletion"]) for c in deleted] == [(url, deletion)]
    assert deleted[0]["from_version"] == 1 and deleted[0]["to_version"] is None

    assert cli("check", "--all").code == 0  # still gone: not reported twice
    assert len(_changes(cli, change_schema, "--kind", "deleted")) == 1

    outlet.restore("aliyev-beijing")
    assert cli("check", "--all").code == 0
    restored = _changes(cli, change_schema, "--kind", "restored")
    assert [(c["url"], c["to_version"]) for c in restored] == [(url, 1)]


def test_server_errors_are_failures_not_deletions(
    cli: Cli, outlet: FakeOutlet, change_schema: dict[str, Any]
) -> None:
    _setup(cli, outlet)
    outlet.set_failing("aliyev-beijing", 503)
    result = cli("check", "--all")
    assert result.code == 0
    # The 503 says Retry-After: 120, so the other article of that host may be held back too.
    assert re.search(r"\b[12] failed", result.stdout), result.stdout
    assert _changes(cli, change_schema) == []


def test_history_and_diff_show_the_versions(cli: Cli, outlet: FakeOutlet) -> None:
    url = _setup(cli, outlet)
    outlet.edit("aliyev-beijing", title="Aliyev heads to Beijing", paragraphs=SCRUBBED)
    cli("check", "--all")

    history = cli("history", url, "--json")
    assert history.code == 0, history.stderr
    versions = history.json()
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["title"] == TITLE
    assert REMOVED_SENTENCE in versions[0]["text"]
    assert REMOVED_SENTENCE not in versions[1]["text"]

    shown = cli("diff", url)
    assert shown.code == 0, shown.stderr
    assert "Zangezur corridor" in shown.stdout
    assert "$3.2 billion" in shown.stdout


def test_changes_filters(cli: Cli, outlet: FakeOutlet, change_schema: dict[str, Any]) -> None:
    url = _setup(cli, outlet)
    outlet.edit("aliyev-beijing", paragraphs=SCRUBBED)
    outlet.delete("baku-port")
    cli("check", "--all")
    assert len(_changes(cli, change_schema)) == 2
    assert [c["kind"] for c in _changes(cli, change_schema, "--url", url)] == ["edited"]
    assert [c["kind"] for c in _changes(cli, change_schema, "--kind", "deleted")] == ["deleted"]
    assert _changes(cli, change_schema, "--since", "2999-01-01T00:00:00+00:00") == []


def test_usage_errors_exit_2_with_one_line(cli: Cli) -> None:
    missing = cli("history", "http://127.0.0.1:9/news/nothing")
    assert missing.code == 2
    assert missing.stderr.strip().count("\n") == 0
    assert "not a watched article" in missing.stderr
    assert "Traceback" not in missing.stderr

    bad_since = cli("changes", "--since", "yesterday")
    assert bad_since.code == 2


def test_watch_unreachable_url_fails_cleanly(cli: Cli) -> None:
    result = cli("watch", "http://127.0.0.1:9/")
    assert result.code == 1
    assert "cannot watch" in result.stderr
    assert "Traceback" not in result.stderr


def test_watch_single_article(cli: Cli, outlet: FakeOutlet) -> None:
    url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    result = cli("watch", url + "?utm_source=newsletter")
    assert result.code == 0, result.stderr
    assert "article" in result.stdout
    cli("check")
    history = cli("history", url, "--json").json()
    assert len(history) == 1 and history[0]["title"] == TITLE
