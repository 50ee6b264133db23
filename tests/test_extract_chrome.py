"""Per-outlet chrome learning: blocks repeated across many distinct articles are stripped,
real sentences never are, and the state survives a JSON round trip."""

from __future__ import annotations

import json

import pytest

from scrubwatch.extract.chrome import ChromeModel
from scrubwatch.model import Document

APPEAL = (
    "Our journalism is funded by readers like you. Support the Ledger from as little as 1 "
    "manat a month."
)
QUOTE = '"We will not sign a contract that hands our ports to anyone," the minister said.'


def story(n: int, *extra: str) -> list[str]:
    return [f"Story {n} opens with its own sentence number {n * 7 + 1}.", *extra, f"End of {n}."]


def feed(model: ChromeModel, count: int, *extra: str, start: int = 0) -> None:
    for n in range(start, start + count):
        model.observe(f"https://ledger.example/news/{n}", story(n, *extra))


def test_block_on_many_articles_is_learned_and_stripped() -> None:
    model = ChromeModel(min_articles=5)
    feed(model, 4, APPEAL)
    assert not model.is_chrome(APPEAL)
    feed(model, 1, APPEAL, start=4)
    assert model.is_chrome(APPEAL)
    paragraphs = ("First real sentence.", APPEAL, "Second real sentence.")
    assert model.strip(paragraphs) == ("First real sentence.", "Second real sentence.")


def test_learning_ignores_case_spacing_and_punctuation_but_not_numbers() -> None:
    model = ChromeModel(min_articles=3)
    for n in range(3):
        model.observe(f"u{n}", ["Support us:  donate today!", f"The toll rose to {n + 10}."])
    assert model.is_chrome("support us - DONATE today")
    assert not model.is_chrome("The toll rose to 10.")


def test_repetition_inside_one_article_never_counts() -> None:
    model = ChromeModel(min_articles=3)
    for _ in range(10):  # the same article fetched ten times, the quote printed three times
        model.observe("https://ledger.example/news/1", [QUOTE, QUOTE, QUOTE, "Other text."])
    assert not model.is_chrome(QUOTE)
    assert model.observed == 1


def test_quote_shared_by_two_articles_is_never_chrome() -> None:
    model = ChromeModel(min_articles=3)
    model.observe("a", [QUOTE, "Text of a."])
    model.observe("b", [QUOTE, "Text of b."])
    feed(model, 50)
    assert not model.is_chrome(QUOTE)


def test_quote_in_a_few_follow_ups_of_a_busy_outlet_is_not_chrome() -> None:
    model = ChromeModel(min_articles=5, min_share=0.5)
    for n in range(40):
        extra = (QUOTE,) if n % 6 == 0 else ()  # 7 of 40 articles quote the minister
        model.observe(f"https://ledger.example/news/{n}", story(n, *extra))
    assert not model.is_chrome(QUOTE)


def test_learning_is_sticky_once_learned() -> None:
    model = ChromeModel(min_articles=3)
    feed(model, 3, APPEAL)
    assert model.is_chrome(APPEAL)
    feed(model, 100, start=3)  # the appeal disappears from later articles
    assert model.is_chrome(APPEAL)


def test_strip_document_keeps_metadata_and_applies_to_both_sides() -> None:
    model = ChromeModel(min_articles=3)
    old = Document(title="T", byline="B", paragraphs=("Real one.", APPEAL, "Real two."))
    new = Document(title="T", byline="B", paragraphs=("Real one.", "Real two."))
    feed(model, 3, APPEAL)
    assert model.strip_document(old) == new
    assert model.strip_document(new) is new


def test_state_round_trips_through_json() -> None:
    model = ChromeModel(min_articles=3, min_share=0.4)
    feed(model, 3, APPEAL)
    feed(model, 2, "A block seen twice so far.", start=3)
    state = json.loads(json.dumps(model.to_json()))
    restored = ChromeModel.from_json(state)
    assert restored.to_json() == model.to_json()
    assert restored.is_chrome(APPEAL)
    restored.observe("https://ledger.example/news/99", ["A block seen twice so far."])
    assert restored.is_chrome("A block seen twice so far.")


@pytest.mark.parametrize(
    "state",
    [{}, {"v": 99}, {"v": 1, "min_articles": "x"}, {"v": 1, "min_articles": 5}],
)
def test_bad_state_is_a_value_error(state: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ChromeModel.from_json(state)


def test_settings_that_would_strip_quotes_are_refused() -> None:
    with pytest.raises(ValueError):
        ChromeModel(min_articles=2)
    with pytest.raises(ValueError):
        ChromeModel(min_share=0)


def test_memory_is_bounded_and_frequent_blocks_survive_eviction() -> None:
    model = ChromeModel(min_articles=5, max_tracked=200, max_articles=100)
    for n in range(1000):
        extra = ["Frequent block."] if n % 2 == 0 else []
        model.observe(f"u{n}", [f"Unique paragraph {n} of article {n}.", *extra])
    state = model.to_json()
    assert isinstance(state["candidates"], dict) and len(state["candidates"]) <= 200
    assert isinstance(state["articles"], list) and len(state["articles"]) <= 100
    assert model.is_chrome("Frequent block.")
    assert not model.is_chrome("Unique paragraph 3 of article 3.")


def test_absorbing_another_model_adds_its_learned_blocks_only() -> None:
    newsletter = "Sign up for the Ledger's morning briefing, sent every weekday at seven."
    mine, theirs = ChromeModel(min_articles=3), ChromeModel(min_articles=3)
    feed(mine, 3, APPEAL)
    feed(theirs, 3, newsletter, start=10)
    feed(theirs, 2, QUOTE, start=20)  # still being weighed over there: not taken over
    mine.absorb(theirs)
    assert mine.is_chrome(APPEAL) and mine.is_chrome(newsletter)
    assert not mine.is_chrome(QUOTE)
    assert mine.learned == 2


def test_absorbing_respects_the_cap_on_learned_blocks() -> None:
    mine, theirs = ChromeModel(min_articles=3, max_learned=1), ChromeModel(min_articles=3)
    feed(mine, 3, APPEAL)
    feed(theirs, 3, "Follow us on Telegram for breaking news from the region.", start=10)
    mine.absorb(theirs)
    assert mine.learned == 1 and mine.is_chrome(APPEAL)
