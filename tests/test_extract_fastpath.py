"""The fast re-check path: it confirms an unchanged article despite page churn, and never says
"unchanged" when a full extraction would give a different Document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.extract.document import extract_document
from scrubwatch.extract.fastpath import FastHint, make_hint, unchanged
from scrubwatch.model import Document

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
PARAGRAPHS = [
    "Officials in Baku said on Monday that talks on transport links with Beijing would resume.",
    "Delegations are expected to discuss rail freight, port capacity and customs procedures.",
    "The transport ministry declined to say when the agreement would be signed.",
    "Two press releases about the corridor were removed from the ministry's website.",
    "Analysts said the project would cost at least $3.7 billion over five years.",
    "The ministry said a decision would be taken after the state visit.",
]


@pytest.fixture(scope="module")
def outlet() -> Iterator[FakeOutlet]:
    with FakeOutlet() as running:
        running.publish("talks", "Transport talks resume", PARAGRAPHS, byline="Nino Beridze")
        running.publish("other", "Ferry strike ends", PARAGRAPHS[::-1])
        yield running


def fetch(outlet: FakeOutlet, slug: str) -> tuple[bytes, str | None, Document]:
    response = httpx.get(outlet.url(slug), timeout=10)
    content_type = response.headers.get("content-type")
    return response.content, content_type, extract_document(response.content, str(response.url))


def hint_for(outlet: FakeOutlet, slug: str) -> FastHint:
    body, content_type, document = fetch(outlet, slug)
    hint = make_hint(body, content_type, document)
    assert hint is not None
    return hint


def test_unchanged_article_is_confirmed_despite_churning_chrome(outlet: FakeOutlet) -> None:
    hint = hint_for(outlet, "talks")
    first, _, reference = fetch(outlet, "talks")
    for _ in range(12):
        body, content_type, document = fetch(outlet, "talks")
        assert body != first  # the chrome really churns
        assert document == reference
        assert unchanged(body, content_type, hint)


def test_edits_are_never_confirmed(outlet: FakeOutlet) -> None:
    outlet.publish("edited", "Port deal", PARAGRAPHS, byline="Nino Beridze")
    hint = hint_for(outlet, "edited")
    reference = fetch(outlet, "edited")[2]
    edits = [
        {"paragraphs": PARAGRAPHS[:-1]},  # a paragraph deleted
        {"paragraphs": [*PARAGRAPHS[:4], PARAGRAPHS[4].replace("3.7", "2.9"), PARAGRAPHS[5]]},
        {"paragraphs": [PARAGRAPHS[0] + " " + PARAGRAPHS[1], *PARAGRAPHS[2:]]},  # merged
        {"title": "Port deal shelved"},
        {"updated": datetime.now(UTC) + timedelta(days=3)},  # only the updated date changes
    ]
    for edit in edits:
        outlet.publish("edited", "Port deal", PARAGRAPHS, byline="Nino Beridze")
        outlet.edit("edited", **edit)  # type: ignore[arg-type]
        body, content_type, document = fetch(outlet, "edited")
        assert document != reference  # full extraction sees the edit...
        assert not unchanged(body, content_type, hint), edit  # ...and so must the fast path


def test_never_true_when_full_extraction_differs(outlet: FakeOutlet) -> None:
    hints = {slug: hint_for(outlet, slug) for slug in ("talks", "other")}
    references = {slug: fetch(outlet, slug)[2] for slug in hints}
    for slug, other in (("talks", "other"), ("other", "talks")):
        body, content_type, document = fetch(outlet, slug)
        if unchanged(body, content_type, hints[slug]):
            assert document == references[slug]
        assert not unchanged(body, content_type, hints[other])  # another article's hint


def test_emptied_and_missing_pages_are_doubt(outlet: FakeOutlet) -> None:
    outlet.publish("gone", "Short-lived", PARAGRAPHS)
    hint = hint_for(outlet, "gone")
    outlet.empty("gone")
    body, content_type, _ = fetch(outlet, "gone")
    assert not unchanged(body, content_type, hint)
    assert not unchanged(b"", None, hint)
    assert not unchanged(b"<html><body><p>nothing</p></body></html>", None, hint)


def test_no_hint_for_an_empty_document() -> None:
    raw = (FIXTURES / "homepage.html").read_bytes()
    document = extract_document(raw, "https://ledger.example/")
    assert document.is_empty
    assert make_hint(raw, None, document) is None


def test_attribute_churn_inside_the_article_is_ignored_but_class_is_not() -> None:
    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    document = extract_document(html.encode())
    hint = make_hint(html.encode(), None, document)
    assert hint is not None
    with_ids = html.replace("<p>The transport", '<p id="p-8f3a" data-x="1">The transport', 1)
    assert unchanged(with_ids.encode(), None, hint)
    with_class = html.replace("<p>The transport", '<p class="share-bar">The transport', 1)
    assert not unchanged(with_class.encode(), None, hint)


def test_hint_round_trips_through_json(outlet: FakeOutlet) -> None:
    hint = hint_for(outlet, "talks")
    restored = FastHint.from_json(json.loads(json.dumps(hint.to_json())))
    assert restored == hint
    body, content_type, _ = fetch(outlet, "talks")
    assert unchanged(body, content_type, restored)


@pytest.mark.parametrize(
    "data",
    [{}, {"v": 0}, {"v": 1, "path": "x", "region": "a", "context": "b"}, {"v": 1, "path": []}],
)
def test_bad_hint_data_is_a_value_error(data: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        FastHint.from_json(data)


RUSSIAN = [
    "Переговоры о транспортном коридоре продолжатся в следующем месяце, сообщили в Баку.",
    "Делегации обсудят железнодорожные перевозки, мощности портов и таможенные процедуры.",
    "В министерстве транспорта не уточнили, когда будет подписано соглашение о строительстве.",
]


def _russian_page(paragraphs: list[str], clock: str) -> str:
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (
        "<html><head><title>Коридор</title></head><body><nav>Главная · Новости</nav>"
        f"<article><h1>Коридор</h1>{body}</article><footer>Обновлено {clock}</footer>"
        "</body></html>"
    )


@pytest.mark.parametrize(
    ("encoding", "content_type"),
    [
        ("windows-1251", "text/html; charset=windows-1251"),
        ("utf-8", "text/html; charset=utf-8"),
        ("utf-8", None),
    ],
)
def test_one_letter_edits_are_seen_in_any_encoding(encoding: str, content_type: str | None) -> None:
    original = _russian_page(RUSSIAN, "10:05").encode(encoding)
    hint = make_hint(original, content_type, extract_document(original, None, content_type))
    assert hint is not None
    churned = _russian_page(RUSSIAN, "10:20").encode(encoding)
    assert unchanged(churned, content_type, hint)
    # One Cyrillic letter changes: a different byte in windows-1251, a different second
    # byte of a two-byte character in UTF-8.
    edited = [RUSSIAN[0], RUSSIAN[1].replace("портов", "портa"), RUSSIAN[2]]
    edited_body = _russian_page(edited, "10:20").encode(encoding)
    assert extract_document(edited_body, None, content_type).paragraphs[1] != RUSSIAN[1]
    assert not unchanged(edited_body, content_type, hint)


def test_the_region_holds_every_paragraph_whatever_their_order() -> None:
    """Paragraphs are looked for in page order first (linear time on huge pages); out of
    order, each is still found, and the region is the one holding them all."""
    page = (
        b"<html><body><aside><p>Most read: Talks resume in the port city today.</p></aside>"
        b"<div class='story'><p>First paragraph of the story, about the corridor.</p>"
        b"<p>Second paragraph of the story, about the railway.</p></div></body></html>"
    )
    in_order = (
        "First paragraph of the story, about the corridor.",
        "Second paragraph of the story, about the railway.",
    )
    hints = [
        make_hint(page, None, Document(title="Talks", paragraphs=paragraphs))
        for paragraphs in (in_order, in_order[::-1])
    ]
    assert hints[0] is not None and hints[0] == hints[1]
    assert hints[0].path[-1] == ("div", 0)
    everything = (*in_order, "Most read: Talks resume in the port city today.")
    hint = make_hint(page, None, Document(title="Talks", paragraphs=everything))
    assert hint is not None and hint.path[-1] == ("body", 0)


def _churning_page(visit: int, paragraphs: list[str], *, title: str = "Port deal") -> bytes:
    """A news page whose chrome inside the article changes on every visit: a share counter,
    a relative time and a "read also" box of rotating teasers (links with their times)."""
    teasers = "".join(
        f'<li><a href="/news/story-{(visit + k) % 9}">Story {(visit + k) % 9} about ferries</a>'
        f" <time>{(visit * 7 + k) % 59 + 1} min ago</time></li>"
        for k in range(3)
    )
    body = [f"<p>{p}</p>" for p in paragraphs]
    body.insert(2, f'<aside class="related"><h3>Read also</h3><ul>{teasers}</ul></aside>')
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title></head><body>"
        f"<header><a href='/'>The Courier</a> <time class='clock'>09:{visit:02d}</time></header>"
        f"<main><article><h1>{title}</h1>"
        '<p class="byline">By <span class="author">Leyla Aliyeva</span></p>'
        f'<p class="meta"><time datetime="2026-12-03">{visit + 3} minutes ago</time> · '
        f'<span class="shares">{visit * 131 + 17:,} shares</span></p>'
        f'<div class="body">{"".join(body)}</div></article>'
        f'<aside class="most-read"><ol><li><a href="/x">Most read {visit}</a></li></ol></aside>'
        "</main></body></html>"
    ).encode()


def test_chrome_churning_inside_the_article_is_left_out_of_the_hint() -> None:
    first = _churning_page(1, PARAGRAPHS)
    reference = extract_document(first)
    hint = make_hint(first, None, reference)
    assert hint is not None and len(hint.skips) >= 3  # the box, the time, the counter
    assert FastHint.from_json(json.loads(json.dumps(hint.to_json()))) == hint
    for visit in range(2, 12):
        page = _churning_page(visit, PARAGRAPHS)
        assert extract_document(page).fingerprint() == reference.fingerprint()
        assert unchanged(page, None, hint), visit


def test_edits_around_left_out_chrome_are_never_confirmed() -> None:
    first = _churning_page(1, PARAGRAPHS)
    hint = make_hint(first, None, extract_document(first))
    assert hint is not None
    edited = [*PARAGRAPHS[:4], PARAGRAPHS[4].replace("$3.7", "$2.9"), *PARAGRAPHS[5:]]
    pages = [
        _churning_page(5, edited),  # a figure changed
        _churning_page(5, PARAGRAPHS[:-1]),  # the last paragraph removed
        _churning_page(5, [*PARAGRAPHS[:2], "A sentence added next to the box.", *PARAGRAPHS[2:]]),
        _churning_page(5, PARAGRAPHS, title="Port deal shelved"),
        _churning_page(5, PARAGRAPHS).replace(b"Leyla Aliyeva", b"Staff reporter"),
        _churning_page(5, PARAGRAPHS).replace(
            b"</time> \xc2\xb7", b"</time> Corrected: wrong date \xc2\xb7"
        ),
    ]
    reference = extract_document(first).fingerprint()
    for number, page in enumerate(pages):
        full = extract_document(page)
        if full.fingerprint() != reference:  # what full extraction sees as an edit...
            assert not unchanged(page, None, hint), number  # ...the fast path never confirms
        else:
            assert number == 5  # text beside the dateline is not article text either way
            assert not unchanged(page, None, hint)  # but new text in the region is doubt
