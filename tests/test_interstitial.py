"""Interstitials are not deletions: bot challenges, consent, login and paywalls are recognised
as walls (failed looks), and real articles, whatever they mention, never are."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from articles import BYLINE, PARAGRAPHS, TITLE
from scrubwatch import interstitial
from scrubwatch.cli.live import failed_text
from scrubwatch.clock import ManualClock
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.demo.pages import Chrome, StoryView, article_page, not_found_page
from scrubwatch.extract.document import extract_document
from scrubwatch.interstitial import (
    BOT_CHALLENGE,
    CONSENT_WALL,
    LOGIN_WALL,
    PAYWALL,
    detect_interstitial,
)
from scrubwatch.model import ArticleState, CaptureOutcome, ChangeKind, DeletionKind, Document
from scrubwatch.pipeline.analysis import Page, analyse
from scrubwatch.pipeline.report import PassReport
from scrubwatch.runner import Runner
from scrubwatch.store import SqlStore, open_store
from scrubwatch.web import create_app
from test_architecture import FACES, IO_MODULES, PROJECT_IO, _hits, imports_of
from web_support import Client

FIXTURES = Path(__file__).parent / "fixtures"
WALLS = FIXTURES / "interstitials"
URL = "https://news.example/politics/aliyev-beijing"
ARTICLE = Document(title=TITLE, byline=BYLINE, paragraphs=PARAGRAPHS)
T = TypeVar("T")


def test_the_wall_test_is_pure_logic() -> None:
    """Layer 2 (DESIGN.md): no I/O, no store, fetch or pipeline, so it runs anywhere."""
    assert not _hits(imports_of(Path(interstitial.__file__)), IO_MODULES | FACES | PROJECT_IO)


def _page(name: str) -> bytes:
    return (WALLS / name).read_bytes()


def _judge(
    body: bytes, status: int = 200, previous: Document | None = None, url: str = URL
) -> str | None:
    """What the pipeline would conclude: extraction on 200 answers only, then the test."""
    document = extract_document(body, url, "text/html") if status == 200 else None
    return detect_interstitial(body, document, status, previous=previous)


WALL_PAGES = [
    ("cloudflare_just_a_moment.html", BOT_CHALLENGE),
    ("cloudflare_blocked.html", BOT_CHALLENGE),
    ("ddos_guard_ru.html", BOT_CHALLENGE),
    ("yandex_captcha_ru.html", BOT_CHALLENGE),
    ("bot_check_tr.html", BOT_CHALLENGE),
    ("noscript_de.html", BOT_CHALLENGE),
    ("google_consent_de.html", CONSENT_WALL),
    ("consent_fr.html", CONSENT_WALL),
    ("consent_az.html", CONSENT_WALL),
    ("login_wall_en.html", LOGIN_WALL),
    ("login_wall_ru.html", LOGIN_WALL),
    ("login_form_fr.html", LOGIN_WALL),  # only a password field says so
    ("paywall_fr.html", PAYWALL),
]


@pytest.mark.parametrize(("name", "kind"), WALL_PAGES)
@pytest.mark.parametrize("previous", [None, ARTICLE], ids=["first-look", "after-article"])
def test_walls_served_with_200_are_recognised(
    name: str, kind: str, previous: Document | None
) -> None:
    assert _judge(_page(name), previous=previous) == kind


@pytest.mark.parametrize(("name", "kind"), WALL_PAGES)
@pytest.mark.parametrize("status", [401, 403, 429, 503])
def test_walls_served_with_an_error_status_are_recognised(
    name: str, kind: str, status: int
) -> None:
    assert _judge(_page(name), status, previous=ARTICLE) == kind


@pytest.mark.parametrize("status", [404, 410, 500, 502, 301])
def test_other_statuses_are_never_walls(status: int) -> None:
    assert _judge(_page("cloudflare_just_a_moment.html"), status) is None


def test_a_paywall_under_the_articles_own_headline() -> None:
    """The paywall keeps the headline: only the teaser and the prompt are left."""
    body = _page("paywall_fr.html")
    full = Document(
        title="Le port de Bakou bat un record de fret",
        paragraphs=(
            "Le port de Bakou a traité l’an dernier un volume record de marchandises, porté par "
            "les échanges entre la Chine et l’Europe le long du corridor médian.",
            "Le trafic de conteneurs a progressé de plus d’un cinquième, selon ses dirigeants.",
            "Le port prévoit d’agrandir son terminal d’Alat d’ici la fin de la décennie.",
        ),
    )
    assert _judge(body, previous=full) == PAYWALL


def test_a_long_teaser_with_a_subscribe_prompt_is_a_paywall() -> None:
    """Longer than a short page, but only the article's opening and a prompt it never had."""
    long_article = Document(title=TITLE, paragraphs=PARAGRAPHS * 3)
    teaser = (*PARAGRAPHS[:4], "Subscribe to continue reading this article.")
    body = _article_html(TITLE, teaser)
    assert _judge(body, previous=long_article) == PAYWALL


def test_a_cut_article_is_an_edit_not_a_paywall() -> None:
    """The commonest scrub, cutting the end, stays an edit even next to a subscribe box."""
    long_article = Document(title=TITLE, paragraphs=PARAGRAPHS * 3)
    box = (
        '<aside class="offer"><h2>Subscribe to continue reading</h2>'
        "<p>Unlimited access from 1 € a month.</p></aside>"
    )
    assert _judge(_article_html(TITLE, PARAGRAPHS[:4], chrome=box), previous=long_article) is None
    assert _judge(_article_html(TITLE, PARAGRAPHS[:1], chrome=box), previous=ARTICLE) is None


def _article_html(title: str, paragraphs: tuple[str, ...], *, chrome: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{title} | The Ledger</title>"
        f'<meta property="og:title" content="{title}"></head><body>'
        f'<header><a href="/">The Ledger</a> <a href="/login">Sign in</a></header>{chrome}'
        f"<main><article><h1>{title}</h1>{body}</article></main>"
        "<footer><p>© The Ledger</p></footer></body></html>"
    ).encode()


NOT_WALLS = [
    "article_about_bot_checks.html",
    "article_ru_about_captcha.html",
    "brief_with_cookie_banner.html",
    "brief_fr_avant.html",
]


@pytest.mark.parametrize("name", NOT_WALLS)
def test_articles_that_mention_walls_are_not_walls(name: str) -> None:
    body = (WALLS / "not_walls" / name).read_bytes()
    document = extract_document(body, URL, "text/html")
    assert not document.is_empty
    assert _judge(body) is None
    assert _judge(body, previous=document) is None  # checked again, unchanged
    assert _judge(body, previous=ARTICLE) is None


def test_the_extraction_fixture_with_a_consent_banner_is_an_article() -> None:
    banner = (
        '<div class="consent" role="dialog"><h2>Before you continue</h2><p>We and our 812 '
        "partners use cookies. Accept all cookies to continue, or manage your consent.</p>"
        "<button>Accept all</button><button>Reject all</button></div>"
    )
    body = (FIXTURES / "extract" / "article.html").read_text().replace("<!--COOKIE-->", banner)
    assert _judge(body.encode()) is None


def _views() -> tuple[StoryView, StoryView]:
    published = datetime(2025, 4, 21, 9, 0, tzinfo=UTC)
    url = "https://ledger.example/news/aliyev-beijing"
    view = StoryView("aliyev-beijing", url, TITLE, PARAGRAPHS, BYLINE, published, None, "en", "x")
    other = replace(view, slug="brief", url=url + "-brief", paragraphs=PARAGRAPHS[:1])
    return view, other


@pytest.mark.parametrize("hit", range(1, 13))
def test_demo_pages_with_cookie_banners_are_not_walls(hit: int) -> None:
    """The fake outlet's article, brief, emptied and not-found pages, in a dozen chromes
    (cookie banner, newsletter box, menus): walls never, so deletions stay deletions."""
    chrome = Chrome.for_request("Caspian Ledger", 0, hit, ["politics", "economy"])
    base = "https://ledger.example"
    view, brief = _views()
    article = extract_document(article_page(base, chrome, view, None, with_body=True))
    for page, previous in [
        (article_page(base, chrome, view, brief, with_body=True), None),
        (article_page(base, chrome, brief, view, with_body=True), None),
        (article_page(base, chrome, view, brief, with_body=False), article),
        (not_found_page(base, chrome), article),
    ]:
        assert _judge(page, previous=previous) is None


def test_an_emptied_article_with_a_login_box_in_its_chrome_stays_emptied() -> None:
    box = '<div class="login-modal"><h2>Sign in to continue</h2><p>Email</p></div>'
    emptied = _article_html(TITLE, (), chrome=box)
    assert _judge(emptied, previous=ARTICLE) is None
    analysis = analyse(_response(emptied, previous=ARTICLE))
    assert analysis.blocked is None
    assert analysis.gone == (DeletionKind.EMPTIED, None)


def _response(body: bytes, status: int = 200, previous: Document | None = None) -> Page:
    return Page(status, URL, URL, body, "text/html; charset=utf-8", previous=previous)


@pytest.mark.parametrize("status", [200, 403])
def test_analysis_reports_a_wall_before_judging_deletion(status: int) -> None:
    """A challenge page would look emptied or not found; the analysis says blocked, and
    survives the trip to and from a worker process."""
    analysis = analyse(_response(_page("cloudflare_just_a_moment.html"), status, ARTICLE))
    assert (analysis.blocked, analysis.gone, analysis.hint) == (BOT_CHALLENGE, None, None)
    assert analysis.error == "blocked: bot challenge"
    assert pickle.loads(pickle.dumps(analysis)) == analysis


# -- end to end: a real runner against the fake outlet, on a manual clock --------------------


class Watch:
    """One outlet article watched by a runner whose clock the test moves."""

    def __init__(self, tmp_path: Path, outlet: FakeOutlet, **settings: object) -> None:
        self.settings = replace(
            Settings(data_dir=tmp_path / "data"),
            gone_after_failures=3,
            gone_after_hours=24.0,
            **settings,  # type: ignore[arg-type]
        )
        self.clock = ManualClock(datetime(2025, 4, 21, 9, 0, tzinfo=UTC))
        self.store: SqlStore = open_store(self.settings)
        self.outlet = outlet
        self.url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
        asyncio.run(self._run(lambda runner: runner.watch(self.url)))

    async def _run(self, job: Callable[[Runner], Awaitable[T]]) -> T:
        async with Runner(self.settings, self.store, clock=self.clock) as runner:
            return await job(runner)

    def check(self, after: timedelta = timedelta(hours=1)) -> PassReport:
        self.clock.advance(after)
        return asyncio.run(self._run(lambda runner: runner.check_pass(all_articles=True)))

    def last_capture(self) -> tuple[CaptureOutcome, str | None, int | None]:
        article = self.store.article(self.url)
        assert article is not None and article.id is not None
        capture = self.store.captures(article.id)[-1]
        return capture.outcome, capture.error, capture.status

    def article_state(self) -> tuple[ArticleState, int | None, int]:
        article = self.store.article(self.url)
        assert article is not None
        return article.state, article.latest_version, article.consecutive_failures


def test_a_challenged_article_is_blocked_for_days_and_never_deleted(
    tmp_path: Path, outlet: FakeOutlet
) -> None:
    watch = Watch(tmp_path, outlet)
    watch.check()
    assert watch.article_state() == (ArticleState.LIVE, 1, 0)
    outlet.serve_instead("aliyev-beijing", _page("cloudflare_just_a_moment.html"))
    report = watch.check()
    assert (report.checked, report.failed, report.blocked, report.changes) == (1, 1, 1, [])
    assert failed_text(report.failed, report.blocked) == "1 failed (1 blocked)"
    assert watch.last_capture() == (CaptureOutcome.BLOCKED, "blocked: bot challenge", 200)
    assert watch.article_state() == (ArticleState.LIVE, 1, 1)
    outlet.serve_instead("aliyev-beijing", _page("cloudflare_blocked.html"), status=403)
    for _ in range(8):  # 8 more walls over 56 hours: past gone_after_failures and _hours
        watch.check(timedelta(hours=7))
        assert watch.last_capture() == (CaptureOutcome.BLOCKED, "blocked: bot challenge", 403)
    assert watch.store.changes() == []
    assert watch.article_state() == (ArticleState.LIVE, 1, 9)  # backoff counts the walls
    outlet.serve_instead("aliyev-beijing", None)
    watch.check()
    assert watch.store.changes() == []  # back unchanged: not "restored", nothing at all
    assert watch.last_capture()[0] == CaptureOutcome.UNCHANGED
    assert watch.article_state() == (ArticleState.LIVE, 1, 0)


def test_a_paywalled_article_is_not_an_edit(tmp_path: Path, outlet: FakeOutlet) -> None:
    watch = Watch(tmp_path, outlet)
    watch.check()
    teaser = _article_html(TITLE, (PARAGRAPHS[0], "Subscribe to continue reading."))
    outlet.serve_instead("aliyev-beijing", teaser)
    watch.check()
    assert watch.last_capture()[:2] == (CaptureOutcome.BLOCKED, "blocked: paywall")
    assert watch.store.changes() == []
    article = watch.store.article(watch.url)
    assert article is not None
    client = Client(create_app(watch.settings, store=watch.store))
    page = client.get(f"/articles/{article.id}").text
    assert '<tr class="outcome-blocked">' in page and "blocked: paywall" in page
    captures = client.get(f"/api/articles/{article.id}/captures").json()
    assert "blocked" in [c["outcome"] for c in captures]


def test_walls_between_failures_do_not_add_up_to_a_deletion(
    tmp_path: Path, outlet: FakeOutlet
) -> None:
    """Only failed looks since the last answer count towards "unreachable": a wall is an
    answer. Two outage failures after a week of walls are not three failures in a row."""
    watch = Watch(tmp_path, outlet)
    watch.check()
    outlet.serve_instead("aliyev-beijing", _page("ddos_guard_ru.html"))
    for _ in range(4):
        watch.check(timedelta(hours=5))
    outlet.serve_instead("aliyev-beijing", None)
    outlet.set_failing("aliyev-beijing", 503)
    watch.check(timedelta(hours=5))
    watch.check(timedelta(hours=25))  # 6 looks failed in a row, but only 2 were failures
    assert watch.store.changes() == []
    assert watch.article_state() == (ArticleState.LIVE, 1, 6)
    watch.check(timedelta(hours=5))  # the third failure, 30 hours into the outage
    [deleted] = watch.store.changes()
    assert deleted.kind == ChangeKind.DELETED and "3 failed checks" in deleted.summary
