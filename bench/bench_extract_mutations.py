"""Chrome-only mutations of a real page, for the stability part of `bench_extract.py`.

Each mutation changes what changes between two fetches of an unchanged article on a real
site (menus, "most popular" lists, relative timestamps, cookie banners, ad markup) and
nothing of the article itself. A mutation that changes the extracted text is a false alarm
the user would see. Each mutation gets the page's gold article text and leaves alone any link
or timestamp whose text is part of it, and any link in a paragraph or a heading: such a link
may sit in a container our class-name heuristics take for a menu, but renaming it edits the
story's sentences or its headline, not the page chrome.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import lxml.html
from lxml.html import HtmlElement

from scrubwatch.extract.charset import decode_html

_CHROME = re.compile(r"nav|menu|footer|header|masthead|breadcrumb", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(\d{1,2})\s*(minutes?|mins?|hours?|hrs?)\s+ago\b", re.IGNORECASE)
_ADLIKE = re.compile(r"(?:^|[\s_-])(?:ad|ads|advert\w*|dfp|gpt|sponsor\w*)(?:$|[\s_-])", re.I)
_STORY_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}
_WORDS = ("World", "Politics", "Business", "Tech", "Science", "Health", "Sport", "Culture")
_HEADLINES = (
    "Storm warning issued for the coast tonight",
    "Central bank keeps rates on hold",
    "Ten things to do this weekend",
    "Transfer rumours: who moves next",
    "Why the price of coffee keeps rising",
)


def roundtrip(body: bytes) -> bytes | None:
    """The page re-serialised by lxml, so mutations compare against the same serialisation."""
    try:
        return _dump(_load(body))
    except Exception:
        return None


def _load(body: bytes) -> HtmlElement:
    return lxml.html.document_fromstring(decode_html(body))


def _dump(root: HtmlElement) -> bytes:
    return bytes(lxml.html.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>"))


def _body(root: HtmlElement) -> HtmlElement:
    found = root.find("body")
    return found if found is not None else root


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def _chrome_links(root: HtmlElement, gold: str) -> list[HtmlElement]:
    """Links in menus, headers and footers whose text is not part of the article."""
    article = _collapsed(gold)
    links: dict[HtmlElement, None] = {}
    for element in root.iter("nav", "footer", "header", "div", "ul"):
        marker = f"{element.tag} {element.get('class', '')} {element.get('id', '')}"
        if element.tag in ("nav", "footer") or _CHROME.search(marker):
            for a in element.iter("a"):
                if not (a.text and a.text.strip()) or _collapsed(a.text) in article:
                    continue
                if not any(up.tag in _STORY_TAGS for up in a.iterancestors()):
                    links[a] = None
    return list(links)


def shuffle_nav(body: bytes, seed: int, gold: str) -> bytes:
    """Shuffle navigation and footer link texts and rename a few of them."""
    root, rng = _load(body), random.Random(seed)
    links = _chrome_links(root, gold)
    texts = [a.text for a in links]
    rng.shuffle(texts)
    for link, text in zip(links, texts, strict=True):
        link.text = rng.choice(_WORDS) if rng.random() < 0.2 else text
    if not links:  # a page without a menu gets one, as a redesign would add it
        nav = lxml.html.fragment_fromstring(
            "<nav><ul>"
            + "".join(f"<li><a href='/{w}'>{w}</a></li>" for w in _WORDS)
            + "</ul></nav>"
        )
        _body(root).insert(0, nav)
    return _dump(root)


def most_popular(body: bytes, seed: int, gold: str) -> bytes:
    """Append a "Most popular" list of linked headlines with read counts."""
    del gold
    root, rng = _load(body), random.Random(seed)
    items = "".join(
        f"<li><a href='/story/{rng.randint(1, 99999)}'>{h}</a> <span>{rng.randint(900, 90000)}"
        " reads</span></li>"
        for h in rng.sample(_HEADLINES, k=4)
    )
    aside = f"<aside class='most-popular'><h2>Most popular</h2><ol>{items}</ol></aside>"
    _body(root).append(lxml.html.fragment_fromstring(aside))
    return _dump(root)


def relative_time(body: bytes, seed: int, gold: str) -> bytes:
    """Change every "N minutes ago" outside the article; else add a header clock."""
    root, rng = _load(body), random.Random(seed)
    article = _collapsed(gold)
    found = False

    def retime(match: re.Match[str]) -> str:
        if _collapsed(match.group(0)) in article:  # "1 hour ago" in the story's own text
            return match.group(0)
        return f"{rng.randint(2, 59)} {match.group(2)} ago"

    for element in root.iter():
        for attr in ("text", "tail"):
            value = getattr(element, attr)
            if isinstance(value, str) and _RELATIVE.search(value):
                new = _RELATIVE.sub(retime, value)
                found = found or new != value
                setattr(element, attr, new)
    if not found:
        clock = f"<div class='site-clock'>Updated {rng.randint(2, 59)} minutes ago</div>"
        _body(root).insert(0, lxml.html.fragment_fromstring(clock))
    return _dump(root)


def cookie_banner(body: bytes, seed: int, gold: str) -> bytes:
    """Insert a cookie-consent banner at the top of the body."""
    del gold
    root = _load(body)
    banner = (
        f"<div class='cookie-banner' id='consent-{seed:08x}'><p>We use cookies to measure our"
        " audience and to show relevant adverts. By continuing you accept our cookie policy.</p>"
        "<button>Accept all</button><button>Settings</button></div>"
    )
    _body(root).insert(0, lxml.html.fragment_fromstring(banner))
    return _dump(root)


def ad_markup(body: bytes, seed: int, gold: str) -> bytes:
    """New ids, sources and campaign attributes on ads and iframes; add an ad slot."""
    del gold
    root, rng = _load(body), random.Random(seed)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if element.tag == "iframe" or _ADLIKE.search(marker):
            tag = f"{rng.getrandbits(48):012x}"
            element.set("id", f"ad-{tag}")
            element.set("data-campaign", str(rng.randint(1, 9999)))
            if element.tag == "iframe":
                element.set("src", f"https://ads.example/{tag}")
    slot = (
        f"<div class='ad-slot' id='ad-{rng.getrandbits(32):08x}'><span>Advertisement</span>"
        f"<iframe src='https://ads.example/{rng.getrandbits(32):x}'></iframe></div>"
    )
    _body(root).insert(0, lxml.html.fragment_fromstring(slot))
    return _dump(root)


MUTATIONS: dict[str, Callable[[bytes, int, str], bytes]] = {
    "shuffle nav/footer": shuffle_nav,
    "most popular": most_popular,
    "relative time": relative_time,
    "cookie banner": cookie_banner,
    "ad/iframe markup": ad_markup,
}
