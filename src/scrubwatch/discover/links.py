"""Links found on a homepage or section page: its declared feeds and the articles it lists.

Most outlets declare their feeds in `<link rel="alternate">`; some declare none, so
`COMMON_FEED_PATHS` names the usual places to probe. When there is no feed at all, the homepage
links are the only source, and picking the articles out of menus, tag pages and footers is a
guess made from the shape of each URL: a slug, a numeric id or a date in the path.

`normalize_url` lives here because every discovery source (feeds, sitemaps, pages) must agree on
one spelling of an article URL, or the same article would be watched twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.etree  # type: ignore[import-untyped, unused-ignore]
import lxml.html  # type: ignore[import-untyped, unused-ignore]

from scrubwatch.hosts import valid_hostname

# Conventions of common publishing systems: WordPress (/feed), Jekyll (/feed.xml), Hugo
# (/index.xml), Pelican (/feeds/all.atom.xml), Blogger (/feeds/posts/default).
COMMON_FEED_PATHS: tuple[str, ...] = (
    "/feed",
    "/rss",
    "/rss.xml",
    "/feed.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.json",
    "/feeds/all.atom.xml",
    "/feeds/posts/default",
)

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml"}
)

# Tracking parameters are dropped by exact name or prefix. courlan's own cleaner is broader
# (it drops any key starting with "ga", "source" or "ref", e.g. `?gallery=5`) and sorts the
# query, which could merge two different articles into one URL; this list only removes keys
# that never select content.
TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "mtm_", "_hs", "hsa_", "oly_", "vero_")
TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mkt_tok",
        "_ga",
        "_gl",
        "cmpid",
        "ocid",
        "smid",
        "ito",
        "xtor",
        "at_medium",
        "at_campaign",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
    }
)

MAX_URL_LENGTH = 2048  # longer "URLs" in feeds are junk or abuse, not permalinks
_HOST_RE = re.compile(r"^[\w.-]+$")  # \w admits internationalised hosts; idna checks them below
_TAB_NEWLINE = re.compile(r"[\t\n\r]")


def normalize_url(url: str, base_url: str | None = None) -> str | None:
    """The one spelling of `url` discovery uses, or None when it is not a usable http(s) URL.

    Resolved against `base_url`, scheme and host lowercased, default port, fragment and
    tracking parameters dropped; path and remaining query are kept as written.
    """
    # Browsers drop tabs and newlines inside URLs and trim the ends; feeds rely on that.
    url = _TAB_NEWLINE.sub("", url).strip()
    # A space or control character left inside is a broken link or prose ("not a url"),
    # which would otherwise resolve to a nonsense path on the outlet's host.
    if not url or len(url) > MAX_URL_LENGTH or any(ord(c) <= 0x20 for c in url):
        return None
    try:
        parts = urlsplit(urljoin(base_url, url) if base_url else url)
        scheme, host, port = parts.scheme.lower(), (parts.hostname or ""), parts.port
    except ValueError:  # bad IPv6 literal, non-numeric or out-of-range port
        return None
    if scheme not in ("http", "https") or not _valid_host(host):
        return None
    netloc = host if port is None or port == (80 if scheme == "http" else 443) else f"{host}:{port}"
    query = _drop_tracking(parts.query)
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _valid_host(host: str) -> bool:
    if not host or not _HOST_RE.match(host) or ".." in host or host.startswith("."):
        return False
    return valid_hostname(host)  # what the resolver will accept ("xn--" alone it will not)


def _drop_tracking(query: str) -> str:
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _is_tracking(k)]
    if len(kept) == len(pairs):
        return query  # untouched: keep the outlet's own encoding and order
    return urlencode(kept)


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in TRACKING_NAMES or key.startswith(TRACKING_PREFIXES)


def site_key(url: str) -> str:
    """The host of `url` without a leading `www.`: two URLs with one key are the same site."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _parse_html(html: str) -> lxml.etree._Element | None:
    if not html.strip():
        return None
    parser = lxml.html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True)
    try:
        root = lxml.etree.fromstring(html.encode("utf-8", "replace"), parser)
    except (lxml.etree.LxmlError, ValueError):
        return None
    return root


def _page_base(root: lxml.etree._Element, base_url: str) -> str:
    """The URL relative links resolve against: `<base href>` when the page sets one."""
    for href in root.xpath("//base/@href"):
        resolved = normalize_url(str(href), base_url)
        if resolved:
            return resolved
    return base_url


def _unique(urls: Iterable[str | None]) -> list[str]:
    seen: dict[str, None] = {}
    for url in urls:
        if url is not None:
            seen.setdefault(url, None)
    return list(seen)


def feed_links(html: str, base_url: str) -> list[str]:
    """Absolute URLs of the RSS, Atom and JSON feeds a page declares in `<link rel=alternate>`."""
    root = _parse_html(html)
    if root is None:
        return []
    base = _page_base(root, base_url)

    def found() -> Iterator[str | None]:
        for link in root.iter("link"):
            rel = (link.get("rel") or "").lower().split()
            kind = (link.get("type") or "").lower().split(";")[0].strip()
            href = link.get("href")
            if "alternate" in rel and kind in FEED_TYPES and href:
                yield normalize_url(href, base)

    return _unique(found())


def article_links(html: str, base_url: str) -> list[str]:
    """Same-site links of a page whose URL looks like an article, normalised, in page order."""
    root = _parse_html(html)
    if root is None:
        return []
    base = _page_base(root, base_url)
    site = site_key(base_url)
    home = normalize_url(base_url)

    def found() -> Iterator[str | None]:
        for anchor in root.iter("a"):
            url = normalize_url(anchor.get("href") or "", base)
            if url and url != home and site_key(url) == site and looks_like_article(url):
                yield url

    return _unique(found())


# Path segments that name listing, account and legal pages rather than articles.
NAVIGATION_SEGMENTS = frozenset(
    {
        *("tag", "tags", "category", "categories", "topic", "topics", "section", "sections"),
        *("author", "authors", "by", "user", "users", "profile", "account", "page", "search"),
        *("login", "log-in", "signin", "sign-in", "signup", "sign-up", "register", "logout"),
        *("subscribe", "subscription", "subscriptions", "newsletter", "newsletters"),
        *("about", "about-us", "contact", "contact-us", "imprint", "impressum", "legal"),
        *("privacy", "privacy-policy", "terms", "terms-of-use", "terms-of-service"),
        *("cookies", "cookie-policy", "feed", "feeds", "rss", "atom"),
        *("wp-admin", "wp-login.php", "cdn-cgi"),
    }
)
_YEAR = re.compile(r"^(?:19[89]\d|20\d\d)$")
_MONTH = re.compile(r"^(?:0?[1-9]|1[0-2])$")
_DAY = re.compile(r"^(?:0?[1-9]|[12]\d|3[01])$")
_DATE_IN_SEGMENT = re.compile(
    r"(?:^|\D)(?:19[89]\d|20\d\d)-?(?:0[1-9]|1[0-2])-?(?:0[1-9]|[12]\d|3[01])(?:\D|$)"
)
_TRAILING_ID = re.compile(r"(?:^|[^0-9])\d{5,}$")
_ID_QUERY_KEYS = frozenset({"id", "p", "story", "storyid", "article", "articleid", "post", "aid"})
_WORD = re.compile(r"[^\W\d_]")  # a segment part counts as a word when it has a letter


def looks_like_article(url: str) -> bool:
    """Guess from its shape alone whether `url` is an article rather than a listing page."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.lower().split("/") if s]
    if any(s in NAVIGATION_SEGMENTS for s in segments):
        return False
    from courlan.filters import extension_filter  # with urllib3 and babel: ~60 ms to import

    if segments and not extension_filter(segments[-1]):
        return False  # images, PDFs, feeds and other files that are not web pages
    stems = [s.rsplit(".", 1)[0] if "." in s else s for s in segments]
    return (
        _has_date(stems)
        or any(_is_numeric_id(s) for s in stems)
        or _has_id_query(parts.query)
        or any(_is_slug(s, words=3 if len(stems) > 1 else 4) for s in stems)
    )


def _has_date(stems: list[str]) -> bool:
    """A date in the path with something after it: `/2024/05/17/` alone is a day archive."""
    for i, stem in enumerate(stems):
        if _YEAR.match(stem) and i + 1 < len(stems) and _MONTH.match(stems[i + 1]):
            after = stems[i + 2 :]
            if after and _DAY.match(after[0]):
                after = after[1:]
            return bool(after)
        if _DATE_IN_SEGMENT.search(stem) and len(stems) > 1:
            return True
    return False


def _is_numeric_id(stem: str) -> bool:
    if stem.isdigit():
        return len(stem) >= 4 and not _YEAR.match(stem)
    return bool(_TRAILING_ID.search(stem))


def _has_id_query(query: str) -> bool:
    return any(k.lower() in _ID_QUERY_KEYS and v.isdigit() for k, v in parse_qsl(query))


def _is_slug(stem: str, *, words: int) -> bool:
    """Several words joined by `-` or `_`: the usual shape of an article's URL name."""
    pieces = [p for p in re.split(r"[-_]+", stem) if p]
    return sum(1 for p in pieces if _WORD.search(p)) >= words
