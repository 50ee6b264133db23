"""The article body as paragraphs: trafilatura's main-text tree, flattened and tidied.

trafilatura finds the main text; this module only turns its output tree into paragraphs in
document order and removes what would make two fetches of one article differ or would
clutter a diff: the headline repeated as the first paragraph, a caption repeated under each
copy of an image, and a few kinds of in-article chrome ("Read more:" teasers, newsletter and
membership appeals, cookie notices, a lone "Advertisement" label or "5 minutes ago" clock).
Those filters are deliberately narrow: a sentence of the article lost here is a scrub we
could no longer see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.etree import _Element  # type: ignore[import-untyped, unused-ignore]

from scrubwatch.extract.furniture import RELATIVE_CLOCK
from scrubwatch.extract.metadata import clean_text

# trafilatura's output vocabulary: containers whose children are blocks of their own.
_CONTAINERS = {"list", "quote", "div", "table", "body", "section"}
# Chrome paragraphs are short; a long paragraph that merely starts like one is kept.
_MAX_CHROME_WORDS = 40
# Captions and credits are short; repeated paragraphs longer than this are kept.
_MAX_DEDUP_WORDS = 20
_CHROME_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # "Read more: <headline>" and its kin: a label and a colon, then a teaser.
        r"^(?:read (?:more|also|next)|also read|see also|related(?: stories| articles)?"
        r"|more on this(?: story| topic)?|recommended|watch|listen)\s*[:：]",
        r"^(?:sign up|subscribe)\b.{0,120}\bnewsletters?\b",
        r"^(?:become|join us as) an? (?:member|supporter|subscriber|patron)\b",
        r"^support (?:our|independent|quality) (?:journalism|reporting|work)\b",
        r"^(?:donate|make a donation) (?:now|today|to)\b",
        r"^(?:click|tap) here to (?:subscribe|sign up|donate|support)\b",
        r"^follow us on (?:twitter|x|facebook|telegram|instagram|whatsapp|google news)\b",
        r"^(?:we|this (?:web)?site|our (?:web)?site) uses? cookies\b",
    )
)
# Paragraphs that are chrome when they are all there is: an ad label, or a relative clock
# ("Updated 5 minutes ago"), which changes on every fetch and is never the story's text.
_AD_LABEL = re.compile(
    r"advertisement|advertising|sponsored|anzeige|werbung|реклама|publicité|publicidad"
    r"|reklam|إعلان|广告",
    re.IGNORECASE,
)
_CHROME_WHOLE = (_AD_LABEL, RELATIVE_CLOCK)


def _text(element: _Element) -> str:
    return clean_text("".join(element.itertext()))


def _blocks(element: _Element) -> Iterator[str]:
    """Paragraph texts under `element`, in document order."""
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "graphic":  # images carry no text of their own once captions are gone
            continue
        if tag == "row":
            cells = (_text(cell) for cell in child)
            yield " | ".join(cell for cell in cells if cell)
        elif tag == "item" and child.find("list") is not None:
            own = [child.text or ""] + [
                (_text(sub) if sub.tag != "list" else "") + (sub.tail or "") for sub in child
            ]
            yield clean_text(" ".join(own))
            for sub in child.iterfind("list"):
                yield from _blocks(sub)
        elif tag in _CONTAINERS and len(child):
            yield clean_text(child.text)
            yield from _blocks(child)
        else:
            yield _text(child)
        # Text after a block, loose in its container, is article text too.
        if child.tail and child.tail.strip():
            yield clean_text(child.tail)


def is_chrome(paragraph: str) -> bool:
    """True for a short paragraph that is a teaser or an appeal, not the article's text."""
    if len(paragraph.split()) > _MAX_CHROME_WORDS:
        return False
    return any(pattern.search(paragraph) for pattern in _CHROME_PATTERNS) or any(
        pattern.fullmatch(paragraph) for pattern in _CHROME_WHOLE
    )


def paragraphs_from(body: _Element, title: str | None) -> tuple[str, ...]:
    """The article's paragraphs from trafilatura's body tree, tidied (see module docstring).

    Only short paragraphs are de-duplicated: a caption printed twice is noise, but a long
    paragraph that an outlet really printed twice is text whose removal we must still see.
    """
    title_key = clean_text(title).casefold() if title else None
    seen: set[str] = set()
    kept = []
    for block in _blocks(body):
        key = block.casefold()
        if not block or key == title_key or key in seen or is_chrome(block):
            continue
        if len(block.split()) <= _MAX_DEDUP_WORDS:
            seen.add(key)
        kept.append(block)
    return tuple(kept)
