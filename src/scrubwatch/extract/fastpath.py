"""The fast re-check path: is a re-fetched page's article provably the one we extracted?

Most re-checks find an unchanged article inside a page whose bytes changed (clocks, ads,
"most popular"). A full extraction costs tens of milliseconds; this path parses the page
with lexbor (selectolax), walks to the element that held the article last time, and
compares a hash of it with the one remembered in a `FastHint`.

The answer is one-sided: `unchanged` says True only when a full extraction would give a
Document with the same identity as the hinted one (headline, byline and paragraphs: what a
version is; dates are not, see `Document.fingerprint`, and the canonical URL). That holds
when the article region is identical in structure and text (attributes other than `class`
are ignored, so random ad ids do not matter; the region's own churning chrome, found when
the hint was made, is left out: `churn`) and every other part of the page that extraction
reads the headline, byline or canonical URL from is identical too: the `<head>` metadata,
JSON-LD, `<h1>`s and byline elements. Anything else (the region moved and cannot be found
exactly once, it changed, the metadata changed) is doubt, and doubt means False: the caller
runs the full extraction.

Dates are deliberately not looked at: clocks, "updated 3 minutes ago" and the "most read"
box's times change on every visit of most news pages, and a new date alone is never an edit.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrubwatch.extract.charset import decode_html, sniff_encoding
from scrubwatch.extract.churn import churning_blocks, squeeze
from scrubwatch.model import Document

__all__ = ["FastHint", "make_hint", "unchanged"]

_HINT_VERSION = 2  # 2: dates out of the context, churning blocks out of the region
# Elements whose content never reaches a Document (trafilatura drops them), so churn in them
# (ad scripts with tokens, inline styles) need not defeat the fast path.
_SKIP = frozenset({"script", "style", "template", "noscript", "-comment"})
_CANDIDATE_TAGS = frozenset({"article", "main", "section", "div", "td", "body", "form"})
_KEY_CHARS = 40
# Bounds on finding the article's container, so a hostile page costs linear time: text read
# from candidates, in multiples of the page's text; key searches when paragraphs are out of
# page order, in characters compared.
_READ_BUDGET_PAGES = 20
_UNORDERED_SEARCH_BUDGET = 50_000_000
# Climbing from the tightest container: take the parent when it adds little besides it.
_CLIMB_RATIO = 1.3
_CLIMB_LEVELS = 3
_METADATA_KEYS = re.compile(
    r"title|site_name|author|creator|byline|locale|lang|url|type", re.IGNORECASE
)
# Every element outside the region that extraction reads the headline, byline or canonical
# URL from (dates are not part of a version: see the module docstring).
_CONTEXT_SELECTORS = (
    "h1",
    "[class*=author], [class*=byline], [rel=author], [itemprop*=author]",
    "script[type='application/ld+json']",
    "link[rel=canonical]",
)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class FastHint:
    """Where the article sat in a page and what it hashed to; plain JSON-serialisable data."""

    path: Path  # (tag, index among same-tag siblings) from <html>
    region_sha: str
    context_sha: str
    skips: tuple[Path, ...] = ()  # churning blocks left out of the region, from the region

    def to_json(self) -> dict[str, object]:
        """The hint as JSON-ready data."""
        return {
            "v": _HINT_VERSION,
            "path": [[tag, index] for tag, index in self.path],
            "region": self.region_sha,
            "context": self.context_sha,
            "skips": [[[tag, index] for tag, index in skip] for skip in self.skips],
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> FastHint:
        """A hint from `to_json` data; ValueError when it is not one (or an older format)."""
        path, region, context = data.get("path"), data.get("region"), data.get("context")
        skips = data.get("skips")
        if data.get("v") != _HINT_VERSION or not isinstance(skips, list):
            raise ValueError("not a fast-path hint of this version")
        if not (isinstance(region, str) and isinstance(context, str)):
            raise ValueError("fast-path hint without hashes")
        return cls(_steps(path), region, context, tuple(_steps(skip) for skip in skips))


Path = tuple[tuple[str, int], ...]


def _steps(data: object) -> Path:
    if not isinstance(data, list):
        raise ValueError("bad path in fast-path hint")
    steps = []
    for step in data:
        if not (isinstance(step, list) and len(step) == 2):
            raise ValueError("bad step in fast-path hint")
        tag, index = step
        if not (isinstance(tag, str) and isinstance(index, int)):
            raise ValueError("bad step in fast-path hint")
        steps.append((tag, index))
    return tuple(steps)


def _parse(body: bytes, content_type: str | None) -> LexborHTMLParser | None:
    # lexbor reads UTF-8 itself: a UTF-8 page goes in as it came, sparing a decode to str
    # and selectolax's encode back to UTF-8. Other encodings are decoded as for extraction.
    if sniff_encoding(body, content_type) == "utf-8":
        markup: bytes | str = body
    else:
        markup = decode_html(body, content_type)
    if not markup.strip():
        return None
    tree = LexborHTMLParser(markup)
    return tree if tree.body is not None else None


def _tokens(node: LexborNode, left_out: frozenset[int]) -> Iterator[str]:
    """The region as a token stream: tags with classes, closers and whitespace-folded text;
    a left-out block is its tag alone."""
    stack: list[Iterator[LexborNode]] = [iter([node])]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            yield ">"
            continue
        tag = child.tag or ""
        if tag == "-text":
            yield _SPACE.sub(" ", child.text_content or "")
        elif child.mem_id in left_out:
            yield f"<~{tag}>"
        elif tag not in _SKIP and not tag.startswith("-"):
            yield f"<{tag}.{child.attrs.get('class') or ''}"
            stack.append(child.iter(include_text=True))


def _region_sha(node: LexborNode, left_out: Iterable[LexborNode] = ()) -> str:
    """Hash of the region's tokens, each followed by a unit separator (one update: cheaper)."""
    ids = frozenset(block.mem_id for block in left_out)
    tokens = "\x1f".join(_tokens(node, ids)) + "\x1f"
    return hashlib.sha256(tokens.encode("utf-8", "surrogatepass")).hexdigest()


def _context_sha(tree: LexborHTMLParser) -> str:
    """Hash of everything outside the region that extraction reads metadata from."""
    parts: list[str] = []
    root = tree.root
    if root is not None:
        parts.append(f"lang={root.attributes.get('lang')}")
    for node in tree.css("title, meta"):
        attrs = node.attributes
        key = " ".join(str(attrs.get(a) or "") for a in ("name", "property", "itemprop"))
        key += " " + str(attrs.get("http-equiv") or "")
        if node.tag == "title" or _METADATA_KEYS.search(key) or "charset" in attrs:
            parts.append(f"{node.tag}|{key}|{attrs.get('content')}|{node.text(deep=True)}")
    for selector in _CONTEXT_SELECTORS:
        for node in tree.css(selector):
            attrs = node.attributes
            parts.append(f"{selector}|{attrs.get('datetime')}|{attrs.get('href')}")
            parts.append(_SPACE.sub(" ", node.text(deep=True, separator=" ")))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _path(node: LexborNode, top: LexborNode | None = None) -> Path:
    """The steps from <html> (or from `top`) down to `node`."""
    steps: list[tuple[str, int]] = []
    current: LexborNode | None = node
    while (
        current is not None
        and current.parent is not None
        and current.tag != "html"
        and current != top
    ):
        parent = current.parent
        same = [c for c in parent.iter() if c.tag == current.tag]
        steps.append((current.tag or "", next(i for i, c in enumerate(same) if c == current)))
        current = parent
    return tuple(reversed(steps))


def _follow(start: LexborNode | None, path: Path) -> LexborNode | None:
    node = start
    for tag, index in path:
        if node is None:
            return None
        same = [c for c in node.iter() if c.tag == tag]
        node = same[index] if 0 <= index < len(same) else None
    return node


def _holds_all(text: str, keys: list[str]) -> bool:
    """Whether every key occurs in `text`, in bounded time.

    Paragraphs come in page order, so one forward scan usually settles it in linear time.
    Only when they do not is each key searched on its own, and only while that stays cheap:
    a page too big for it gets no region (no fast path), which is never wrong.
    """
    position = 0
    for key in keys:
        found = text.find(key, position)
        if found < 0:
            break
        position = found + len(key)
    else:
        return True
    if len(keys) * len(text) > _UNORDERED_SEARCH_BUDGET:
        return False
    return all(key in text for key in keys)


def _keys(document: Document) -> list[str]:
    """Each paragraph's squeezed beginning, to find it in a page's text."""
    return [squeeze(p.replace(" | ", ""))[:_KEY_CHARS] for p in document.paragraphs]


def _container(tree: LexborHTMLParser, keys: list[str]) -> LexborNode | None:
    """The smallest element holding every paragraph (`keys`: their beginnings), widened to
    its article if close by.

    The text read from candidates is capped at a few times the page's text: past that
    (thousands of nested containers) the smallest one found so far is kept; a larger
    region only makes the fast path say "changed" more often, never wrongly "unchanged".
    """
    body = tree.body
    if body is None or not keys:
        return None
    best: tuple[int, LexborNode] | None = None
    budget = _READ_BUDGET_PAGES * len(body.text(deep=True, separator=""))
    for node in [body, *body.traverse()]:
        if node.tag not in _CANDIDATE_TAGS:
            continue
        text = squeeze(node.text(deep=True, separator=""))
        budget -= len(text)
        if (best is None or len(text) < best[0]) and _holds_all(text, keys):
            best = (len(text), node)
        if budget < 0:
            break
    if best is None:
        return None
    size, region = best
    for _ in range(_CLIMB_LEVELS):
        if region.tag == "article":
            break  # the article is the natural boundary: above it the chrome starts
        parent = region.parent
        if parent is None or parent.tag in ("body", "html"):
            break
        if parent.tag == "article" or len(squeeze(parent.text(deep=True))) <= _CLIMB_RATIO * size:
            region = parent
    return region


def make_hint(body: bytes, content_type: str | None, document: Document) -> FastHint | None:
    """A hint for later re-checks of this page, or None when the article cannot be pinned.

    `document` must be the full extraction of this very `body`.
    """
    if document.is_empty:
        return None
    tree = _parse(body, content_type)
    if tree is None:
        return None
    keys = _keys(document)
    region = _container(tree, keys)
    if region is None:
        return None
    path = _path(region)
    if _follow(tree.root, path) != region:
        return None
    blocks = churning_blocks(region, document, keys)
    skips = tuple(_path(block, region) for block in blocks)
    if any(_follow(region, skip) != block for skip, block in zip(skips, blocks, strict=True)):
        skips, blocks = (), []  # a block that cannot be found again: hash the region whole
    return FastHint(path, _region_sha(region, blocks), _context_sha(tree), skips)


def unchanged(body: bytes, content_type: str | None, hint: FastHint) -> bool:
    """True only when full extraction of `body` is certain to give the hinted Document."""
    tree = _parse(body, content_type)
    if tree is None:
        return False
    region = _follow(tree.root, hint.path)
    if region is None:
        return False
    blocks = [_follow(region, skip) for skip in hint.skips]
    if any(block is None for block in blocks):
        return False
    if _region_sha(region, [b for b in blocks if b is not None]) != hint.region_sha:
        return False
    return _context_sha(tree) == hint.context_sha
