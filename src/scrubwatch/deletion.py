"""Is this article gone, and how? Deciding from one response, without I/O.

Outlets rarely delete with a clean 404. They redirect the article to the homepage or a
section, serve a "page not found" page with status 200, or leave the page standing with its
text cut out. Each of those is a deletion a reader must be told about. What is *not* a
deletion matters as much: a server error or a block (5xx, 403, 429) is a failed look, and an
article moved to a new URL with its text intact is still there.

A "not found" page is recognised by phrases in many languages, and, whatever its wording, by
its likeness to a probe: the page the same site serves for a surely-missing URL, which the
caller fetches and passes in.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from rapidfuzz import fuzz

from scrubwatch.model import DeletionKind, Document
from scrubwatch.text import fold, split_sentences

# Phrases of "not found" pages, written naturally and folded once below. A handful of languages;
# more are added here. Strong phrases are trusted in a title; weak ones, which a headline
# could also use ("Missing plane still not found"), only on a page too short to be an article.
_STRONG_PHRASES: tuple[str, ...] = (
    "page not found",
    "page cannot be found",
    "page could not be found",
    "error 404",
    "404 error",
    "страница не найдена",
    "страница не существует",
    "ошибка 404",
    "сторінку не знайдено",
    "сторінка не знайдена",
    "sayfa bulunamadı",
    "səhifə tapılmadı",
    "seite nicht gefunden",
    "page introuvable",
    "página no encontrada",
    "էջը չի գտնվել",
    "გვერდი ვერ მოიძებნა",
    "页面不存在",
    "页面未找到",
    "找不到页面",
    "ページが見つかりません",
    "الصفحة غير موجودة",
    "الصفحة المطلوبة غير موجودة",
    "لم يتم العثور على الصفحة",
    "خطأ 404",
    "صفحه یافت نشد",
    "صفحه مورد نظر یافت نشد",
    "صفحه پیدا نشد",
    "خطای 404",
)
_WEAK_PHRASES: tuple[str, ...] = (
    "not found",
    "no longer available",
    "does not exist",
    "has been removed",
    "page you requested",
    "page you are looking for",
    "page you were looking for",
    "страница удалена",
    "материал удалён",
    "تمت إزالة",
    "لم يعد متاحا",
    "غير متوفرة",
    "حذف شده است",
    "وجود ندارد",
    "404",
)
_STRONG_PHRASES = tuple(fold(p) for p in _STRONG_PHRASES)
_WEAK_PHRASES = tuple(fold(p) for p in _WEAK_PHRASES)
_TITLE_OPENINGS = ("404", "not found")
# A page whose body is this short cannot be an article; only such pages are searched for
# "not found" phrases, so an article *about* missing pages is not taken for one.
_SHORT_PAGE_CHARS = 600
# "Nearly empty": under this many characters and under this share of the previous text.
_EMPTIED_CHARS = 150
_EMPTIED_SHARE = 0.25
# Leftovers under the article's headline (menus, teasers, a byline box that the extractor
# falls back to) share no sentence with the article. A real edit, however heavy, keeps some
# sentence of the text it edits; a very short article is not judged this way.
_LEFTOVER_MIN_SENTENCES = 3
# ...but a text at least half as long that keeps a third of the article's words (of four
# letters or more) is the article reworded, an edit.
_REWORDED_LENGTH = 0.5
_REWORDED_WORDS = 1 / 3
_CONTENT_WORD_CHARS = 4
# An article that moved keeps its text: at least this similar (rapidfuzz ratio, 0-100) to
# the previous version, allowing for an edit made along the way.
_SAME_ARTICLE = 70.0
_SAME_ARTICLE_SAME_TITLE = 45.0
_COMPARED_CHARS = 5000
# A page this similar (rapidfuzz ratio of folded title and body) to the probe of a missing
# URL is that site's not-found page; articles of the same site score far lower.
_SAME_AS_PROBE = 85.0


def classify_gone(
    status: int | None,
    requested_url: str,
    final_url: str | None,
    document: Document | None,
    previous: Document | None,
    *,
    probe: Document | None = None,
) -> tuple[DeletionKind, str | None] | None:
    """How the article went away, with the redirect target if any; None if it is there.

    Statuses other than 200, 404, 410 and redirects (5xx, 403, 429...) are failures to
    look, not deletions: None is returned and the caller records a failure.

    `probe` is the extracted page of a surely-missing URL on the same host: what this site
    shows for "not found". A page that is (nearly) that page is a soft 404 in any language,
    with or without a "not found" phrase.
    """
    if status == 404:
        return DeletionKind.HTTP_404, None
    if status == 410:
        return DeletionKind.HTTP_410, None
    if status is None:
        return None
    redirected = final_url is not None and not same_page(requested_url, final_url)
    target = final_url if redirected else None
    if 300 <= status < 400 and status != 304:
        return (DeletionKind.REDIRECT, target) if target else None
    if status != 200:
        return None
    # A short brief that happens to say "not found" is still the article it was.
    if document is not None and (previous is None or not same_article(document, previous)):
        if is_not_found_page(document):
            return DeletionKind.SOFT_404, target
        if probe is not None and is_probe_page(document, probe):
            # The site's chrome with nothing in it: under the article's own headline that is
            # the article emptied; under any other, the site's "not found" page.
            if target is None and previous is not None and _same_title(document, previous):
                return DeletionKind.EMPTIED, None
            return DeletionKind.SOFT_404, target
    if target is not None:
        return _judge_redirect(target, document, previous)
    if previous is not None and not previous.is_empty and _is_emptied(document, previous):
        return DeletionKind.EMPTIED, None
    return None


def _judge_redirect(
    target: str, document: Document | None, previous: Document | None
) -> tuple[DeletionKind, str | None] | None:
    if previous is not None and document is not None:
        return None if same_article(document, previous) else (DeletionKind.REDIRECT, target)
    # Nothing to compare with (first look): only a landing page is clearly not the article;
    # a deeper URL is most likely the canonical address of the same article.
    if document is None or document.is_empty or _is_landing_page(target):
        return DeletionKind.REDIRECT, target
    return None


def same_page(a: str, b: str) -> bool:
    """Whether two URLs address the same page: scheme, "www.", a trailing slash and a
    fragment do not count."""
    return _page_key(a) == _page_key(b)


def _page_key(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host, parts.path.rstrip("/") or "/", parts.query


def _is_landing_page(url: str) -> bool:
    """The homepage or a one-segment section ("/news/"), not an article URL."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return len(segments) <= 1 and "." not in "".join(segments) and not urlsplit(url).query


def is_not_found_page(document: Document) -> bool:
    """A page that says the article is not there: by its title, or by a short body."""
    title = fold(document.title or "")
    if title.startswith(_TITLE_OPENINGS) or any(p in title for p in _STRONG_PHRASES):
        return True
    # A long article is told by the length of its start alone: folding it whole, only to
    # learn that it is long, cost more than the rest of this test.
    text = document.text
    head = text[: _SHORT_PAGE_CHARS * 4]
    body = fold(head)
    if len(body) >= _SHORT_PAGE_CHARS:
        return False
    if len(head) < len(text):  # a start of mostly spaces: the whole text decides
        body = fold(text)
        if len(body) >= _SHORT_PAGE_CHARS:
            return False
    return any(p in f"{title}\n{body}" for p in (*_STRONG_PHRASES, *_WEAK_PHRASES))


def is_probe_page(document: Document, probe: Document) -> bool:
    """Whether a page is what the site shows for a missing URL, judged by its likeness to
    the probe (the page of a surely-missing URL on the same host).

    Bodies are compared: a real article may share the site's chrome and title pattern with
    the probe, but its own text keeps its body far from the probe's. Only when both bodies
    are empty do the titles decide. "Nearly" the same, since the probe may echo the missing
    path ("/politics/abc was not found").
    """
    page, model = _without_paths(document.text), _without_paths(probe.text)
    if page and model and fuzz.ratio(page, model) >= _SAME_AS_PROBE:
        return True
    # Extractors are fickle on pages without an article and may keep different scraps of
    # chrome from two near-identical not-found pages; the probe's headline and one of its
    # sentences ("Try the search box instead.") are then the site's not-found notice.
    if not _same_title(document, probe):
        return False
    if not page and not model:
        return True
    language = document.language or probe.language
    notice = {_without_paths(s) for s in split_sentences(probe.text, language)}
    return any(_without_paths(s) in notice for s in split_sentences(document.text, language))


def _without_paths(text: str) -> str:
    """Folded text without URL-like words, which a not-found page may echo."""
    return " ".join(w for w in fold(text)[:_COMPARED_CHARS].split() if "/" not in w)


def _same_title(document: Document, previous: Document) -> bool:
    return fold(document.title or "") == fold(previous.title or "") != ""


def _is_emptied(document: Document | None, previous: Document) -> bool:
    """No article body any more: nothing, a scrap, or only leftovers of the page under the
    same headline (menus, teasers, a byline box) sharing no sentence with the article."""
    if document is None or document.is_empty:
        return True
    now, before = len(fold(document.text)), len(fold(previous.text))
    if now < _EMPTIED_CHARS and now < before * _EMPTIED_SHARE:
        return True
    return (
        _same_title(document, previous)
        and not _shares_a_sentence(document, previous)
        and not _reworded(document, previous)
    )


def _reworded(document: Document, previous: Document) -> bool:
    """The article rewritten under its headline rather than removed: no sentence kept as
    it was, but most of its length and a good share of its words still there. Leftovers
    (menus, teasers, a byline box) are short and about other things."""
    now, before = fold(document.text), fold(previous.text)
    if len(now) < _REWORDED_LENGTH * len(before):
        return False
    old_words = {w for w in before.split() if len(w) >= _CONTENT_WORD_CHARS}
    new_words = {w for w in now.split() if len(w) >= _CONTENT_WORD_CHARS}
    return bool(old_words) and len(old_words & new_words) >= _REWORDED_WORDS * len(old_words)


def _shares_a_sentence(document: Document, previous: Document) -> bool:
    """Whether the page still holds a sentence of the article (other than its headline).

    An article of fewer than `_LEFTOVER_MIN_SENTENCES` counts as shared: too little text
    to tell leftovers from a rewrite.
    """
    language = document.language or previous.language
    title = fold(previous.title or "")
    old = {fold(s) for s in split_sentences(previous.text, language)} - {title}
    if len(old) < _LEFTOVER_MIN_SENTENCES:
        return True
    return any(fold(s) in old for s in split_sentences(document.text, language))


def same_article(document: Document, previous: Document) -> bool:
    """Whether a document is the previous article, perhaps edited: text largely the same."""
    if document.is_empty or previous.is_empty:
        return False
    score = fuzz.ratio(fold(document.text)[:_COMPARED_CHARS], fold(previous.text)[:_COMPARED_CHARS])
    same_title = _same_title(document, previous)
    return score >= (_SAME_ARTICLE_SAME_TITLE if same_title else _SAME_ARTICLE)


def describe_deletion(kind: DeletionKind, redirect_to: str | None) -> str:
    """One line for people: "Article deleted (HTTP 404)"."""
    if kind is DeletionKind.HTTP_404:
        return "Article deleted (HTTP 404)"
    if kind is DeletionKind.HTTP_410:
        return "Article deleted (HTTP 410 Gone)"
    if kind is DeletionKind.REDIRECT:
        if redirect_to is None:
            return "Article removed: the page now redirects elsewhere"
        where = "the homepage" if urlsplit(redirect_to).path.strip("/") == "" else redirect_to
        if where != redirect_to:
            where += f" ({redirect_to})"
        return f"Article removed: the page now redirects to {where}"
    if kind is DeletionKind.SOFT_404:
        return "Article deleted: the page now says it was not found"
    return "Article emptied: the page is still there but its text is gone"
