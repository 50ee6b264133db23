"""Page furniture (menus, consent banners, ad slots, relative clocks) never reaches the text."""

from __future__ import annotations

from lxml.html import fromstring  # type: ignore[import-untyped, unused-ignore]

from scrubwatch.extract.body import is_chrome
from scrubwatch.extract.document import extract_document
from scrubwatch.extract.furniture import strip_furniture

STORY = (
    "Officials in Baku said on Monday that talks on transport links would continue next "
    "month, with delegations expected to discuss rail freight and customs procedures."
)


def _stripped(html: str) -> str:
    tree = fromstring(html)
    strip_furniture(tree, html)
    return " ".join(tree.text_content().split())


def test_declared_navigation_outside_the_article_is_removed_but_the_articles_own_is_kept() -> None:
    text = _stripped(
        "<html><body><nav><a href='/'>Home</a></nav><div role='navigation'>Menu</div>"
        "<article><p>Kept.</p><aside>Inside the article: kept.</aside></article>"
        "<aside>Most read</aside><footer>Contact us</footer></body></html>"
    )
    assert "Kept." in text and "Inside the article: kept." in text
    assert not any(word in text for word in ("Home", "Menu", "Most read", "Contact us"))


def test_consent_banners_and_ad_slots_are_removed_by_their_class_or_id_words() -> None:
    text = _stripped(
        "<html><body><div class='CookieConsent'>We use cookies.</div>"
        "<div id='ad-7f3a'><span>Advertisement</span></div><div class='gdpr_notice'>Accept</div>"
        f"<div class='header shadow loading'><p>{STORY}</p></div></body></html>"
    )
    assert text == STORY  # "header", "shadow", "loading" hold the letters "ad" but no ad word


def test_a_long_block_named_like_an_ad_is_kept_because_it_is_more_likely_the_story() -> None:
    html = f"<html><body><div class='ad-free-article'><p>{STORY} {STORY} {STORY}</p></div>"
    assert STORY in _stripped(html + "</body></html>")


def test_elements_holding_only_a_relative_clock_are_removed_in_several_languages() -> None:
    text = _stripped(
        "<html><body><div class='top'>Updated 12 minutes ago</div><time>5 минут назад</time>"
        "<span>3 saat önce</span>"
        f"<p>{STORY} It happened 2 hours ago, officials said.</p></body></html>"
    )
    assert text == f"{STORY} It happened 2 hours ago, officials said."


def test_lone_ad_labels_clocks_and_cookie_notices_are_chrome_but_sentences_using_them_are_not() -> (
    None
):
    for chrome in ("Advertisement", "Реклама", "Updated 26 minutes ago", "vor 5 Minuten"):
        assert is_chrome(chrome), chrome
    assert is_chrome("We use cookies to measure our audience and to show relevant adverts.")
    for sentence in ("It happened 1 hour ago in Baku.", "Advertisement revenue fell by 3%."):
        assert not is_chrome(sentence), sentence


def _short_page(furniture: str) -> bytes:
    """A page so short and oddly built (its text inside a link) that only trafilatura's
    fallback finds the text; any furniture beside it can tip the fallback's choice."""
    return (
        "<html lang='en'><head><title>Talks</title></head><body>"
        f"{furniture}<a href='javascript:'><p>Talks resume.</p><p>Rail freight too.</p>"
        " Next week</a>"
        "</body></html>"
    ).encode()


def test_a_short_article_reads_the_same_with_or_without_banners_ads_and_clocks() -> None:
    plain = extract_document(_short_page(""))
    assert plain.paragraphs == ("Talks resume.", "Rail freight too.", "Next week")
    for furniture in (
        "<div class='cookie-banner'><p>We use cookies to measure our audience and to show"
        " relevant adverts. By continuing you accept our cookie policy.</p>"
        "<button>Accept all</button><button>Settings</button></div>",
        "<div class='ad-slot' id='ad-91ab'><span>Advertisement</span><iframe src='x'></iframe>"
        "</div>",
        "<div class='site-clock'>Updated 17 minutes ago</div>",
    ):
        assert extract_document(_short_page(furniture)).paragraphs == plain.paragraphs, furniture


def test_a_clock_written_with_non_breaking_spaces_is_found_in_the_page_source() -> None:
    html = (
        "<html><body><div class='top'>Updated 12&nbsp;minutes&nbsp;ago</div>"
        f"<p>{STORY}</p></body></html>"
    )
    tree = fromstring(html)
    strip_furniture(tree, html)
    assert " ".join(tree.text_content().split()) == STORY


def test_scripts_styles_and_drawings_go_but_json_ld_stays() -> None:
    tree = fromstring(
        "<html><head><style>p { color: red }</style>"
        '<script type="application/ld+json">{"articleBody": "Kept for trafilatura."}</script>'
        "<script>var tracker = 1;</script></head><body>"
        f"<p>{STORY}<svg><text>Chart label</text></svg> After the chart.</p></body></html>"
    )
    strip_furniture(tree)
    assert [element.tag for element in tree.iter("script", "style", "svg")] == ["script"]
    assert "articleBody" in tree.find(".//script").text
    assert " ".join(tree.find(".//p").text_content().split()) == f"{STORY} After the chart."


def test_hidden_elements_menus_dialogs_and_controls_outside_the_article_are_removed() -> None:
    text = _stripped(
        "<html><body><div hidden><div role='menuitem'>Copy black SVG</div></div>"
        "<div role='menu'>Download logo</div><div role='dialog'>Share this page</div>"
        "<div tabindex='0'>Legal overview</div><div role='tab'>Platform terms</div>"
        f"<div class='body'><p>{STORY}</p></div>"
        "<article><div tabindex='0'>An article's own focusable box stays.</div></article>"
        "</body></html>"
    )
    assert STORY in text and "An article's own focusable box stays." in text
    for word in ("Copy black SVG", "Download logo", "Share this page", "Legal overview"):
        assert word not in text
    assert "Platform terms" not in text


def test_a_focusable_box_with_long_text_is_not_a_control() -> None:
    text = _stripped(f"<html><body><div tabindex='-1'><p>{STORY}</p></div></body></html>")
    assert text == STORY


def test_consent_banners_named_in_camel_case_are_removed() -> None:
    text = _stripped(
        "<html><body><div id='wcpConsentBannerCtrl' role='alert'>"
        "<p>We use optional cookies to improve your experience on our websites.</p></div>"
        f"<div class='uploadAdapter'><p>{STORY}</p></div></body></html>"
    )
    assert text == STORY  # "uploadAdapter" is neither a consent nor an ad word


def test_text_loose_after_a_block_in_a_div_reaches_the_article() -> None:
    paragraphs = [f"{STORY} Paragraph {n}." for n in range(4)]
    html = (
        "<html><head><title>Terms of use</title></head><body><div class='terms'>"
        + "".join(f"<div>{p}<br/></div>" for p in paragraphs)
        + " Revised: 26 July 2022 </div></body></html>"
    )
    document = extract_document(html.encode(), "https://legal.example/terms", "text/html")
    assert document.paragraphs[-1] == "Revised: 26 July 2022"
    assert document.paragraphs[0] == paragraphs[0]
