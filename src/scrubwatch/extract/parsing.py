"""HTML text to one lxml tree, parsed as trafilatura parses it, with a cheaper element lookup.

lxml.html's parser asks a Python function which class each element gets (`<form>`,
`<input>`... have their own), once per element object lxml creates. Extraction creates over a
million of them on a few hundred pages, and that question alone cost about 5% of it. Nothing
in extraction uses the form classes, so this parser answers in C: every element is an
`HtmlElement`, with `text_content()`, `drop_tree()` and the rest trafilatura and htmldate use.
Otherwise the parse is trafilatura's own (`trafilatura.utils.load_html`): its parser options,
its repairs of faulty markup and its rejection of non-HTML.
"""

from __future__ import annotations

import lxml.html  # type: ignore[import-untyped, unused-ignore]
from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from lxml.html import HtmlElement  # type: ignore[import-untyped, unused-ignore]
from trafilatura.utils import is_dubious_html, repair_faulty_html

_PARSER = lxml.html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)


def parse_html(text: str) -> HtmlElement | None:
    """The page's tree, or None for text that is empty or does not look like HTML."""
    if not text.strip():
        return None
    beginning = text[:50].lower()
    # Parsed as UTF-8 bytes: the same tree as from the str (which lxml would convert itself),
    # sooner, and a declared encoding in an XML prolog cannot get in the way.
    encoded = repair_faulty_html(text, beginning).encode("utf-8", "surrogatepass")
    try:
        tree = lxml.html.fromstring(encoded, parser=_PARSER)
    except (etree.LxmlError, ValueError):
        return None
    # Text without "html" near its start that parses to a lone element is not a page.
    if tree is None or (is_dubious_html(beginning) and len(tree) < 2):
        return None
    return tree if isinstance(tree, HtmlElement) else None
