"""The printed byline: trafilatura's author search without its page copy, same answers."""

from __future__ import annotations

import pytest
from trafilatura.metadata import extract_author

from scrubwatch.extract import byline
from scrubwatch.extract.document import extract_document
from scrubwatch.extract.parsing import parse_html

STORY = "".join(
    f"<p>Officials in Baku said on Monday that talks on transport links would continue, part {n}."
    "</p>"
    for n in range(6)
)

# Each page puts the byline somewhere trafilatura's search treats differently: its first,
# second and last XPath tiers; inside parts its search deletes first (comments, dates,
# figures, sidebars by class); with deleted parts inside the byline element itself.
PAGES = {
    "rel author link": "<div><a rel='author' href='/a'>Leyla Mammadova</a></div>",
    "class author-name": "<span class='post-author-name'>Leyla Mammadova</span>",
    "second tier byline class": "<p class='byline'>By Omar Aziz and Anna Petrova</p>",
    "last tier any element": "<section data-component='Byline'>Omar Aziz</section>",
    "only a commenter": "<div id='comments'><span class='author'>troll42 x</span></div>",
    "commenter then writer": (
        "<div class='comments-list'><span class='author'>Some Commenter</span></div>"
        "<span class='author'>Leyla Mammadova</span>"
    ),
    "date inside the byline": (
        "<div class='author'>Leyla Mammadova <time>2 May 2024</time>, Baku</div>"
    ),
    "figure credit before": (
        "<figure><span class='author'>Photo Agency Staff</span></figure>"
        "<p class='byline'>By Anna Petrova</p>"
    ),
    "sidebar class": "<div class='sidebar'><a rel='author'>Team List</a></div>",
    "too long": f"<span class='author'>{'Name ' * 40}</span>",
    "none at all": "<p>No byline on this page.</p>",
}


def _page(markup: str) -> str:
    head = "<html><head><title>Report</title></head>"
    return f"{head}<body><h1>Report</h1>{markup}{STORY}</body></html>"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_same_byline_as_trafilaturas_own_author_search(name: str) -> None:
    tree = parse_html(_page(PAGES[name]))
    assert tree is not None
    assert byline.find_byline(tree) == extract_author(tree)


def test_the_search_without_a_page_copy_is_the_one_in_use() -> None:
    # A trafilatura release whose XPaths this module cannot read would silently fall back to
    # the slower search: this pins that the pinned release takes the fast one.
    assert byline._DISCARD is not None


def test_the_search_leaves_the_page_as_it_was() -> None:
    tree = parse_html(_page(PAGES["date inside the byline"]))
    assert tree is not None
    before = len(list(tree.iter()))
    byline.find_byline(tree)
    assert len(list(tree.iter())) == before
    assert tree.find(".//time") is not None


def test_a_writer_named_only_in_a_sidebar_is_no_byline_of_the_story() -> None:
    page = _page(
        "<aside><section class='widget author'><a href='/team/x'>Carolina Ruiz</a>"
        "</section></aside>"
    )
    assert extract_document(page.encode()).byline is None
    printed = _page("<p class='byline'>By Carolina Ruiz</p>")
    assert extract_document(printed.encode()).byline == "Carolina Ruiz"
