"""Is this page the article, or a wall in front of it? Deciding from one response, without I/O.

Outlets and the services in front of them often answer an article's URL with something else:
a bot challenge ("Just a moment...", "Проверка браузера"), a consent wall ("Bevor Sie zu
Google weitergehen"), a login wall or a paywall, frequently with status 200. Such a page says
nothing about the article: read as the article it looks like an edit (the text vanished) or a
deletion (emptied, soft 404). It is a failed look, to be tried again later.

The danger is the other way round too: an article that is taken for a wall is never compared
again, so a scrub would go unseen. Hence the same discipline as `deletion`'s "not found"
pages: only a page whose extracted article text is short is judged at all (an article *about*
bot checks, or with a cookie banner in its chrome, is long), and on it only evidence that real
walls carry counts:
- markers that only challenge pages contain (Cloudflare's `_cf_chl_opt`, DDoS-Guard's script
  path, a consent form posting to consent.google.com...);
- the page title of a wall ("Just a moment...", "Sign in");
- phrases of walls in several languages, written naturally and folded once below; consent
  phrases only in a title or heading and beside words about cookies, since cookie banners
  sit in the chrome of countless short pages;
- on a page that is otherwise empty, a bare "enable JavaScript" notice.
Words the article itself used before (its previous version) are never evidence.

A page still under the article's own headline, or a longer one, is a wall only as a teaser:
some sentence of the article is still there, and the extracted text (not the chrome around
it) ends in a subscribe or login prompt that the article never had; a longer page must also
have lost over half the text. So a login box in the chrome of an emptied article does not
hide its deletion, and an article cut short beside a subscribe offer is still an edit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from scrubwatch import wall_phrases as words
from scrubwatch.extract.charset import decode_html
from scrubwatch.model import Document
from scrubwatch.text import fold, split_sentences

BOT_CHALLENGE = "bot challenge"
CONSENT_WALL = "consent wall"
LOGIN_WALL = "login wall"
PAYWALL = "paywall"

# Statuses a wall comes with: 200 mostly; 401, 403, 429 and 503 from challenge and login
# services. Any other status says something about the article itself.
WALL_STATUSES = frozenset({200, 401, 403, 429, 503})

# Only a page whose article text (folded) is shorter than this is judged, as in `deletion`.
_SHORT_PAGE_CHARS = 600
# "Nothing but a notice": the article text and the visible page (without <noscript>) this
# short, for the weakest evidence, a bare "enable JavaScript".
_EMPTY_ARTICLE_CHARS = 150
_EMPTY_PAGE_CHARS = 200
# An error answer (403, 503...) is not extracted: one showing this much text is some page
# of the site's, not a wall.
_ERROR_PAGE_CHARS = 3000
# A teaser: at most this share of the previous article's text, and at least one sentence
# of it this long, so that a headline-like scrap does not count.
_TEASER_SHARE = 0.5
_TEASER_SENTENCE_CHARS = 40
# Visible text read from a page: walls say what they are near the top.
_READ_CHARS = 20_000

# Title segments: "Sign in | The Ledger" is the title "sign in" of a site.
_TITLE_SEPARATORS = re.compile(r"\s[|·•»–—-]\s|\|")
_NOT_WORD = re.compile(r"\W+")


def _key(text: str) -> str:
    """A matching key: folded (case, diacritics, typography), punctuation as single spaces,
    padded so that `_has` matches whole words only."""
    return " " + " ".join(_NOT_WORD.sub(" ", fold(text)).split()) + " "


def _keys(phrases: Iterable[str]) -> tuple[str, ...]:
    return tuple(_key(p) for p in phrases)


_CHALLENGE_MARKERS = words.CHALLENGE_MARKERS
_CONSENT_MARKERS = words.CONSENT_MARKERS
_BOT_PHRASES = _keys(words.BOT_PHRASES)
_BOT_TITLES = _keys(words.BOT_TITLES)
_SCRIPT_NOTICES = _keys(words.SCRIPT_NOTICES)
_CONSENT_PHRASES = _keys(words.CONSENT_PHRASES)
_CONSENT_WORDS = tuple(_key(w).strip() for w in words.CONSENT_WORDS)  # stems: not whole words
_LOGIN_PHRASES = _keys(words.LOGIN_PHRASES)
_LOGIN_TITLES = _keys(words.LOGIN_TITLES)
_PAYWALL_PHRASES = _keys(words.PAYWALL_PHRASES)
_PAYWALL_TITLES = _keys(words.PAYWALL_TITLES)


@dataclass(frozen=True, slots=True)
class _Page:
    """What a suspect page shows, as matching keys."""

    markup: str  # lowercased markup, for markers
    titles: tuple[str, ...]  # each segment of the page title and of the extracted headline
    headings: str  # title and h1-h3 texts
    text: str  # everything visible, <noscript> included
    visible_chars: int  # folded length of the visible text without <noscript>


def detect_interstitial(
    body: bytes | str,
    document: Document | None,
    status: int = 200,
    *,
    previous: Document | None = None,
    content_type: str | None = None,
) -> str | None:
    """What kind of wall the page is ("bot challenge", "consent wall", "login wall",
    "paywall"), or None when it may be the article, a deletion or an ordinary error.

    `document` is the page's extraction (None when none ran: a non-200 answer); `previous`
    the article's latest version, whose own words are never taken for a wall's.
    """
    if status not in WALL_STATUSES or (status == 200 and document is None):
        return None
    if document is not None and not _is_short(document.text):
        return _teaser_wall(document, previous)
    page = _read(body, document, content_type)
    if page is None or (document is None and page.visible_chars >= _ERROR_PAGE_CHARS):
        return None
    before = _key(f"{previous.title or ''}\n{previous.text}") if previous is not None else " "
    if any(marker in page.markup for marker in _CHALLENGE_MARKERS):
        return BOT_CHALLENGE
    if any(marker in page.markup for marker in _CONSENT_MARKERS):
        return CONSENT_WALL
    if _same_headline(document, previous):
        assert document is not None and previous is not None
        return _teaser(document, previous, before)
    return _wall_by_title(page) or _login_form(page) or _wall_on_page(page, document, before)


# A password field on a page too short to be an article, whose headline is not the
# article's: a login wall in any language (a rate-limited Facebook page says only "Mot de
# passe", "Créer un compte" and a list of languages).
_PASSWORD_FIELDS = ('type="password"', "type='password'", "type=password")


def _login_form(page: _Page) -> str | None:
    return LOGIN_WALL if any(field in page.markup for field in _PASSWORD_FIELDS) else None


def _is_short(text: str) -> bool:
    """Too short for an article; a long text is told by its start alone, as in `deletion`."""
    head = text[: _SHORT_PAGE_CHARS * 4]
    if len(fold(head)) >= _SHORT_PAGE_CHARS:
        return False
    return len(head) == len(text) or len(fold(text)) < _SHORT_PAGE_CHARS


def _read(body: bytes | str, document: Document | None, content_type: str | None) -> _Page | None:
    """Parse the page once: its titles, headings and visible text as keys."""
    markup = body if isinstance(body, str) else decode_html(body, content_type)
    if not markup.strip():
        return None
    tree = LexborHTMLParser(markup)
    title_node = tree.css_first("title")
    titles = [title_node.text() if title_node is not None else ""]
    if document is not None and document.title:
        titles.append(document.title)
    headings = [*titles, *(node.text(separator=" ") for node in tree.css("h1, h2, h3"))]
    for node in tree.css("script, style, template, [hidden], [aria-hidden=true]"):
        node.decompose()
    for node in tree.css('[style*="display:none"], [style*="display: none"]'):
        node.decompose()
    notices = [node.text(separator=" ") for node in tree.css("noscript")]
    for node in tree.css("noscript"):
        node.decompose()
    root = tree.body or tree.root
    shown = root.text(separator=" ")[:_READ_CHARS] if root is not None else ""
    text = "\n".join([*titles, shown, *notices, document.text if document else ""])
    return _Page(
        markup=markup.lower(),
        titles=tuple(_key(s) for t in titles for s in (t, *_TITLE_SEPARATORS.split(t))),
        headings=_key("\n".join(headings)),
        text=_key(text),
        visible_chars=len(fold(shown)),
    )


def _same_headline(document: Document | None, previous: Document | None) -> bool:
    """Whether the page is still under the article's own headline."""
    if document is None or previous is None or not previous.title:
        return False
    return _key(document.title or "") == _key(previous.title) != _key("")


def _has(text: str, phrases: tuple[str, ...], before: str = " ") -> bool:
    """Whether `text` holds one of the phrases that the article did not say itself."""
    return any(p in text and p not in before for p in phrases)


def _wall_by_title(page: _Page) -> str | None:
    """A page titled like a wall ("Just a moment...", "Sign in | Outlet")."""
    for kind, titles in (
        (BOT_CHALLENGE, _BOT_TITLES),
        (LOGIN_WALL, _LOGIN_TITLES),
        (PAYWALL, _PAYWALL_TITLES),
    ):
        if any(title in titles for title in page.titles):
            return kind
    return None


def _wall_on_page(page: _Page, document: Document | None, before: str) -> str | None:
    """A wall told by what the page says: challenge, consent, paywall or login phrases."""
    if _has(page.text, _BOT_PHRASES, before):
        return BOT_CHALLENGE
    if _has(page.headings, _CONSENT_PHRASES, before) and any(
        word in page.text for word in _CONSENT_WORDS
    ):
        return CONSENT_WALL
    found = _wall_in(page.text, before)
    if found is not None:
        return found
    article = len(fold(document.text)) if document is not None else 0
    if (
        article < _EMPTY_ARTICLE_CHARS
        and page.visible_chars < _EMPTY_PAGE_CHARS
        and _has(page.text, _SCRIPT_NOTICES, before)
    ):
        return BOT_CHALLENGE
    return None


def _wall_in(text: str, before: str) -> str | None:
    """A paywall or login prompt in `text` that the article never had."""
    if _has(text, _PAYWALL_PHRASES, before):
        return PAYWALL
    if _has(text, _LOGIN_PHRASES, before):
        return LOGIN_WALL
    return None


def _teaser_wall(document: Document, previous: Document | None) -> str | None:
    """A long page that is only the start of the article we had, then a wall's prompt.

    Cheap for the common case: an article about as long as before is never folded here.
    """
    if previous is None or len(document.text) >= len(previous.text) * _TEASER_SHARE:
        return None
    return _teaser(document, previous, _key(f"{previous.title or ''}\n{previous.text}"))


def _teaser(document: Document, previous: Document, before: str) -> str | None:
    """A wall under the article's own headline: some of the article still there, then a
    paywall or login prompt in the article's place that the article never had.

    Without a sentence of the article left, the page is an emptied article whatever its
    chrome says (the extractor may fall back to that chrome), and `deletion` judges it.
    """
    now = _key(document.text)
    kind = _wall_in(now, before)
    if kind is None:
        return None
    sentences = split_sentences(previous.text, document.language or previous.language)
    kept = (_key(s) for s in sentences)
    return kind if any(len(s) >= _TEASER_SENTENCE_CHARS and s in now for s in kept) else None
