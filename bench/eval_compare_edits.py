"""Scripted, labelled edits applied to the HTML of real pages, for `eval_compare.py`.

Edits are made in the parsed tree, in the text nodes that carry the extracted article (or, for
page chrome, outside them), and the tree is serialised again, so the versions compared went
through the real extraction path. Each edit returns the two HTML versions, or None when the
page offers no place for it (no figure to change, no quote to remove...).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import html as lxml_html  # type: ignore[import-untyped, unused-ignore]
from lxml.html import HtmlElement  # type: ignore[import-untyped, unused-ignore]
from trafilatura.utils import load_html

from scrubwatch.model import Document
from scrubwatch.text import has_cjk, split_sentences

_SKIPPED = {"script", "style", "noscript", "template", "head", "title", "textarea"}
# A quotation of five words or more, its marks paired by style.
_QUOTE = re.compile(
    r"(?<!\w)(?:“([^“”]{20,400})”|«([^«»]{20,400})»|„([^„“”]{20,400})[“”]|\"([^\"]{20,400})\")(?!\w)"
)
_FIGURE = re.compile(r"(?<![\w.,:/\-])\d+(?:[.,]\d+)*(?![\w:/\-]|[.,]\d)")
_WORD = re.compile(r"(?<![\w\-'’])[a-zа-яё]{6,}(?![\w\-'’])")
_CHROME_WORDS = re.compile(r"nav|menu|footer|header|sidebar|popular|related|social|share|promo")

ADDED = {
    "en": [
        "The ministry said on Friday that it had not been consulted about the plan.",
        "Critics of the project have called for an independent review of its costs.",
        "A spokesman for the company declined to comment when contacted by reporters.",
    ],
    "cjk": ["外交部发言人当天拒绝就此发表评论。", "批评人士呼吁对该项目进行独立审查。"],
}
REWORDS = ["reportedly", "allegedly", "secretly", "quietly", "officially", "publicly"]
HEADLINE_TAIL = {"en": " as officials deny the report", "cjk": "，官方否认相关报道"}
POPULAR = [
    "Storm warning issued for the coast",
    "Ten recipes for the long weekend",
    "Markets close higher after volatile week",
    "Local team wins the regional final",
    "How to save on energy bills this winter",
]


@dataclass
class Page:
    """One real page, parsed and serialised once so both versions share the serialiser."""

    name: str
    url: str
    html: str
    document: Document

    def tree(self) -> HtmlElement:
        """A fresh copy of the page's tree, to edit."""
        return parse(self.html)


def parse(text: str) -> HtmlElement:
    """The tree of an HTML text, parsed the way extraction parses it."""
    tree = load_html(text)
    if not isinstance(tree, HtmlElement):
        raise ValueError("not HTML")
    return tree


def serialise(tree: HtmlElement) -> str:
    """HTML text of a tree, with any charset declaration dropped (bytes are UTF-8)."""
    for meta in tree.xpath("//meta[@charset or @http-equiv]"):
        meta.getparent().remove(meta)
    return str(lxml_html.tostring(tree, encoding="unicode"))


Slot = tuple[HtmlElement, str]  # an element and "text" or "tail"


def slots(tree: HtmlElement) -> Iterator[tuple[Slot, str]]:
    """Every text node of the body with its value, outside scripts and styles."""
    body = tree.find(".//body")
    for el in (body if body is not None else tree).iter():
        if not isinstance(el.tag, str) or el.tag in _SKIPPED:
            continue
        if any(a.tag in _SKIPPED for a in el.iterancestors()):
            continue
        if el.text:
            yield (el, "text"), el.text
        if el.tail and el.getparent() is not None and el.getparent().tag not in _SKIPPED:
            yield (el, "tail"), el.tail


def set_slot(slot: Slot, value: str) -> None:
    """Write a text node back."""
    el, which = slot
    if which == "text":
        el.text = value
    else:
        el.tail = value


def pattern_of(sentence: str) -> re.Pattern[str]:
    """A sentence as found in markup, where any whitespace run may stand for its spaces."""
    return re.compile(r"\s+".join(re.escape(w) for w in sentence.split()))


def locate(tree: HtmlElement, sentence: str) -> tuple[Slot, str, re.Match[str]] | None:
    """The one text node holding the whole sentence, if exactly one does."""
    pattern = pattern_of(sentence)
    found = [(slot, value, m) for slot, value in slots(tree) if (m := pattern.search(value))]
    return found[0] if len(found) == 1 else None


def sentences(page: Page) -> list[str]:
    """The article's sentences that occur once in the article."""
    every = split_sentences(page.document.text, page.document.language)
    text = " ".join(page.document.text.split())
    return [s for s in every if text.count(" ".join(s.split())) == 1]


def _words_ok(sentence: str, minimum: int) -> bool:
    if has_cjk(sentence):
        return len(sentence) >= minimum * 2
    return len(sentence.split()) >= minimum


def _plain(sentence: str) -> bool:
    """No figure and no quote mark: an edit of it changes nothing else that is labelled."""
    return not re.search(r"\d|[“”«»„\"「」『』]", sentence)


Edit = Callable[[Page, random.Random], tuple[str, str] | None]


def _edit_sentence(
    page: Page, rng: random.Random, keep: Callable[[str], bool], change: Callable[[str], str]
) -> tuple[str, str] | None:
    """Replace one suitable sentence, where the markup holds it whole, by `change(sentence)`."""
    candidates = [s for s in sentences(page) if keep(s)]
    rng.shuffle(candidates)
    for sentence in candidates[:20]:
        tree = page.tree()
        located = locate(tree, sentence)
        if located is None:
            continue
        slot, value, match = located
        replacement = change(match.group())
        if replacement == match.group():
            continue
        set_slot(slot, value[: match.start()] + replacement + value[match.end() :])
        return page.html, serialise(tree)
    return None


def remove_sentence(page: Page, rng: random.Random) -> tuple[str, str] | None:
    """Cut one sentence without figures or quotes."""
    return _edit_sentence(page, rng, lambda s: _plain(s) and _words_ok(s, 5), lambda s: "")


def insert_sentence(page: Page, rng: random.Random) -> tuple[str, str] | None:
    """Add a new sentence after one that ends with a full stop."""
    pool = ADDED["cjk"] if has_cjk(page.document.text) else ADDED["en"]
    added = rng.choice(pool)
    sep = "" if has_cjk(added) else " "
    return _edit_sentence(
        page,
        rng,
        lambda s: s.endswith((".", "!", "?", "。", "！", "？")),
        lambda s: s + sep + added,
    )


def rewrite_sentence(page: Page, rng: random.Random) -> tuple[str, str] | None:
    """Change the wording of a sentence: two words replaced, or a Chinese phrase inserted."""

    def change(sentence: str) -> str:
        if has_cjk(sentence):
            middle = len(sentence) // 2
            return sentence[:middle] + "据知情人士透露" + sentence[middle + 2 :]
        words = sentence.split(" ")
        spots = [i for i, w in enumerate(words) if i > 0 and w.isalpha() and w.islower()]
        for i in rng.sample(spots, min(2, len(spots))):
            words[i] = rng.choice(REWORDS)
        return " ".join(words)

    return _edit_sentence(page, rng, lambda s: _plain(s) and _words_ok(s, 8), change)


def change_number(page: Page, rng: random.Random) -> tuple[str, str] | None:
    """Change one digit of a figure."""

    def change(sentence: str) -> str:
        figures = list(_FIGURE.finditer(sentence))
        if not figures:
            return sentence
        m = rng.choice(figures)
        digits = [i for i, c in enumerate(m.group()) if c.isdigit()]
        i = digits[-1]
        old = int(m.group()[i])
        new = str((old + rng.randint(1, 8)) % 10)
        if i == 0 and new == "0":
            new = "9" if old != 9 else "8"
        figure = m.group()[:i] + new + m.group()[i + 1 :]
        return sentence[: m.start()] + figure + sentence[m.end() :]

    return _edit_sentence(page, rng, lambda s: _FIGURE.search(s) is not None, change)


def fix_typo(page: Page, rng: random.Random) -> tuple[str, str] | None:
    """The old version has a typo (two letters swapped) that the new one fixes."""
    if has_cjk(page.document.text):
        return None

    def change(sentence: str) -> str:
        words = list(_WORD.finditer(sentence))
        if not words:
            return sentence
        m = rng.choice(words)
        w = m.group()
        i = rng.randrange(1, len(w) - 2)
        typo = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
        return sentence[: m.start()] + typo + sentence[m.end() :]

    edited = _edit_sentence(page, rng, lambda s: _WORD.search(s) is not None, change)
    return None if edited is None else (edited[1], edited[0])


def remove_quote(page: Page, rng: random.Random) -> tuple[str, str] | None:
    """Remove a paragraph that holds a quotation (and no figure)."""
    paragraphs = [
        p
        for p in page.document.paragraphs
        if any(len((m.group(m.lastindex or 1) or "").split()) >= 5 for m in _QUOTE.finditer(p))
        and not re.search(r"\d", p)
    ]
    rng.shuffle(paragraphs)
    for paragraph in paragraphs[:10]:
        tree = page.tree()
        pattern = pattern_of(paragraph)
        blocks = [
            el
            for el in tree.iter("p", "blockquote", "li")
            if pattern.fullmatch(" ".join(el.text_content().split()))
        ]
        if len(blocks) != 1:
            continue
        block = blocks[0]
        block.drop_tree()  # keeps the tail text
        return page.html, serialise(tree)
    return None


def change_headline(page: Page, rng: random.Random) -> tuple[str, str] | None:
    """A new headline where the page states it: <title>, <h1>/<h2>, meta tags, JSON-LD."""
    del rng
    title = page.document.title
    if not title:
        return None
    new_title = title + (HEADLINE_TAIL["cjk"] if has_cjk(title) else HEADLINE_TAIL["en"])
    tree = page.tree()
    pattern = pattern_of(title)
    changed = 0
    for el in tree.iter("title", "h1", "h2"):
        if pattern.search(" ".join(el.text_content().split())):
            for child in list(el):
                el.remove(child)
            el.text = pattern.sub(new_title, " ".join(el.text_content().split()) or title)
            changed += 1
    for el in tree.iter("meta"):
        content = el.get("content", "")
        if pattern.search(content):
            el.set("content", pattern.sub(lambda m: new_title, content))
            changed += 1
    for el in tree.xpath("//script[@type='application/ld+json']"):
        if el.text and pattern.search(el.text):
            el.text = pattern.sub(lambda m: new_title, el.text)
    return (page.html, serialise(tree)) if changed else None


def article_root(tree: HtmlElement, page: Page) -> HtmlElement | None:
    """The smallest element holding every text node of the extracted paragraphs found."""
    # Substring tests on whitespace-collapsed text nodes: `locate` per sentence would be
    # quadratic on long pages (Wikipedia).
    nodes = [(slot[0], " ".join(value.split())) for slot, value in slots(tree)]
    nodes = [(el, value) for el, value in nodes if value]
    holders = []
    for sentence in sentences(page):
        key = " ".join(sentence.split())
        found = [el for el, value in nodes if key in value]
        if len(found) == 1:
            holders.append(found[0])
    if not holders:
        return None
    common = set(holders[0].iterancestors()) | {holders[0]}
    for el in holders[1:]:
        common &= set(el.iterancestors()) | {el}
    return max(common, key=lambda el: len(list(el.iterancestors())), default=None)


def churn_chrome(page: Page, rng: random.Random) -> tuple[str, str] | None:
    """Menus reshuffled, a new "most popular" box, an ad, a clock, outside the article."""
    tree = page.tree()
    root = article_root(tree, page)
    body = tree.find(".//body")
    if root is None or body is None or root is body:
        return None
    inside = set(root.iter()) | set(root.iterancestors())
    for el in body.iter("ul", "ol", "nav"):
        if el not in inside and len(el) > 1 and not any(a in inside for a in el.iter()):
            items = list(el)
            rng.shuffle(items)
            for item in items:
                el.remove(item)
                el.append(item)
    for el in body.iter():
        cls = f"{el.get('class', '')} {el.get('id', '')}".lower()
        if el not in inside and _CHROME_WORDS.search(cls) and el.text and el.text.strip():
            el.text = el.text + " "  # re-rendered
    clock = lxml_html.fromstring(
        f'<div class="top-bar"><time>Updated {rng.randint(1, 59)} min ago</time></div>'
    )
    body.insert(0, clock)
    picks = rng.sample(POPULAR, 4)
    popular = "".join(f'<li><a href="/p/{i}">{t}</a></li>' for i, t in enumerate(picks))
    body.append(
        lxml_html.fromstring(
            f'<aside class="most-popular"><h3>Most popular</h3><ol>{popular}</ol></aside>'
        )
    )
    body.append(lxml_html.fromstring('<div class="ad-slot advertisement">Advertisement</div>'))
    return page.html, serialise(tree)


def emptied(page: Page, rng: random.Random) -> str | None:
    """The page with the article's container cleared, its headline kept."""
    del rng
    tree = page.tree()
    root = article_root(tree, page)
    if root is None:
        return None
    keep: set[HtmlElement] = set()
    for h1 in root.iter("h1"):
        keep |= {h1, *h1.iterancestors()}
    _clear(root, keep)
    _blank_article(tree, page)  # what the container did not hold
    return serialise(tree)


def _blank_article(tree: HtmlElement, page: Page) -> None:
    """Blank every text node that holds a whole sentence of the article."""
    keys = [" ".join(s.split()) for s in sentences(page)]
    for slot, value in list(slots(tree)):
        collapsed = " ".join(value.split())
        if any(key in collapsed for key in keys):
            set_slot(slot, "")


def _clear(el: HtmlElement, keep: set[HtmlElement]) -> None:
    el.text = None
    for child in list(el):
        if child not in keep:
            el.remove(child)  # with its tail
        elif child.tag != "h1":
            _clear(child, keep)
            child.tail = None


def not_found_page(page: Page, rng: random.Random, path: str, phrased: bool) -> str | None:
    """The site's own "not found" page: its chrome, with the article replaced by a notice."""
    tree = page.tree()
    root = article_root(tree, page)
    body = tree.find(".//body")
    if root is None or body is None:
        return None
    site = page.url.split("/")[2]
    if phrased:
        heading, note = "Page not found", f"Sorry, the page {path} could not be found."
    else:
        heading, note = "Oops!", f"We looked everywhere for {path}. Try the search box instead."
    notice = lxml_html.fromstring(f'<div class="error-page"><h1>{heading}</h1><p>{note}</p></div>')
    if root is body:
        for child in list(body):
            body.remove(child)
        body.append(notice)
    else:
        root.getparent().replace(root, notice)
    for h1 in list(tree.iter("h1")):
        if h1 is not notice[0]:
            h1.drop_tree()
    _blank_article(tree, page)  # what the container did not hold (standfirst, captions)
    for el in tree.xpath("//meta[starts-with(@property,'og:') or starts-with(@name,'twitter:')]"):
        el.getparent().remove(el)
    for el in tree.xpath("//script[@type='application/ld+json']"):
        el.getparent().remove(el)
    title = tree.find(".//title")
    if title is None:
        title = lxml_html.Element("title")
        head = tree.find(".//head")
        if head is not None:
            head.append(title)
    title.text = f"{heading} | {site}" if phrased else site
    del rng
    return serialise(tree)
