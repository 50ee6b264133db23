"""Blocks inside an article's region that churn while the article stays the same.

News pages put chrome inside the article itself: a "read also" box of rotating teasers, a
share counter, "3 minutes ago" next to the dateline. The fast re-check path hashes the
region the article sits in, so without this every such page would need a full extraction on
every visit. When the hint is made, the region is searched for blocks that gave the
Document nothing and look like chrome; re-checks leave exactly those blocks (found again by
their place in the region) out of the hash.

Only what cannot become article text without the rest of the region changing is left out:
- a block that holds no paragraph, headline or byline text, and is chrome by its tag
  (`aside`, `nav`, `form`, `button`, `time`...) or by being nearly all link text;
- a short inline piece (a counter, a relative time) that is not part of the article text.
Text blocks (`p`, `li`, headings...) are never left out whole unless they are links: their
inline chrome is left out piece by piece. Anything else is hashed as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from selectolax.lexbor import LexborNode

from scrubwatch.model import Document

_CHROME_TAGS = frozenset({"aside", "nav", "form", "button", "time", "figure", "select", "svg"})
_INLINE = frozenset({"span", "small", "time", "a", "button", "sup", "sub", "abbr", "data"})
_CONTAINERS = frozenset(
    {"div", "section", "header", "footer", "main", "article", "p", "li", "ul", "ol", "dl"}
    | {"dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption", "td", "tr"}
)
_NEVER_TEXT = frozenset({"script", "style", "template", "noscript"})
_SHORT_CHARS = 60  # a counter or a relative time, squeezed; a sentence is longer
# A block this much link text is a list of links (teasers, "read also"); a sentence with a
# few links in it (which extraction keeps on some visits and drops on others) is not.
_LINK_SHARE = 0.8
MAX_BLOCKS = 50  # past this many, the region is too unusual to trust: hash it whole
# Characters compared while searching, so a huge region costs bounded time; past it the
# region is hashed whole (the fast path then only says "changed" more often).
_SEARCH_BUDGET = 50_000_000


def squeeze(text: str) -> str:
    """The text without any whitespace (the fast path compares texts this way)."""
    return "".join(text.split())


def churning_blocks(
    region: LexborNode, document: Document, keys: Sequence[str]
) -> list[LexborNode]:
    """The blocks of `region` to leave out of its hash; `keys` are the paragraphs' squeezed
    beginnings. Empty when the region holds none (or too many to trust)."""
    article = "\x00".join(
        squeeze(t) for t in (*document.paragraphs, document.title or "", document.byline or "")
    )
    found: list[LexborNode] = []
    pending = [region]
    budget = _SEARCH_BUDGET
    while pending and len(found) <= MAX_BLOCKS:
        for child in pending.pop().iter():
            tag = child.tag or ""
            if tag.startswith("-") or tag in _NEVER_TEXT:
                continue
            text = squeeze(child.text(deep=True, separator=""))
            budget -= len(text) * (len(keys) + 1) + len(article)
            if budget < 0:
                return []
            if not text:
                continue
            # A paragraph's beginning, or its end, say: article text, looked inside.
            if any(key in text for key in keys) or text in article:
                if tag in _CONTAINERS:
                    pending.append(child)
                continue
            if _is_chrome(child, tag, text):
                found.append(child)
            elif tag in _CONTAINERS:
                pending.append(child)
    return found if len(found) <= MAX_BLOCKS else []


def _is_chrome(node: LexborNode, tag: str, text: str) -> bool:
    """Whether a block that holds no article text is chrome to leave out."""
    if tag in _CHROME_TAGS or _link_share(node, text) >= _LINK_SHARE:
        return True
    return tag in _INLINE and len(text) <= _SHORT_CHARS


def _link_share(node: LexborNode, text: str) -> float:
    links = node.css("a[href]") if node.tag != "a" else [node]
    linked = sum(len(squeeze(link.text(deep=True, separator=""))) for link in links)
    return linked / len(text)
