"""The byline printed in the page: trafilatura's author search, without copying the page.

trafilatura's `metadata.extract_author` copies the whole page, deletes the parts where a name
is no byline (comments, sidebars, dates, figures...), then takes the first element its
author XPaths find, tier by tier. The copy and the deletion cost more than the search. Here
the XPaths run on the page itself, an element found inside one of those parts is passed
over, and only the element taken is copied, to read its text without what the deletion would
have removed from it. Same answer, a fraction of the work; should a trafilatura release word
its XPaths in a shape this module cannot turn around, its own search runs instead.
"""

from __future__ import annotations

import copy
import itertools
import re

from lxml.etree import XPath  # type: ignore[import-untyped, unused-ignore]
from lxml.html import HtmlElement  # type: ignore[import-untyped, unused-ignore]
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import extract_author
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

_REGEXP_NS = {"re": "http://exslt.org/regular-expressions"}
# trafilatura's bounds on a byline's length (its `extract_author`).
_MIN_CHARS, _MAX_CHARS = 2, 120
# "//name[...]" or ".//name[...]": one step from the root, tested on the element itself.
_ONE_STEP = re.compile(r"\.?//([\w*-]+)(.*)", re.DOTALL)


def _top_level(path: str, char: str) -> list[int]:
    """Positions of `char` in an XPath outside quotes, brackets and parentheses."""
    found, depth, quote = [], 0, ""
    for at, current in enumerate(path):
        if quote:
            quote = "" if current == quote else quote
        elif current in "'\"":
            quote = current
        elif current in "[(":
            depth += 1
        elif current in "])":
            depth -= 1
        elif current == char and depth == 0:
            found.append(at)
    return found


def _self_test(path: str) -> str | None:
    """`//tag[p]|.//*[q]` as `self::tag[p] or self::*[q]`, or None for any other shape."""
    cuts = [-1, *_top_level(path, "|"), len(path)]
    tests = []
    for start, end in itertools.pairwise(cuts):
        match = _ONE_STEP.fullmatch(path[start + 1 : end].strip())
        if match is None:
            return None
        name, predicates = match.groups()
        if predicates and (not predicates.startswith("[") or _top_level(predicates, "/")):
            return None
        tests.append(f"self::{name}{predicates}")
    return " or ".join(tests)


def _discard_tests() -> tuple[XPath, XPath] | None:
    """(inside a discarded part?, holds a discarded part?), from trafilatura's XPaths."""
    tests = [_self_test(expression.path) for expression in AUTHOR_DISCARD_XPATHS]
    if any(test is None for test in tests):
        return None
    either = " or ".join(f"({test})" for test in tests)
    return (
        XPath(f"boolean(ancestor-or-self::*[{either}])", namespaces=_REGEXP_NS),
        XPath(f"boolean(descendant::*[{either}])", namespaces=_REGEXP_NS),
    )


_DISCARD = _discard_tests()


def _text(element: HtmlElement, holds_discarded: XPath) -> str:
    """The element's text as trafilatura reads it once the discarded parts are deleted."""
    if holds_discarded(element):
        element = prune_unwanted_nodes(copy.deepcopy(element), AUTHOR_DISCARD_XPATHS)
    return str(trim(" ".join(element.itertext())))


def find_byline(scope: HtmlElement) -> str | None:
    """The author names printed in `scope`, as trafilatura's author search finds them."""
    if _DISCARD is None:
        return extract_author(scope)
    inside_discarded, holds_discarded = _DISCARD
    for expression in AUTHOR_XPATHS:
        for element in expression(scope):
            if inside_discarded(element):
                continue
            text = _text(element, holds_discarded)
            if _MIN_CHARS < len(text) < _MAX_CHARS:
                return normalize_authors(None, text)
    return None
