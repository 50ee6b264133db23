"""Extraction inside the pipeline: the fast re-check path and per-outlet chrome learning."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from articles import BYLINE, OTHER, PARAGRAPHS, SCRUBBED, TITLE
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.model import ChangeKind
from scrubwatch.pipeline.report import PassReport
from test_monitoring import World

SERIES_NOTE = "This story is part of our weekly series on trade across the Caspian Sea."


def _pass(world: World) -> PassReport:
    world.clock.advance(timedelta(minutes=20))
    return world.run(lambda runner: runner.check_pass(all_articles=True))


def test_unchanged_articles_skip_extraction_and_edits_do_not(tmp_path: Path) -> None:
    world = World(tmp_path)
    with FakeOutlet(clock=world.clock) as outlet:
        outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
        outlet.publish("baku-port", "Baku port handles record cargo", OTHER, byline=BYLINE)
        world.watch(outlet.base_url)
        first = _pass(world)
        assert (first.checked, first.fast) == (2, 0)
        churn = _pass(world)  # only the page chrome changed
        assert (churn.checked, churn.fast, churn.changes) == (2, 2, [])
        outlet.edit("aliyev-beijing", paragraphs=SCRUBBED)
        edit = _pass(world)
    assert edit.fast == 1  # the other article
    assert [c.kind for c in edit.changes] == [ChangeKind.EDITED]


def test_chrome_learned_across_articles_is_not_an_edit(tmp_path: Path) -> None:
    world = World(tmp_path)
    with FakeOutlet(clock=world.clock) as outlet:
        slugs = [f"caspian-trade-report-{i}" for i in range(6)]
        bodies = [tuple(f"{p[:-1]}, report {i} says." for p in OTHER) for i in range(6)]
        for i, slug in enumerate(slugs):
            body = (*bodies[i], SERIES_NOTE)
            outlet.publish(slug, f"Caspian trade, part {i}", body, byline=BYLINE)
        world.watch(outlet.base_url)
        _pass(world)
        for slug, body in zip(slugs, bodies, strict=True):  # the series note goes everywhere
            outlet.edit(slug, paragraphs=body)
        quiet = _pass(world)
        assert quiet.changes == []
        outlet.edit(slugs[0], paragraphs=(bodies[0][0], *bodies[0][2:]))
        real = _pass(world)  # a real sentence removed is still an edit
    assert [c.kind for c in real.changes] == [ChangeKind.EDITED]
    outlet_state = world.store.outlet(outlet.base_url.removeprefix("http://"))
    assert outlet_state is not None and outlet_state.chrome  # the learned chrome is kept


def test_fast_path_holds_for_long_articles_beside_churning_chrome(tmp_path: Path) -> None:
    # A long article makes the page around it small in comparison: the region must still stop
    # at <article>, or the reshuffled "Most popular" box next to it defeats the fast path.
    world = World(tmp_path)
    long_paragraphs = [f"Part {p}. " + " ".join(OTHER) * 2 for p in range(6)]
    with FakeOutlet(clock=world.clock) as outlet:
        for i in range(3):
            outlet.publish(f"long-transport-report-{i}", f"Long report {i}", long_paragraphs)
        world.watch(outlet.base_url)
        _pass(world)
        churn = _pass(world)
    assert (churn.checked, churn.fast, churn.changes) == (3, 3, [])
