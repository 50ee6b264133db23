"""Rows of link cards (related stories, "most read", link lists) inside the main column are
chrome, found by their shape; an article's own paragraphs and lists never are."""

from __future__ import annotations

from lxml.html import fromstring  # type: ignore[import-untyped, unused-ignore]

from scrubwatch.extract.document import extract_document
from scrubwatch.extract.furniture import strip_furniture

STORY = [
    "Officials in Baku said on Monday that talks on transport links would continue next "
    "month, with delegations expected to discuss rail freight and customs procedures.",
    "The Chinese delegation was led by Liu Jianchao, who met the foreign minister for two "
    "hours and spoke of the corridor as a shared project of both governments.",
    "Neither side gave a date for the next round, and the ministry declined to comment on "
    "reports that the contract had already been signed in April.",
    "Analysts in Tbilisi said the route would cut freight times between the Caspian and the "
    "Black Sea by a third if it were ever built as planned.",
]


def _related(titles: list[str], label: str = "Related articles") -> str:
    cards = "".join(
        f"<div class='card'><a href='/news/{n}'>{title}</a></div>" for n, title in enumerate(titles)
    )
    return f"<div class='related'><span>{label}</span></div><div>{cards}</div>"


def _teasers(titles: list[str]) -> str:
    cards = "".join(
        f"<li class='teaser'><h3><a href='/story/{n}'>{title}</a></h3>"
        f"<p>A short standfirst for story {n}.</p></li>"
        for n, title in enumerate(titles)
    )
    return f"<h2>Most read</h2><ul class='teasers'>{cards}</ul>"


def _page(middle: str, tail: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in STORY[:2]) + middle
    body += "".join(f"<p>{p}</p>" for p in STORY[2:]) + tail
    html = (
        "<html><head><title>Talks on the corridor continue</title></head><body>"
        f"<main><div class='story'>{body}</div></main></body></html>"
    )
    return html.encode()


def _text(page: bytes) -> str:
    return extract_document(page, "https://news.example/politics/talks", "text/html").text


def test_related_links_and_teasers_in_the_story_column_never_reach_the_text() -> None:
    monday = _text(_page(_related(["Port traffic up", "Ferry route opens", "New rail link"])))
    tuesday = _text(
        _page(
            _related(["Nord Stream repairs start", "Gas prices fall", "Minister resigns"]),
            _teasers(["Storm hits the coast", "Markets close higher", "Election date set"]),
        )
    )
    assert monday == tuesday == "\n".join(STORY)


def test_an_articles_own_list_and_link_rich_paragraphs_are_kept() -> None:
    items = "".join(
        f"<li>{point}, according to the <a href='/doc/{n}'>published agreement</a></li>"
        for n, point in enumerate(["Tariffs fall by a third", "Customs move to the border"])
    )
    wiki = (
        "<p>The <a href='/wiki/a'>corridor</a> would link <a href='/wiki/b'>Nakhchivan</a> "
        "with <a href='/wiki/c'>mainland</a> <a href='/wiki/d'>Azerbaijan</a>.</p>"
    )
    text = _text(_page(f"<ul>{items}</ul>{wiki}"))
    assert "Tariffs fall by a third" in text and "Customs move to the border" in text
    assert "would link Nakhchivan with mainland Azerbaijan" in text


def test_a_row_with_its_own_long_text_loses_only_its_cards() -> None:
    cards = "".join(f"<div class='c'><a href='/x/{n}'>Link {n}</a></div>" for n in range(5))
    html = f"<html><body><div><p>{STORY[0]}</p>{cards}</div></body></html>"
    tree = fromstring(html)
    strip_furniture(tree, html)
    text = " ".join(tree.text_content().split())
    assert STORY[0] in text and "Link" not in text
