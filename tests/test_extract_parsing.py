"""Parsing: trafilatura's parse of a page, with every element an lxml.html HtmlElement."""

from __future__ import annotations

from lxml.html import HtmlElement  # type: ignore[import-untyped, unused-ignore]
from trafilatura.utils import load_html

from scrubwatch.extract.parsing import parse_html

PAGE = (
    "<!DOCTYPE html><html><head><title>T</title></head><body><form><input name=q>"
    "<select><option>a</option></select><textarea>x</textarea><label>L</label></form>"
    "<p>Text<!-- a comment --> and more</p></body></html>"
)


def test_every_element_is_an_html_element_with_its_methods() -> None:
    tree = parse_html(PAGE)
    assert tree is not None
    elements = list(tree.iter())
    assert {type(element) for element in elements} == {HtmlElement}
    assert {"form", "input", "select", "textarea", "label"} <= {e.tag for e in elements}
    assert tree.find(".//p").text_content() == "Text and more"  # comments are dropped


def test_the_same_tree_as_trafilaturas_own_parse() -> None:
    pages = [
        PAGE,
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>Déclaration XML</p></body></html>",
        "<html/>\n<body><p>self-closed html</p></body>",
        "<p>a</p><p>b</p>",
        "<html><body><p>NUL\x00 and \x0b control characters</p></body></html>",
    ]
    for page in pages:
        ours, theirs = parse_html(page), load_html(page)
        assert (ours is None) == (theirs is None), page
        if ours is not None:
            assert [(e.tag, e.text) for e in ours.iter()] == [
                (e.tag, e.text) for e in theirs.iter()
            ]


def test_text_that_is_not_a_page_gives_no_tree() -> None:
    assert parse_html("") is None
    assert parse_html("   \n ") is None
    assert parse_html("just some words") is None
