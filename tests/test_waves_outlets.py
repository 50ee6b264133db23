"""Scrub waves end to end: several fake outlets on loopback in English, Russian and
Azerbaijani, watched through the real CLI on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import wave_stories as s
from conftest import Cli
from scrubwatch.demo.outlet import FakeOutlet
from test_workers import cluster

pytestmark = pytest.mark.slow

Story = tuple[str, tuple[str, ...]]


@pytest.fixture
def outlets() -> Iterator[dict[str, FakeOutlet]]:
    """Four outlets: two English, one Russian, one Azerbaijani."""
    names = {"en1": "Caspian Ledger", "en2": "Silk Road Wire", "ru": "Vestnik", "az": "Xəbər"}
    with ExitStack() as stack:
        yield {key: stack.enter_context(FakeOutlet(name)) for key, name in names.items()}


def _publish(outlet: FakeOutlet, slug: str, story: Story, language: str) -> str:
    title, paragraphs = story
    return outlet.publish(slug, title, paragraphs, language=language, byline="Staff")


def _host(outlet: FakeOutlet) -> str:
    return urlsplit(outlet.base_url).netloc


def _watch_all(cli: Cli, outlets: dict[str, FakeOutlet]) -> None:
    for outlet in outlets.values():
        assert cli("watch", outlet.base_url).code == 0
    first = cli("check")
    assert first.code == 0, first.stderr


def _waves(cli: Cli) -> list[dict[str, Any]]:
    cli_result = cli("waves", "--json")
    assert cli_result.code == 0, cli_result.stderr
    found: list[dict[str, Any]] = cli_result.json()
    return found


def test_one_story_deleted_by_several_outlets_is_one_growing_wave(
    cli_on_each_db: Cli, outlets: dict[str, FakeOutlet]
) -> None:
    cli = cli_on_each_db
    en1, en2, ru, az = outlets["en1"], outlets["en2"], outlets["ru"], outlets["az"]
    corridor = {
        "en1": _publish(en1, "chinese-companies-zangezur", s.CORRIDOR_EN, "en"),
        "en2": _publish(en2, "china-zangezur-envoy", s.CORRIDOR_EN_COPY, "en"),
        "ru": _publish(ru, "kitai-zangezur", s.CORRIDOR_RU, "ru"),
        "az": _publish(az, "cin-zengezur", s.CORRIDOR_AZ, "az"),
    }
    football = _publish(en1, "neftchi-derby", s.FOOTBALL_EN, "en")
    weather = _publish(ru, "moskva-sneg", s.WEATHER_RU, "ru")
    _watch_all(cli, outlets)
    assert _waves(cli) == []

    # Two English outlets delete the report, and unrelated news goes at the same moment.
    en1.delete("chinese-companies-zangezur")
    en2.delete("china-zangezur-envoy", 410)
    en1.delete("neftchi-derby")
    ru.delete("moskva-sneg")
    assert cli("check", "--all").code == 0
    [wave] = _waves(cli)
    assert wave["outlets"] == sorted([_host(en1), _host(en2)])
    assert sorted(c["url"] for c in wave["changes"]) == sorted([corridor["en1"], corridor["en2"]])
    assert sorted(wave["still_published"]) == sorted([corridor["ru"], corridor["az"]])
    assert wave["title"] in (s.CORRIDOR_EN[0], s.CORRIDOR_EN_COPY[0])
    assert {c["kind"] for c in wave["changes"]} == {"deleted"}
    assert all(c["diff"].startswith("http") for c in wave["changes"])

    # Later the Russian outlet deletes its translation: the same wave grows.
    ru.delete("kitai-zangezur")
    assert cli("check", "--all").code == 0
    [grown] = _waves(cli)
    assert grown["id"] == wave["id"] and grown["size"] == 3
    assert grown["outlets"] == sorted([_host(en1), _host(en2), _host(ru)])
    assert grown["still_published"] == [corridor["az"]]  # the outlet that kept it
    members = {c["url"] for c in grown["changes"]}
    assert football not in members and weather not in members
    assert grown["started_at"] <= grown["ended_at"]
    assert cli("waves", "--json", "--since", grown["ended_at"]).json() == [grown]
    assert cli("waves", "--json", "--since", "2999-01-01T00:00:00").json() == []
    bad = cli("waves", "--since", "yesterday")
    assert bad.code == 2 and "ISO-8601" in bad.stderr


def test_same_topic_different_stories_and_unrelated_deletions_make_no_wave(
    cli_on_each_db: Cli, outlets: dict[str, FakeOutlet]
) -> None:
    cli = cli_on_each_db
    en1, az, ru = outlets["en1"], outlets["az"], outlets["ru"]
    _publish(en1, "pashinyan-route", s.BORDER_TALKS_EN, "en")
    _publish(az, "horadiz-agbend", s.HIGHWAY_AZ, "az")
    _publish(outlets["en2"], "neftchi-derby", s.FOOTBALL_EN, "en")
    _publish(ru, "moskva-sneg", s.WEATHER_RU, "ru")
    _watch_all(cli, outlets)
    en1.delete("pashinyan-route")
    az.delete("horadiz-agbend")
    outlets["en2"].delete("neftchi-derby")
    ru.delete("moskva-sneg")
    assert cli("check", "--all").code == 0
    assert _waves(cli) == []
    listed = cli("changes", "--json").json()
    assert len([c for c in listed if c["kind"] == "deleted"]) == 4  # the deletions were seen


def test_outlets_removing_one_term_group_in_different_scripts_form_a_wave(
    cli_on_each_db: Cli, outlets: dict[str, FakeOutlet], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An English outlet cuts the corridor from an article about a visit; a Russian one
    deletes its own corridor report. Different stories, one watched term group."""
    monkeypatch.setenv("SCRUBWATCH_WATCH_TERMS", s.CORRIDOR_TERMS)
    cli = cli_on_each_db
    en1, ru = outlets["en1"], outlets["ru"]
    visit = _publish(en1, "aliyev-china", s.VISIT_EN, "en")
    report = _publish(ru, "kitai-zangezur", s.CORRIDOR_RU, "ru")
    _watch_all(cli, outlets)
    _title, paragraphs = s.VISIT_EN
    en1.edit("aliyev-china", paragraphs=[p for p in paragraphs if "Zangezur" not in p])
    ru.delete("kitai-zangezur")
    assert cli("check", "--all").code == 0
    [wave] = _waves(cli)
    assert wave["terms"] == ["Zangezur"]
    kinds = {c["url"]: c["kind"] for c in wave["changes"]}
    assert kinds == {visit: "edited", report: "deleted"}
    [edit] = [c for c in wave["changes"] if c["kind"] == "edited"]
    assert "Zangezur corridor" in edit["removed"]
    assert "/diff?from=1&to=2" in edit["diff"]
    human = cli("waves")
    assert human.code == 0 and "removed: Zangezur" in " ".join(human.stdout.split())


def test_the_scale_out_scheduler_keeps_waves_up_to_date(tmp_path: Path) -> None:
    """`run --scheduler-only` and a worker on PostgreSQL: the scheduler files the wave of
    what the worker recorded, without anyone running `waves`."""
    with FakeOutlet("Ledger") as en, FakeOutlet("Vestnik") as ru, cluster(tmp_path) as sw:
        _publish(en, "corridor", s.CORRIDOR_EN, "en")
        _publish(ru, "koridor", s.CORRIDOR_RU, "ru")
        for outlet in (en, ru):
            sw.run("watch", outlet.base_url)
        sw.start("run", "--scheduler-only")
        sw.start("worker", "--concurrency", "2")
        sw.wait_for(lambda: sw.captured_rounds(1))
        en.delete("corridor")
        ru.delete("koridor")
        sw.make_all_due()
        sw.wait_for(lambda: bool(sw.store.wave_list()))
        [wave] = sw.store.wave_list()
    assert sorted(wave.outlets) == sorted([_host(en), _host(ru)])
