"""What a page says about its article: headline, language, canonical URL, dates.

Each value is read from the parts of the page that belong to the article (its `<h1>`, its
`<head>` metadata) rather than from the page chrome, so two fetches of the same article give
the same values even when menus, sidebars or clocks around it differ.
"""

from __future__ import annotations

import contextlib
import copy
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import htmldate
from lxml.html import HtmlElement  # type: ignore[import-untyped, unused-ignore]
from rapidfuzz import fuzz
from trafilatura import metadata as traf_metadata

from scrubwatch.extract import language
from scrubwatch.extract.byline import find_byline

_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:·•»/]{1,2}\s+")
_LANG_CODE = re.compile(r"^([a-zA-Z]{2})(?:[-_].*)?$")
# An <h1> under one of these is the site's logo or a teaser, not the article's headline.
_CHROME_TAGS = ("nav", "footer", "aside")
# py3langid guesses poorly from a handful of words; below this a missing language is better.
_MIN_LANGID_CHARS = 40
_LANGID_SAMPLE_CHARS = 1500
_DATE_FORMAT = "%Y-%m-%d"
_MODIFIED_METAS = (
    "article:modified_time",
    "og:updated_time",
    "last-modified",
    "dcterms.modified",
    "dc.date.modified",
    "datemodified",
)
_ISO_DAY = re.compile(r"(?:19|20)\d\d-[01]\d-[0-3]\d(?!\d)")
_LD_MODIFIED = re.compile(r'"dateModified"\s*:\s*"([^"]{10,40})"')


# Private-use characters are icon-font glyphs on web pages, never words; and scrubwatch's
# search marks its highlights with two of them, which an outlet must not be able to fake.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def clean_text(text: str | None) -> str:
    """Whitespace runs collapsed to one space, ends trimmed, private-use characters gone."""
    text = text or ""
    if _PRIVATE_USE.search(text):
        text = _PRIVATE_USE.sub("", text)
    return " ".join(text.split())


Metas = dict[str, str]


def page_metas(tree: HtmlElement) -> Metas:
    """Each `<meta>` key on the page (property, name, itemprop or http-equiv; lower case)
    with the content of its first non-empty occurrence. Read once per page: a walk over the
    metas per value wanted cost more than the values did."""
    found: Metas = {}
    for element in tree.iter("meta"):
        content = None
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (element.get(attr) or "").strip().lower()
            if not key or key in found:
                continue
            content = clean_text(element.get("content")) if content is None else content
            if content:
                found[key] = content
    return found


def meta_content(metas: Metas, *keys: str) -> str | None:
    """The content of the first of `keys` the page has a `<meta>` for."""
    return next((metas[key] for key in keys if key in metas), None)


def site_name(metas: Metas) -> str | None:
    """The outlet's name as the page declares it (og:site_name), if it does."""
    return meta_content(metas, "og:site_name", "application-name")


def _headings(tree: HtmlElement) -> list[tuple[str, bool]]:
    """Non-empty `<h1>` texts outside navigation, each with whether it sits in the article."""
    found = []
    for h1 in tree.iter("h1"):  # a walk in C, where an XPath tests every element
        if next(h1.iterancestors(*_CHROME_TAGS), None) is not None:
            continue
        text = clean_text(h1.text_content())
        if text:
            found.append((text, any(_in_article(up) for up in h1.iterancestors())))
    return found


def _in_article(element: HtmlElement) -> bool:
    return element.tag in ("article", "main") or element.get("itemprop") == "articleBody"


def strip_site_name(title: str, site: str | None) -> str:
    """`<title>` text without the outlet's name (" - Site", " | Site", "Site: ...")."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if site:
        wanted = site.casefold()
        kept = [p for p in parts if p.casefold() != wanted]
        if len(kept) < len(parts) and kept:
            return " - ".join(kept) if len(kept) > 1 else kept[0]
    # No declared name to match: the last segment is taken for the site when it is short.
    head, tail = title[: title.rfind(parts[-1])], parts[-1]
    if len(tail.split()) <= 4 and len(tail) < len(head):
        return _TITLE_SEPARATORS.sub(" - ", head).rstrip(" -|–—:·•»/")
    return title


def extract_title(tree: HtmlElement, metas: Metas) -> str | None:
    """The headline: the article's `<h1>`, else og:title, else `<title>` minus the site name."""
    site = site_name(metas)
    og_title = meta_content(metas, "og:title", "twitter:title")
    page_title = clean_text(" ".join(tree.xpath("//title[1]//text()")))
    reference = og_title or page_title
    headings = [h for h in _headings(tree) if not site or h[0].casefold() != site.casefold()]
    in_article = [text for text, inside in headings if inside]
    if in_article:
        return in_article[0]
    if len(headings) == 1:
        return headings[0][0]
    if headings and reference:
        # Several loose <h1>s (logo, section name, headline): take the one the metadata names.
        best = max(headings, key=lambda h: fuzz.partial_ratio(h[0], reference))
        if fuzz.partial_ratio(best[0], reference) >= 80:
            return best[0]
    if og_title:
        return og_title
    return strip_site_name(page_title, site) if page_title else None


def _language_code(value: str | None) -> str | None:
    match = _LANG_CODE.match((value or "").strip())
    return match.group(1).lower() if match else None


def declared_language(tree: HtmlElement, metas: Metas) -> str | None:
    """ISO 639-1 code from `<html lang>`, og:locale or a content-language meta."""
    candidates = [*tree.xpath("/html/@lang"), *tree.xpath("/html/@xml:lang")]
    candidates += [meta_content(metas, "og:locale", "content-language", "language", "dc.language")]
    for value in candidates:
        if code := _language_code(str(value) if value else None):
            return code
    return None


def detected_language(text: str) -> str | None:
    """ISO 639-1 code guessed from the article text, or None when there is too little text."""
    if len(text) < _MIN_LANGID_CHARS:
        return None
    # A sample decides as well as the whole article and keeps long pages cheap.
    return _language_code(language.classify(text[:_LANGID_SAMPLE_CHARS]))


def canonical_url(tree: HtmlElement, url: str | None, metas: Metas) -> str | None:
    """`<link rel=canonical>` or og:url, made absolute against the fetched URL."""
    links: list[str | None] = [
        link.get("href")
        for link in tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    for href in [*links, meta_content(metas, "og:url")]:
        if not href or not href.strip():
            continue
        absolute = str(urljoin(url, href.strip()) if url else href.strip())
        if urlsplit(absolute).scheme in ("http", "https") and urlsplit(absolute).netloc:
            return absolute
    return None


def updated_date(tree: HtmlElement, published: str | None, metas: Metas) -> str | None:
    """The last-modified day the page declares, when it is later than the published one.

    Only declared markup is read (modified-time metas, `itemprop=dateModified`, JSON-LD
    `dateModified`), never free text: the newest date printed anywhere on a page is often a
    clock or a sidebar item, which would change on every fetch. Reading it directly also
    spares a second htmldate pass over the page.
    """
    candidates = [meta_content(metas, *_MODIFIED_METAS)]
    for element in tree.xpath("//*[@itemprop='dateModified']"):
        candidates.append(element.get("content") or element.get("datetime"))
    for script in tree.iter("script"):
        if script.get("type") == "application/ld+json" and script.text:
            candidates += _LD_MODIFIED.findall(script.text)
    days = sorted({m.group(0) for c in candidates if c and (m := _ISO_DAY.match(c.strip()))})
    updated = days[-1] if days else None
    if not updated or (published and updated <= published):
        return None
    return updated


@dataclass(frozen=True, slots=True)
class Credits:
    """What the page's metadata declares: headline, byline, canonical URL."""

    title: str | None
    byline: str | None
    url: str | None


def credits(tree: HtmlElement) -> Credits:
    """Headline, byline and declared URL from the page's metadata (metas, JSON-LD).

    The readers `trafilatura.bare_extraction(with_metadata=True)` chains, minus the ones we
    never use (categories, tags, licence, site name, its title search when the metadata has
    a title) and minus its date pass: `published_date` runs htmldate once, ourselves. A byline
    printed in the page, not declared, is `printed_byline`'s to find.
    """
    found = traf_metadata.examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # a lone word in an author meta is a handle or a site, not a name
    with contextlib.suppress(Exception):  # its JSON-LD reader has crashed on odd scripts
        found = traf_metadata.extract_meta_json(tree, found)
    return Credits(clean_text(found.title) or None, clean_text(found.author) or None, found.url)


def printed_byline(tree: HtmlElement) -> str | None:
    """The byline printed in the story: trafilatura's author search, else an author link.

    Meant for a page without its furniture (`furniture.strip_furniture`): a name in a menu,
    a footer, a sidebar or an ad is never the story's byline, and lists of writers there
    change from fetch to fetch.
    """
    scope = _byline_scope(tree)
    return clean_text(find_byline(scope) or _author_page_link(scope)) or None


# A link to the writer's own page: rel="author" or an /author/ path (WordPress and many CMSs).
_AUTHOR_LINKS = (
    ".//article//a[@rel='author' or contains(@href, '/author/') or contains(@href, '/authors/')]"
)


def _author_page_link(scope: HtmlElement) -> str | None:
    """The first link to an author page in the story, when it reads like a name.

    Only inside an `<article>`: elsewhere on a page such links are lists of the outlet's
    writers, whose order changes from fetch to fetch.
    """
    for link in scope.xpath(_AUTHOR_LINKS):
        name = clean_text("".join(link.itertext()))
        if 1 < len(name.split()) <= 5 and not any(char.isdigit() for char in name):
            return name
    return None


def _byline_scope(tree: HtmlElement) -> HtmlElement:
    """Where to look for a byline in the page itself: the main `<article>` when there is one.

    Author lists elsewhere on the page ("more from our writers", related-story teasers with
    their own authors) change from fetch to fetch; a byline read from them would be page
    chrome. With several `<article>` elements, the one holding the most text is the story;
    articles nested in it are teasers of other stories.
    """
    articles = tree.xpath("//article")
    if not articles:
        return tree
    main = max(articles, key=lambda a: len(a.text_content()))
    # trafilatura's author search walks a document: hand it a copy of the article alone,
    # without the articles nested in it (related-story teasers with their own bylines).
    story = copy.deepcopy(main)
    for nested in story.xpath(".//article"):
        nested.drop_tree()
    holder = HtmlElement("html")
    body = HtmlElement("body")
    body.append(story)
    holder.append(body)
    return holder


def published_date(tree: HtmlElement, url: str | None) -> str | None:
    """The published day (YYYY-MM-DD): htmldate's search for the original date."""
    found = htmldate.find_date(
        tree, url=url, original_date=True, extensive_search=True, outputformat=_DATE_FORMAT
    )
    return str(found) if found else None
