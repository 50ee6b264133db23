"""classify_gone / describe_deletion: every way an article goes away, and what is not one."""

from __future__ import annotations

import pytest

from scrubwatch.deletion import classify_gone, describe_deletion, is_not_found_page
from scrubwatch.model import DeletionKind, Document

URL = "https://news.example/politics/2025/04/aliyev-china-ties"
ARTICLE = Document(
    title="Aliyev hails Chinese investment before Beijing trip",
    paragraphs=(
        "Azerbaijani President Ilham Aliyev spoke warmly of trade with China in an interview "
        "with Xinhua on Monday, a day before his expected visit to Beijing.",
        "Chinese firms are expected to take part in building the Zangezur corridor, officials "
        "said, and investment has reached $3.7 billion.",
        "China accounted for 7.9% of the country's foreign trade last year, making it the "
        "fourth largest trading partner.",
    ),
)
HOMEPAGE = Document(
    title="News Example: latest news",
    paragraphs=("Top stories", "Markets rally as talks resume", "Weather: rain in the capital"),
)


@pytest.mark.parametrize(
    ("status", "kind"), [(404, DeletionKind.HTTP_404), (410, DeletionKind.HTTP_410)]
)
def test_http_status_deletions(status: int, kind: DeletionKind) -> None:
    assert classify_gone(status, URL, URL, None, ARTICLE) == (kind, None)


@pytest.mark.parametrize("status", [500, 502, 503, 403, 429, 304, None])
def test_failures_are_not_deletions(status: int | None) -> None:
    assert classify_gone(status, URL, URL, None, ARTICLE) is None


def test_article_still_there() -> None:
    assert classify_gone(200, URL, URL, ARTICLE, ARTICLE) is None
    # Trivial URL differences are the same page, not a redirect.
    assert (
        classify_gone(200, URL, URL.replace("https://", "http://www.") + "/", ARTICLE, ARTICLE)
        is None
    )


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("https://news.example/", HOMEPAGE),
        ("https://news.example/politics/", HOMEPAGE),
        ("https://news.example/economy/2025/04/markets-rally", HOMEPAGE),
    ],
)
def test_redirect_elsewhere_is_a_deletion(target: str, landing: Document) -> None:
    assert classify_gone(200, URL, target, landing, ARTICLE) == (DeletionKind.REDIRECT, target)


def test_unfollowed_redirect_is_a_deletion() -> None:
    target = "https://news.example/"
    assert classify_gone(301, URL, target, None, ARTICLE) == (DeletionKind.REDIRECT, target)


def test_article_moved_to_new_url_is_not_a_deletion() -> None:
    moved_to = "https://news.example/world/aliyev-hails-china-ties"
    edited = Document(
        title=ARTICLE.title,
        paragraphs=(*ARTICLE.paragraphs[:2], "Trade figures were not published."),
    )
    assert classify_gone(200, URL, moved_to, ARTICLE, ARTICLE) is None
    assert classify_gone(200, URL, moved_to, edited, ARTICLE) is None


def test_first_look_redirect_to_article_url_is_not_a_deletion() -> None:
    canonical = "https://news.example/world/aliyev-hails-china-ties"
    assert classify_gone(200, URL, canonical, ARTICLE, None) is None
    home = "https://news.example/"
    assert classify_gone(200, URL, home, HOMEPAGE, None) == (DeletionKind.REDIRECT, home)


@pytest.mark.parametrize(
    "page",
    [
        Document(title="Page not found | News Example", paragraphs=("Try the search box.",)),
        Document(title="404", paragraphs=()),
        Document(title="News Example", paragraphs=("Sorry, this article is no longer available.",)),
        Document(title="Страница не найдена", paragraphs=("Вернуться на главную",)),
        Document(title="Haber", paragraphs=("Aradığınız sayfa bulunamadı.",)),
        Document(title="新闻", paragraphs=("对不起，页面不存在。",)),
    ],
)
def test_soft_404(page: Document) -> None:
    assert classify_gone(200, URL, URL, page, ARTICLE) == (DeletionKind.SOFT_404, None)


def test_article_about_missing_things_is_not_a_soft_404() -> None:
    story = Document(
        title="Missing climber still not found after three days",
        paragraphs=("Rescuers said the climber was not found despite the search.",),
    )
    assert classify_gone(200, URL, URL, story, story) is None
    long_story = Document(
        title="Why the page not found error haunts old archives",
        paragraphs=ARTICLE.paragraphs,
    )
    assert classify_gone(200, URL, URL, long_story, ARTICLE) is None


def test_emptied_page() -> None:
    shell = Document(title=ARTICLE.title, paragraphs=("Share this article",))
    assert classify_gone(200, URL, URL, shell, ARTICLE) == (DeletionKind.EMPTIED, None)
    assert classify_gone(200, URL, URL, Document(title=ARTICLE.title), ARTICLE) == (
        DeletionKind.EMPTIED,
        None,
    )
    # Nothing to have emptied on a first look: the caller records "no article text".
    assert classify_gone(200, URL, URL, shell, None) is None


def test_describe_deletion() -> None:
    assert describe_deletion(DeletionKind.HTTP_404, None) == "Article deleted (HTTP 404)"
    assert "410" in describe_deletion(DeletionKind.HTTP_410, None)
    home = describe_deletion(DeletionKind.REDIRECT, "https://news.example/")
    assert "homepage" in home and "https://news.example/" in home
    section = describe_deletion(DeletionKind.REDIRECT, "https://news.example/politics/")
    assert "https://news.example/politics/" in section
    assert "not found" in describe_deletion(DeletionKind.SOFT_404, None)
    assert "emptied" in describe_deletion(DeletionKind.EMPTIED, None).lower()


@pytest.mark.parametrize(
    "page",
    [
        Document(title="الصفحة غير موجودة", paragraphs=("العودة إلى الصفحة الرئيسية",)),
        Document(title="خبر", paragraphs=("متأسفون، لم يتم العثور على الصفحة.",)),
        Document(title="خطای ۴۰۴", paragraphs=()),
        Document(title="خبرگزاری", paragraphs=("صفحه مورد نظر یافت نشد.",)),
        Document(title="გვერდი ვერ მოიძებნა", paragraphs=()),
        Document(title="Сторінку не знайдено", paragraphs=("Поверніться на головну.",)),
    ],
)
def test_soft_404_in_more_languages(page: Document) -> None:
    assert classify_gone(200, URL, URL, page, ARTICLE) == (DeletionKind.SOFT_404, None)


# What this site shows for any missing URL: no "not found" phrase in any list, and the
# requested path echoed back.
PROBE = Document(
    title="News Example",
    paragraphs=(
        "Oops! We looked everywhere for /zz-missing-4f2a9c.",
        "Try the search box, or start again from the front page.",
    ),
)
PHRASELESS = Document(
    title="News Example",
    paragraphs=(
        "Oops! We looked everywhere for /politics/2025/04/aliyev-china-ties.",
        "Try the search box, or start again from the front page.",
    ),
)


def test_page_like_the_probe_is_a_soft_404() -> None:
    assert classify_gone(200, URL, URL, PHRASELESS, ARTICLE, probe=PROBE) == (
        DeletionKind.SOFT_404,
        None,
    )
    # Redirected to the site's "not found" page: still a soft 404, with its target.
    target = "https://news.example/errors/missing"
    assert classify_gone(200, URL, target, PHRASELESS, ARTICLE, probe=PROBE) == (
        DeletionKind.SOFT_404,
        target,
    )
    # Without the probe the phrase-free page is not recognised (it would be compared as an
    # edit): the probe is what makes it a deletion.
    assert classify_gone(200, URL, URL, PHRASELESS, ARTICLE) is None


def test_probe_page_with_other_chrome_scraps_is_still_a_soft_404() -> None:
    # Extractors keep different scraps of an article-less page: the probe's headline and
    # its notice sentence are enough.
    scraps = Document(
        title="News Example",
        paragraphs=(
            "Oops! We looked everywhere for /politics/2025/04/aliyev-china-ties.",
            "Try the search box, or start again from the front page.",
            "Most read: Markets rally as talks resume. Weather: rain in the capital.",
        ),
    )
    assert classify_gone(200, URL, URL, scraps, ARTICLE, probe=PROBE) == (
        DeletionKind.SOFT_404,
        None,
    )


def test_real_article_is_never_taken_for_the_probe() -> None:
    # Same site title, same chrome sentence as the probe: still the article.
    with_chrome = Document(
        title="News Example",
        paragraphs=(*ARTICLE.paragraphs, "Try the search box, or start again from the front page."),
    )
    assert classify_gone(200, URL, URL, with_chrome, ARTICLE, probe=PROBE) is None
    assert classify_gone(200, URL, URL, ARTICLE, ARTICLE, probe=PROBE) is None
    other = Document(title="Markets rally as talks resume", paragraphs=ARTICLE.paragraphs[1:])
    assert classify_gone(200, URL, URL, other, None, probe=PROBE) is None
    # A probe that is itself empty proves nothing about an article with text.
    assert classify_gone(200, URL, URL, ARTICLE, ARTICLE, probe=Document()) is None


def test_chrome_under_the_articles_headline_is_emptied_not_soft_404() -> None:
    chrome = ("Most read: Markets rally as talks resume.", "Weather: rain in the capital.")
    probe = Document(title="News Example", paragraphs=chrome)
    shell = Document(title=ARTICLE.title, paragraphs=chrome)
    assert classify_gone(200, URL, URL, shell, ARTICLE, probe=probe) == (
        DeletionKind.EMPTIED,
        None,
    )


def test_leftovers_sharing_no_sentence_are_emptied_but_an_edit_is_not() -> None:
    long_article = Document(title=ARTICLE.title, paragraphs=ARTICLE.paragraphs * 3)
    leftovers = Document(
        title=ARTICLE.title,
        paragraphs=(
            "By Staff Reporter, Senior Correspondent for the Caucasus and Central Asia desk.",
            "Related stories: Markets rally as talks resume; Weather: rain in the capital.",
        ),
    )
    assert classify_gone(200, URL, URL, leftovers, long_article) == (DeletionKind.EMPTIED, None)
    cut = Document(
        title=ARTICLE.title,
        paragraphs=(ARTICLE.paragraphs[0], "The rest of this report has been withdrawn."),
    )
    assert classify_gone(200, URL, URL, cut, long_article) is None


def test_a_long_article_about_missing_pages_is_no_not_found_page() -> None:
    story = "The ministry's page was not found by reporters, who kept on searching. " * 60
    assert not is_not_found_page(Document(title="Missing reports", paragraphs=(story,)))


def test_a_short_notice_padded_with_blank_lines_is_a_not_found_page() -> None:
    padded = ("\n" * 3000, "Sorry, the page you requested was not found.")
    assert is_not_found_page(Document(title="Ledger", paragraphs=padded))


def test_an_article_reworded_sentence_by_sentence_is_an_edit_not_emptied() -> None:
    """Every sentence rewritten under the same headline, the story still told: an edit."""
    reworded = Document(
        title=ARTICLE.title,
        paragraphs=tuple(
            f"According to officials, {p[0].lower()}{p[1:].rstrip('.')}, they added."
            for p in ARTICLE.paragraphs
        ),
    )
    assert not any(p in reworded.paragraphs for p in ARTICLE.paragraphs)
    assert classify_gone(200, URL, URL, reworded, ARTICLE) is None
