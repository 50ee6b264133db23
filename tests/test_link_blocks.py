"""A block that came or went between two captures and is all link text on the page that
shows it (a teaser headline the extractor kept) is chrome, judged from the archived pages;
the article's own sentences, links or not, are still compared."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scrubwatch.clock import ManualClock
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.extract.links import link_only_texts
from scrubwatch.model import Change
from scrubwatch.runner import Runner
from scrubwatch.store import SqlStore, open_store

STORY = [
    "Officials in Baku said on Monday that talks on transport links would continue next "
    "month, with delegations expected to discuss rail freight and customs procedures.",
    "The Chinese delegation was led by Liu Jianchao, who met the foreign minister for two "
    "hours and spoke of the corridor as a shared project of both governments.",
    "Neither side gave a date for the next round, and the ministry declined to comment on "
    "reports that the contract had already been signed in <a href='/docs/contract'>April</a>.",
    "Analysts in Tbilisi said the route would cut freight times between the Caspian and the "
    "Black Sea by a third if it were ever built as planned.",
]
SLUG = "talks-continue"


def _page(paragraphs: list[str], teaser: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs[:2])
    body += f"<p><a href='/news/{abs(hash(teaser))}'>{teaser}</a></p>"
    body += "".join(f"<p>{p}</p>" for p in paragraphs[2:])
    return (
        "<html><head><title>Talks on the corridor continue</title></head><body>"
        f"<article><h1>Talks on the corridor continue</h1>{body}</article></body></html>"
    )


def _check(settings: Settings, store: SqlStore, clock: ManualClock) -> list[Change]:
    async def go() -> list[Change]:
        async with Runner(settings, store, clock=clock, analysis_workers=0) as runner:
            return (await runner.check_pass(all_articles=True)).changes

    clock.advance(timedelta(hours=1))
    return asyncio.run(go())


def test_teasers_that_come_and_go_are_not_edits_but_the_articles_sentences_are(
    tmp_path: Path, outlet: FakeOutlet
) -> None:
    clock = ManualClock(datetime(2026, 4, 20, 8, 0, tzinfo=UTC))
    settings = Settings(data_dir=tmp_path / "data")
    store = open_store(settings)
    outlet.publish(SLUG, "Talks on the corridor continue", ("placeholder",))
    outlet.serve_instead(SLUG, _page(STORY, "Gas prices fall across the region after the deal"))

    async def watch() -> None:
        async with Runner(settings, store, clock=clock, analysis_workers=0) as runner:
            await runner.watch(outlet.url(SLUG))

    asyncio.run(watch())
    assert _check(settings, store, clock) == []  # the first version, teaser and all
    article = store.article(outlet.url(SLUG))
    assert article is not None and article.id is not None
    (first,) = store.versions(article.id)
    assert "Gas prices fall across the region after the deal" in first.document.paragraphs

    outlet.serve_instead(SLUG, _page(STORY, "Minister resigns after the vote in parliament"))
    assert _check(settings, store, clock) == []  # one teaser went, another came

    outlet.serve_instead(SLUG, _page([*STORY[:2], STORY[3]], "Storm hits the coast tonight"))
    (change,) = _check(settings, store, clock)
    assert change.diff is not None
    assert change.diff.sentences_removed == (
        "Neither side gave a date for the next round, and the ministry declined to comment "
        "on reports that the contract had already been signed in April.",
    )
    assert not change.diff.sentences_added and "Storm" not in change.summary
    store.close()


def test_only_texts_wholly_inside_links_elsewhere_count() -> None:
    page = (
        b"<html><body><h3><a href='/a'>Gas prices fall</a></h3>"
        b"<ul><li><a href='/b'>One</a> | <a href='/c'>Two</a></li></ul>"
        b"<p>The <a href='/w'>corridor</a> would link Nakhchivan.</p>"
        b"<p><a href='#part-2'>Part two</a></p><p><a href='javascript:void(0)'>Menu</a></p>"
        b"</body></html>"
    )
    texts = link_only_texts(page, "text/html")
    assert {"gas prices fall", "one | two"} <= texts
    assert not {"the corridor would link nakhchivan.", "part two", "menu"} & texts
