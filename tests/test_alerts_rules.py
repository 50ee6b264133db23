"""Which changes a rule wants, and the message people read: pure functions on literals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scrubwatch.alerts.message import change_link, format_change, format_digest
from scrubwatch.alerts.rules import match
from scrubwatch.model import AlertRule, Change, ChangeKind, DeletionKind, Diff, Severity, TextPair

T0 = datetime(2025, 4, 21, 9, 0, tzinfo=UTC)


def _edit(
    *,
    removed: tuple[str, ...] = (),
    added: tuple[str, ...] = (),
    changed: tuple[TextPair, ...] = (),
    severity: Severity = Severity.SUBSTANTIVE,
    outlet: str = "news.example",
) -> Change:
    diff = Diff(
        severity=severity,
        sentences_removed=removed,
        sentences_added=added,
        sentences_changed=changed,
        summary="edited",
    )
    return Change(
        url=f"https://{outlet}/a",
        outlet=outlet,
        detected_at=T0,
        kind=ChangeKind.EDITED,
        from_version=1,
        to_version=2,
        summary="edited",
        severity=severity,
        diff=diff,
    )


def _rule(**kw: object) -> AlertRule:
    return AlertRule(name="r", target="http://127.0.0.1/hook", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("term", "sentence", "language"),
    [
        ("Зангезурский коридор", "Власти обсудили ЗАНГЕЗУРСКИЙ КОРИДОР в Баку.", "ru"),
        ("путин", "Путин заявил об этом в понедельник.", "ru"),
        ("istanbul", "Görüşme İSTANBUL'da yapıldı.", "tr"),
        ("İzmir", "Liman izmir'e bağlanacak.", "tr"),
        ("İstanbul", "Talks were held in Istanbul on Monday.", "en"),
        ("刘建超", "中联部部长刘建超表示愿意参与走廊建设。", "zh"),
        ("Erdogan", "Erdoğan met the delegation.", "en"),
        ("sao paulo", "Protests spread in São Paulo.", "pt"),
        ("Zəngəzur", "Zəngəzur dəhlizinin tikintisi başlayır.", "az"),
    ],
)
def test_terms_match_across_scripts_case_and_diacritics(
    term: str, sentence: str, language: str
) -> None:
    assert match(_rule(terms=(term,)), _edit(removed=(sentence,)), language=language) == (term,)


def test_a_term_matches_when_added_or_in_a_changed_sentence() -> None:
    rule = _rule(terms=("Zangezur",))
    assert match(rule, _edit(added=("The Zangezur corridor opens.",))) == ("Zangezur",)
    pair = TextPair("Work on the Zangezur road began.", "Work on the road began.")
    assert match(rule, _edit(changed=(pair,))) == ("Zangezur",)


def test_terms_match_whole_words_only() -> None:
    rule = _rule(terms=("Baku",))
    assert match(rule, _edit(removed=("The Bakunin archive was moved.",))) is None
    assert match(_rule(terms=("port",)), _edit(removed=("Imports grew.",))) is None


def test_a_term_only_in_untouched_text_does_not_match() -> None:
    rule = _rule(terms=("Zangezur",))
    change = _edit(removed=("The minister left.",))
    assert match(rule, change, article_text="The Zangezur corridor was discussed.") is None


def test_a_deleted_article_matches_the_terms_it_held() -> None:
    deleted = Change(
        url="https://news.example/a",
        outlet="news.example",
        detected_at=T0,
        kind=ChangeKind.DELETED,
        from_version=2,
        to_version=None,
        summary="article deleted (404)",
        deletion=DeletionKind.HTTP_404,
    )
    rule = _rule(terms=("zangezur", "Nakhchivan"))
    assert match(rule, deleted, article_text="Work on the Zangezur corridor.") == ("zangezur",)
    assert match(rule, deleted, article_text="Nothing here.") is None


def test_an_article_known_only_from_an_archive_matches_the_words_of_its_url() -> None:
    """An archive forgot a capture of an article scrubwatch never fetched: no text to search,
    but its URL says what it was about, in any script."""

    def gone(url: str) -> Change:
        return Change(
            url=url,
            outlet="news.example",
            detected_at=T0,
            kind=ChangeKind.ARCHIVE_REMOVED,
            from_version=None,
            to_version=None,
            summary="1 capture gone from the archive",
        )

    rule = _rule(terms=("zangezur corridor", "Зангезур"))
    slug = gone("https://news.example/2025/04/21/chinese-companies-to-build-zangezur-corridor")
    assert match(rule, slug) == ("zangezur corridor",)
    cyrillic = gone("https://news.example/news/%D0%97%D0%B0%D0%BD%D0%B3%D0%B5%D0%B7%D1%83%D1%80")
    assert match(rule, cyrillic) == ("Зангезур",)
    assert match(rule, gone("https://news.example/2025/04/21/port-capacity-talks")) is None
    # with the article's text at hand, that text decides, not its address
    assert match(rule, slug, article_text="Talks on ports resumed.") is None


def test_kind_outlet_and_severity_narrow_a_rule() -> None:
    minor = _edit(severity=Severity.MINOR, outlet="www.News.Example")
    assert match(_rule(), minor) == ()
    assert match(_rule(kinds=("deleted",)), minor) is None
    assert match(_rule(outlets=("news.example",)), minor) == ()
    assert match(_rule(outlets=("other.example",)), minor) is None
    assert match(_rule(severity="substantive"), minor) is None
    assert match(_rule(severity="substantive"), _edit()) == ()


def test_message_carries_the_evidence_and_the_diff_link() -> None:
    diff = Diff(
        severity=Severity.SUBSTANTIVE,
        title=TextPair("Aliyev and Liu discuss Zangezur", "Aliyev visits Beijing"),
        sentences_removed=("“We are ready,” said Liu Jianchao.",),
        quotes_removed=("We are ready",),
        terms_removed=("Zangezur corridor", "Liu Jianchao"),
        numbers_changed=(TextPair("$3.7 billion", "$3.2 billion"), TextPair("7.9%", None)),
        summary="headline changed; quote by Liu Jianchao removed",
    )
    change = Change(
        url="https://news.example/a",
        outlet="news.example",
        detected_at=T0,
        kind=ChangeKind.EDITED,
        from_version=1,
        to_version=2,
        summary=diff.summary,
        severity=Severity.SUBSTANTIVE,
        diff=diff,
    )
    link = change_link("http://scrub.example/", change, 7)
    assert link == "http://scrub.example/articles/7/diff?from=1&to=2"
    message = format_change(change, link=link, matched=("Zangezur",))
    assert message.title == "Edited on news.example: Aliyev visits Beijing"
    for expected in (
        "Outlet: news.example",
        "What changed: headline changed; quote by Liu Jianchao removed",
        "Headline was: Aliyev and Liu discuss Zangezur",
        "  - “We are ready”",
        "Terms removed: Zangezur corridor, Liu Jianchao",
        "  - $3.7 billion → $3.2 billion",
        "  - 7.9% → (removed)",
        "Watched terms: Zangezur",
        f"See the evidence: {link}",
    ):
        assert expected in message.body.splitlines()


def test_deletion_message_and_link_without_a_known_article() -> None:
    deleted = Change(
        url="https://news.example/a b",
        outlet="news.example",
        detected_at=T0,
        kind=ChangeKind.DELETED,
        from_version=2,
        to_version=None,
        summary="article deleted (redirect)",
        deletion=DeletionKind.REDIRECT,
        redirect_to="https://news.example/",
    )
    link = change_link("http://h", deleted)
    assert link == "http://h/article?url=https%3A%2F%2Fnews.example%2Fa%20b"
    assert change_link("http://h", deleted, 3) == "http://h/articles/3"
    message = format_change(deleted, link=link, headline="Port deal")
    assert message.title == "Deleted on news.example: Port deal"
    assert "Redirects to: https://news.example/" in message.body
    digest = format_digest("watch", [(deleted, link, "Port deal", ()), (deleted, None, None, ())])
    assert digest.title == "2 changes for alert 'watch'"
    assert digest.body.count("Deleted: ") == 2
