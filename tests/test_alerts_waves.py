"""The `wave` alert kind: one delivery per scrub wave, one more each time it grows, sent to a
real webhook on loopback; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import wave_stories as s
from alert_support import T0, WebhookReceiver, record_deletion
from scrubwatch.alerts import deliver_pending, match_wave, queue_new_changes, queue_wave_alerts
from scrubwatch.alerts.define import new_rule
from scrubwatch.clock import ManualClock
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.errors import UsageError
from scrubwatch.model import (
    AlertRule,
    Article,
    ArticleState,
    Capture,
    CaptureOutcome,
    Document,
    Outlet,
)
from scrubwatch.pipeline.waves import update_waves
from scrubwatch.runner import Runner
from scrubwatch.store import CheckRecord, SqlStore, open_store

SETTINGS = Settings(base_url="http://scrub.example", alert_timeout=2.0)
WAVE_SCHEMA = {"type": "object", "required": ["id", "outlets", "changes", "still_published"]}


def _published(store: SqlStore, host: str, story: tuple[str, tuple[str, ...]]) -> Article:
    url = f"https://{host}/news/corridor"
    store.upsert_outlet(Outlet(host=host, homepage=f"https://{host}/"), T0)
    [article] = store.add_articles(host, [url], "feed", T0)
    assert article.id is not None
    title, paragraphs = story
    store.record_check(
        CheckRecord(
            article=article,
            capture=Capture(article.id, T0, url, CaptureOutcome.NEW_VERSION),
            state=ArticleState.LIVE,
            next_check_at=T0,
            new_document=Document(title=title, paragraphs=paragraphs),
        )
    )
    found = store.article(url)
    assert found is not None
    return found


def _deliver(store: SqlStore, now: datetime) -> int:
    report = asyncio.run(deliver_pending(store, SETTINGS, now, rng=random.Random(1)))
    return report.sent


def test_a_wave_rule_fires_once_per_wave_and_again_when_it_grows(store: SqlStore) -> None:
    en = _published(store, "ledger.example", s.CORRIDOR_EN)
    ru = _published(store, "vestnik.example", s.CORRIDOR_RU)
    az = _published(store, "xeber.example", s.CORRIDOR_AZ)
    with WebhookReceiver(WAVE_SCHEMA) as hook:
        rule = AlertRule(
            name="waves", target=hook.url, kinds=("wave",), terms=("Зангезур|Zangezur",)
        )
        store.add_alert_rule(rule, T0)
        store.add_alert_rule(
            AlertRule(
                name="elsewhere", target=hook.url, kinds=("wave",), outlets=("other.example",)
            ),
            T0,
        )
        store.add_alert_rule(AlertRule(name="single", target=hook.url, kinds=("restored",)), T0)
        record_deletion(store, en, T0 + timedelta(hours=1))
        record_deletion(store, ru, T0 + timedelta(hours=2))
        now = T0 + timedelta(hours=2, minutes=5)
        update_waves(store, SETTINGS, now)
        assert queue_new_changes(store, now) == 0  # no rule wants single deletions
        assert queue_wave_alerts(store, now) == 1
        assert queue_wave_alerts(store, now) == 0  # offered again: nothing new
        assert _deliver(store, now) == 1

        later = T0 + timedelta(hours=3, minutes=5)
        record_deletion(store, az, T0 + timedelta(hours=3))
        update_waves(store, SETTINGS, later)
        assert queue_wave_alerts(store, later) == 1  # the wave grew
        assert _deliver(store, later) == 1
        update_waves(store, SETTINGS, later + timedelta(minutes=5))
        assert queue_wave_alerts(store, later + timedelta(minutes=5)) == 0
    assert hook.problems == []
    first, grown = (r.payload for r in hook.received)
    assert first["id"] == grown["id"]
    assert (len(first["outlets"]), len(grown["outlets"])) == (2, 3)
    assert first["still_published"] == [az.url] and grown["still_published"] == []
    assert first["alert"]["rule"] == "waves"
    assert first["alert"]["matched_terms"] == ["Зангезур"]
    assert first["alert"]["link"] == f"http://scrub.example/waves/{first['id']}"
    assert first["changes"][0]["diff"].startswith("http://scrub.example/articles/")


def test_a_rule_made_after_the_wave_hears_of_it_only_when_it_grows(store: SqlStore) -> None:
    en = _published(store, "ledger.example", s.CORRIDOR_EN)
    ru = _published(store, "vestnik.example", s.CORRIDOR_RU)
    record_deletion(store, en, T0 + timedelta(hours=1))
    record_deletion(store, ru, T0 + timedelta(hours=2))
    now = T0 + timedelta(hours=2, minutes=5)
    update_waves(store, SETTINGS, now)
    store.add_alert_rule(
        AlertRule(name="late", target="https://hook.example/", kinds=("wave",)), now
    )
    assert queue_wave_alerts(store, now) == 0


def test_wave_is_a_kind_of_its_own() -> None:
    assert new_rule(name="w", target="https://hook.example/", kinds="wave").kinds == ("wave",)
    with pytest.raises(UsageError, match="goes alone"):
        new_rule(name="w", target="https://hook.example/", kinds="wave,deleted")
    with pytest.raises(UsageError, match="unknown kind"):
        new_rule(name="w", target="https://hook.example/", kinds="waves")


def test_only_wave_rules_match_waves(store: SqlStore) -> None:
    en = _published(store, "ledger.example", s.CORRIDOR_EN)
    ru = _published(store, "vestnik.example", s.CORRIDOR_RU)
    record_deletion(store, en, T0 + timedelta(hours=1))
    record_deletion(store, ru, T0 + timedelta(hours=2))
    update_waves(store, SETTINGS, T0 + timedelta(hours=3))
    [wave] = store.wave_list()
    assert match_wave(AlertRule(name="a", target="x"), wave) is None
    assert match_wave(AlertRule(name="a", target="x", kinds=("wave",)), wave) == ()
    outlets = ("www.vestnik.example",)
    assert match_wave(AlertRule(name="a", target="x", kinds=("wave",), outlets=outlets), wave) == ()
    liu = AlertRule(name="a", target="x", kinds=("wave",), terms=("Liu Jianchao", "Pashinyan"))
    assert match_wave(liu, wave) == ("Liu Jianchao",)
    assert (
        match_wave(AlertRule(name="a", target="x", kinds=("wave",), terms=("Moscow",)), wave)
        is None
    )


def test_run_finds_the_wave_and_alerts_after_its_pass(tmp_path: Path) -> None:
    """`run` (Runner.run_forever) against two fake outlets: the pass that sees both deletions
    files the wave, and the webhook hears of it before `run` stops."""
    clock = ManualClock(T0)
    hook_schema = WebhookReceiver(WAVE_SCHEMA)
    with FakeOutlet("Ledger") as en, FakeOutlet("Vestnik") as ru, hook_schema as hook:
        en.publish("corridor", *s.CORRIDOR_EN)
        ru.publish("koridor", *s.CORRIDOR_RU, language="ru")
        settings = Settings(data_dir=tmp_path / "data", alert_timeout=2.0)
        store = open_store(settings)
        store.add_alert_rule(AlertRule(name="w", target=hook.url, kinds=("wave",)), T0)

        async def go() -> None:
            async with Runner(settings, store, clock=clock) as runner:
                for outlet in (en, ru):
                    await runner.watch(outlet.base_url)
                await runner.check_pass(all_articles=True)
                en.delete("corridor")
                ru.delete("koridor")
                clock.advance(timedelta(hours=1))  # both articles are due again
                stop = asyncio.Event()
                await runner.run_forever(stop, on_pass=lambda _report: stop.set())

        asyncio.run(go())
        store.close()
    [got] = hook.received
    urls = sorted(c["url"] for c in got.payload["changes"])
    assert urls == sorted([en.url("corridor"), ru.url("koridor")])
