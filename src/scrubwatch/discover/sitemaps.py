"""Article URLs from an outlet's sitemaps, and the sitemaps its robots.txt names.

News outlets publish Google News sitemaps listing the articles of the last two days, often
with a title and publication time; they reach articles a feed leaves out. Sitemaps are parsed
with lxml under a parser that neither resolves entities nor touches the network, so an entity
bomb or an external DTD costs nothing. Bodies may be gzip-compressed (`sitemap.xml.gz` is
often served without a content encoding), and are decompressed here under a size cap.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

import lxml.etree  # type: ignore[import-untyped, unused-ignore]

from scrubwatch.discover.links import normalize_url

GZIP_MAGIC = b"\x1f\x8b"
# The sitemap protocol caps a file at 50 MB uncompressed; anything past that is cut off.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
# Sitemaps a robots.txt may name for us to read on every discovery pass: news sites name a
# handful; a file naming hundreds would cost hundreds of fetches each time.
MAX_ROBOTS_SITEMAPS = 20
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One `<url>` of a sitemap; the news fields come from a Google News `<news:news>` block."""

    url: str
    lastmod: datetime | None = None  # timezone-aware, UTC
    news_title: str | None = None
    news_published: datetime | None = None  # timezone-aware, UTC


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: page URLs (urlset) or the sitemaps it points to (sitemapindex)."""

    urls: list[SitemapEntry]
    children: list[str]


def parse_sitemap(body: bytes, base_url: str, *, limit: int | None = None) -> Sitemap | None:
    """The entries of a sitemap or sitemap index, or None when `body` is not a sitemap.

    Accepts XML sitemaps (plain or gzip) and plain-text sitemaps (one URL a line). URLs are
    normalised and deduplicated in document order; `limit` caps both lists.
    """
    data = _gunzip(body) if body.startswith(GZIP_MAGIC) else body[:MAX_SITEMAP_BYTES]
    if data is None or not data.strip():
        return None
    root = _parse_xml(data)
    if root is None:
        return _parse_text_sitemap(data, base_url, limit)
    kind = _local(root)
    if kind == "urlset":
        return Sitemap(_take(_url_entries(root, base_url), limit, _entry_url), [])
    if kind == "sitemapindex":
        locs = (_child_text(node, "loc") or "" for node in _children(root, "sitemap"))
        children = (url for loc in locs if (url := normalize_url(loc, base_url)))
        return Sitemap([], _take(children, limit, _same))
    return None


def sitemaps_from_robots(body: bytes, base_url: str) -> list[str]:
    """Absolute URLs of the `Sitemap:` lines of a robots.txt, in file order, once each; the
    first `MAX_ROBOTS_SITEMAPS` of them."""
    found: dict[str, None] = {}
    for line in body[:MAX_SITEMAP_BYTES].decode("utf-8", "replace").splitlines():
        match = re.match(r"\s*sitemap\s*:(.*)", line.split("#", 1)[0], re.IGNORECASE)
        url = normalize_url(match[1], base_url) if match else None
        if url:
            found.setdefault(url, None)
            if len(found) == MAX_ROBOTS_SITEMAPS:
                break
    return list(found)


def _gunzip(body: bytes) -> bytes | None:
    """Decompressed `body`, cut at MAX_SITEMAP_BYTES (a gzip bomb stops there), or None."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        return inflater.decompress(body, MAX_SITEMAP_BYTES)
    except zlib.error:
        return None


def _parse_xml(data: bytes) -> lxml.etree._Element | None:
    # recover=True keeps the entries before a cut or a stray `&`, which real sitemaps have.
    parser = lxml.etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return lxml.etree.fromstring(data, parser)
    except (lxml.etree.LxmlError, ValueError):
        return None


def _local(element: lxml.etree._Element) -> str:
    """The tag without its namespace: sitemaps use many prefixes and some no namespace."""
    tag = element.tag
    return lxml.etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element: lxml.etree._Element, name: str) -> Iterator[lxml.etree._Element]:
    return (child for child in element if _local(child) == name)


def _child_text(element: lxml.etree._Element, name: str) -> str | None:
    """The text of the first child called `name`, CDATA included, stripped; None if absent."""
    for child in _children(element, name):
        text = " ".join("".join(child.itertext()).split())
        return text or None
    return None


def _url_entries(root: lxml.etree._Element, base_url: str) -> Iterator[SitemapEntry]:
    # Only direct children are read: hreflang <xhtml:link> alternates and image/video <loc>s
    # sit deeper or under other names, and are not articles of their own.
    for node in _children(root, "url"):
        url = normalize_url(_child_text(node, "loc") or "", base_url)
        if url is None:
            continue
        news = next(_children(node, "news"), None)
        yield SitemapEntry(
            url=url,
            lastmod=_w3c_date(_child_text(node, "lastmod")),
            news_title=_child_text(news, "title") if news is not None else None,
            news_published=(
                _w3c_date(_child_text(news, "publication_date")) if news is not None else None
            ),
        )


def _take(items: Iterable[T], limit: int | None, key: Callable[[T], str]) -> list[T]:
    """The first `limit` items with distinct keys, in order."""
    kept: dict[str, T] = {}
    for item in items:
        if limit is not None and len(kept) >= limit:
            break
        kept.setdefault(key(item), item)
    return list(kept.values())


def _entry_url(entry: SitemapEntry) -> str:
    return entry.url


def _same(url: str) -> str:
    return url


def _w3c_date(value: str | None) -> datetime | None:
    """A W3C datetime (`2024`, `2024-05`, `2024-05-17`, `2024-05-17T09:30:00+02:00`) in UTC."""
    if not value:
        return None
    partial = _PARTIAL_DATE.match(value)
    try:
        if partial:
            return datetime(int(partial[1]), int(partial[2] or 1), 1, tzinfo=UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _parse_text_sitemap(data: bytes, base_url: str, limit: int | None) -> Sitemap | None:
    """A text sitemap: nothing but absolute http(s) URLs, one a line."""
    if data.lstrip().startswith(b"<"):
        return None
    lines = [line.strip() for line in data.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    if not lines or not all(re.match(r"https?://\S+$", line, re.IGNORECASE) for line in lines):
        return None
    urls = (normalize_url(line) for line in lines)
    return Sitemap(_take((SitemapEntry(u) for u in urls if u), limit, _entry_url), [])
