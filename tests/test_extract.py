"""Extraction: charsets, the article and its metadata, stability across page chrome, and
hostile input that must never raise."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from scrubwatch.extract.body import is_chrome, paragraphs_from
from scrubwatch.extract.charset import encoding_for_label, sniff_encoding
from scrubwatch.extract.document import decode_html, extract_document
from scrubwatch.model import Document

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
ARTICLE = (FIXTURES / "article.html").read_text(encoding="utf-8")
ARTICLE_URL = "https://ledger.example/politics/harbour-deal-shelved"

RUSSIAN = "Министерство транспорта приостановило расширение контейнерного терминала."
JAPANESE = "運輸省はコンテナターミナルの拡張計画を一時停止した。"
CHINESE = "交通部暂停了集装箱码头的扩建计划，两份新闻稿已从网站上消失。"


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>T</title></head><body>{body}</body></html>"


# --- charset -------------------------------------------------------------------------------


def test_windows_1251_from_http_header() -> None:
    raw = page(f"<p>{RUSSIAN}</p>").encode("cp1251")
    assert RUSSIAN in decode_html(raw, "text/html; charset=windows-1251")


def test_windows_1251_from_meta_charset() -> None:
    raw = page(f"<p>{RUSSIAN}</p>", '<meta charset="windows-1251">').encode("cp1251")
    assert RUSSIAN in decode_html(raw, "text/html")


def test_shift_jis_from_meta_http_equiv() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'
    raw = page(f"<p>{JAPANESE}</p>", head).encode("shift_jis")
    assert JAPANESE in decode_html(raw)


def test_gb2312_label_decodes_gbk_text() -> None:
    # "，" is outside GB2312 proper; browsers read gb2312 labels as GBK/gb18030.
    raw = page(f"<p>{CHINESE}</p>").encode("gbk")
    assert CHINESE in decode_html(raw, "text/html; charset=gb2312")


def test_undeclared_legacy_encoding_is_detected() -> None:
    text = " ".join([RUSSIAN] * 5)
    raw = page(f"<p>{text}</p>").encode("cp1251")
    assert RUSSIAN in decode_html(raw)


def test_bom_overrides_a_wrong_header() -> None:
    raw = b"\xef\xbb\xbf" + page(f"<p>{RUSSIAN}</p>").encode("utf-8")
    text = decode_html(raw, "text/html; charset=windows-1251")
    assert RUSSIAN in text
    assert not text.startswith("\ufeff")


def test_utf16_bom_is_honoured() -> None:
    raw = page(f"<p>{JAPANESE}</p>").encode("utf-16")  # little-endian with BOM
    assert JAPANESE in decode_html(raw, "text/html; charset=utf-8")


def test_latin1_label_means_windows_1252() -> None:
    raw = page("<p>\x93quoted\x94 \x80 5</p>").encode("latin-1")
    assert "\u201cquoted\u201d \u20ac 5" in decode_html(raw, "text/html; charset=ISO-8859-1")


def test_utf8_body_mislabelled_latin1_reads_as_utf8() -> None:
    raw = page(f"<p>{RUSSIAN}</p>").encode("utf-8")
    assert RUSSIAN in decode_html(raw, "text/html; charset=iso-8859-1")


def test_nul_bytes_are_dropped() -> None:
    raw = page("<p>ab\x00cd</p>").encode("utf-8")
    assert "abcd" in decode_html(raw)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("latin1", "windows-1252"),
        ("US-ASCII", "windows-1252"),
        ("gb2312", "gbk"),
        ("x-sjis", "shift_jis"),
        ("ISO_8859-1:1987", "windows-1252"),
        ("iso-8859-9", "windows-1254"),
        ("iso8859-2", "iso-8859-2"),
        ("cp1251", "windows-1251"),
        ("koi8-r", "koi8-r"),
        ("rot13", None),
        ("nonsense", None),
    ],
)
def test_labels_map_the_whatwg_way(label: str, expected: str | None) -> None:
    assert encoding_for_label(label) == expected


def test_unknown_header_label_falls_through_to_meta() -> None:
    raw = page(f"<p>{RUSSIAN}</p>", '<meta charset="windows-1251">').encode("cp1251")
    assert sniff_encoding(raw, "text/html; charset=klingon") == "windows-1251"


# --- the article and its metadata ----------------------------------------------------------


@pytest.fixture(scope="module")
def article() -> Document:
    return extract_document(ARTICLE.encode("utf-8"), ARTICLE_URL + "?utm_source=x", "text/html")


def test_article_metadata(article: Document) -> None:
    assert article.title == "Harbour deal with Chinese builders quietly shelved"
    assert article.byline == "Nino Beridze"
    assert article.published == "2025-04-21"
    assert article.updated == "2025-04-22"
    assert article.language == "en"
    assert article.canonical_url == ARTICLE_URL


def test_article_paragraphs_in_order_without_chrome(article: Document) -> None:
    paragraphs = article.paragraphs
    assert paragraphs[0].startswith("The transport ministry has put on hold")
    assert paragraphs[-1].startswith("The ministry said a decision")
    assert len(paragraphs) == 7
    text = article.text
    assert "$3.7 billion" in text and "298 are foreign-owned" in text
    for chrome in ("Read more", "Sign up", "Become a member", "portwatcher", "Typical."):
        assert chrome not in text
    assert article.title not in paragraphs


def test_repeated_caption_is_kept_once() -> None:
    caption = "Levan Chikovani speaking in parliament. Photo: Ledger staff"
    body = ARTICLE.replace(
        "<p>Analysts say", f"<p>{caption}</p><p>{caption}</p><p>Analysts say"
    ).replace("<p>The ministry said", f"<p>{caption}</p><p>The ministry said")
    doc = extract_document(body.encode("utf-8"), ARTICLE_URL)
    assert doc.paragraphs.count(caption) <= 1


def test_long_repeated_paragraph_is_kept_twice() -> None:
    long = " ".join(["The minister repeated the same long statement to parliament again."] * 6)
    body = etree.fromstring(
        f"<body><head>Title</head><p>{long}</p><p>Short caption.</p><p>{long}</p>"
        "<p>Short caption.</p><list><item>one</item><item>two</item></list></body>"
    )
    assert paragraphs_from(body, "Title") == (long, "Short caption.", long, "one", "two")


@pytest.mark.parametrize(
    ("paragraph", "chrome"),
    [
        ("Read more: Rail link to the coast delayed again", True),
        ("READ MORE: Grain exports reach a five-year high", True),
        ("Sign up for our newsletter to get the top stories every morning.", True),
        ("Become a member of the Ledger and keep reporting free.", True),
        ("Read more about the plan in the ministry's report, published on Friday.", False),
        ("Members of parliament signed up to the newsletter of the committee.", False),
        ("Subscribe to our newsletter " + "and the minister said many more things " * 6, False),
    ],
)
def test_in_article_chrome_filter_is_conservative(paragraph: str, chrome: bool) -> None:
    assert is_chrome(paragraph) is chrome


def test_title_falls_back_to_og_title_then_title_tag() -> None:
    og = page(
        "<div><p>Text.</p></div>",
        '<meta property="og:title" content="From og"><meta property="og:site_name" content="S">',
    ).replace("<title>T</title>", "<title>From title | S</title>")
    assert extract_document(og.encode()).title == "From og"
    plain = page("<div><p>Text.</p></div>").replace(
        "<title>T</title>", "<title>Harbour deal shelved - Caspian Ledger</title>"
    )
    assert extract_document(plain.encode()).title == "Harbour deal shelved"


def test_logo_h1_does_not_beat_the_headline() -> None:
    html = page(
        "<header><h1>Caspian Ledger</h1></header><h1>Harbour deal shelved</h1><p>Text here.</p>",
        '<meta property="og:title" content="Harbour deal shelved">',
    )
    assert extract_document(html.encode()).title == "Harbour deal shelved"


def test_language_from_declarations_and_detection() -> None:
    html = ARTICLE.replace('lang="en-GB"', 'lang="pt-BR"')
    assert extract_document(html.encode()).language == "pt"
    german = " ".join(
        ["Das Ministerium hat den Ausbau des Hafens gestoppt, die Pressemitteilungen sind weg."] * 4
    )
    html = f"<html><head><title>Hafen</title></head><body><article><p>{german}</p></article>"
    assert extract_document(f"{html}</body></html>".encode()).language == "de"


def test_canonical_url_from_og_url_and_relative_without_base() -> None:
    html = ARTICLE.replace('<link rel="canonical" href="/politics/harbour-deal-shelved">', "")
    assert extract_document(html.encode()).canonical_url == ARTICLE_URL
    relative_only = ARTICLE.replace('<meta property="og:url"', '<meta property="og:nope"')
    assert extract_document(relative_only.encode()).canonical_url is None


def test_canonical_link_rel_is_read_as_a_case_blind_token_list() -> None:
    html = ARTICLE.replace('<meta property="og:url"', '<meta property="og:nope"').replace(
        '<link rel="canonical" href="/politics/harbour-deal-shelved">',
        '<link rel="stylesheet" href="/s.css"><link rel="preload CANONICAL" '
        'href="https://ledger.example/politics/harbour-deal-shelved">',
    )
    found = extract_document(html.encode(), "https://ledger.example/x").canonical_url
    assert found == "https://ledger.example/politics/harbour-deal-shelved"


def test_updated_only_when_later_than_published() -> None:
    html = ARTICLE.replace("2025-04-22T18:40:00+04:00", "2025-04-21T09:15:00+04:00")
    doc = extract_document(html.encode(), ARTICLE_URL)
    assert doc.published == "2025-04-21"
    assert doc.updated is None


# --- stability across page chrome ----------------------------------------------------------

SECTIONS = ["Politics", "Economy", "Culture", "Sport", "Opinion", "World", "Video", "Podcasts"]
HEADLINES = [
    "Grain exports reach a five-year high",
    "Rail link to the coast delayed again",
    "Film festival opens with a documentary about fishermen",
    "Central bank holds its key rate for the third month",
    "Ferry strike ends after a night of talks",
    "New bridge opens to traffic two years late",
]


def chrome_variant(seed: int) -> str:
    """The article with page chrome that differs from seed to seed."""
    rng = random.Random(seed)
    sections = rng.sample(SECTIONS, k=rng.randint(5, len(SECTIONS)))
    nav = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in sections)
    popular = "".join(
        f'<li><a href="/story/{rng.randint(1, 9999)}">{h}</a> <span>{rng.randint(2, 59)} min'
        " ago</span></li>"
        for h in rng.sample(HEADLINES, k=5)
    )
    ad_id = f"ad-{rng.getrandbits(64):x}"
    replacements = {
        "<!--NAV-->": nav,
        "<!--CLOCK-->": f'<div class="clock">{rng.choice(["Monday", "Tuesday"])},'
        f" {rng.randint(1, 28)} April 2025 {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
        f" · Updated {rng.randint(1, 59)} minutes ago</div>",
        "<!--POPULAR-->": f"<h3>{rng.choice(['Most read', 'Most popular'])}</h3><ol>{popular}</ol>",
        "<!--AD-->": f'<div id="{ad_id}" class="ad"><iframe src="https://ads.example/{ad_id}"'
        f' id="frame-{rng.getrandbits(32)}"></iframe><p>Advertisement</p></div>',
        "<!--COOKIE-->": rng.choice(
            [
                "",
                '<div class="cookie-banner"><p>We use cookies to improve your experience.'
                " By continuing you accept our cookie policy.</p><button>Accept</button></div>",
            ]
        ),
        "<!--NEWSLETTER-->": rng.choice(
            [
                "",
                "<div class='newsletter'><h3>Our morning briefing</h3><p>Sign up for our"
                " newsletter and never miss a story.</p><input type='email'></div>",
            ]
        ),
        "<!--FOOTER-->": f"<footer><p>© 2025 Caspian Ledger. Page generated in"
        f" {rng.randint(10, 900)} ms.</p><ul>{nav}</ul></footer>",
    }
    html = ARTICLE
    for marker, chrome in replacements.items():
        html = html.replace(marker, chrome)
    return html


def test_chrome_variants_differ_as_pages() -> None:
    assert chrome_variant(1) != chrome_variant(2)


@pytest.mark.parametrize("seed", range(1, 9))
def test_same_article_with_different_chrome_gives_the_same_document(seed: int) -> None:
    reference = extract_document(ARTICLE.encode("utf-8"), ARTICLE_URL)
    variant = extract_document(chrome_variant(seed).encode("utf-8"), ARTICLE_URL)
    assert variant == reference
    assert variant.fingerprint() == reference.fingerprint()


# --- hostile input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   \n\t ",
        bytes(range(256)) * 40,
        b"\x00" * 5000,
        b"<html><body><div><p>unclosed <b>bold <i>and <table><tr><td>cell",
        b"<html><head><title>Nul\x00s</title></head><body><p>a\x00b</p></body></html>",
        b"<?xml version='1.0' encoding='utf-8'?><html><body><p>xml decl</p></body></html>",
        b"\xff\xfe\x00\x00garbage",
        b"<" * 10000,
    ],
)
def test_hostile_input_never_raises(raw: bytes) -> None:
    doc = extract_document(raw, "not a url", "text/html; charset=\x00")
    assert isinstance(doc, Document)
    assert isinstance(decode_html(raw, "garbage"), str)


def test_empty_bytes_give_an_empty_document() -> None:
    doc = extract_document(b"")
    assert doc == Document()
    assert doc.is_empty


def test_deeply_nested_markup_never_raises() -> None:
    raw = ("<div>" * 5000 + "<p>deep</p>" + "</div>" * 5000).encode()
    assert isinstance(extract_document(raw), Document)


def test_two_megabyte_page_is_handled_in_reasonable_time() -> None:
    filler = "".join(
        f"<div class='promo'><a href='/x{i}'>Promo link number {i}</a></div>" for i in range(30000)
    )
    html = ARTICLE.replace("<!--FOOTER-->", filler)
    raw = html.encode("utf-8")
    assert len(raw) > 2_000_000
    start = time.monotonic()
    doc = extract_document(raw, ARTICLE_URL)
    assert time.monotonic() - start < 60
    assert doc.title == "Harbour deal with Chinese builders quietly shelved"
    assert any("$3.7 billion" in p for p in doc.paragraphs)


def test_homepage_listing_has_no_paragraphs_but_keeps_metadata() -> None:
    raw = (FIXTURES / "homepage.html").read_bytes()
    doc = extract_document(raw, "https://ledger.example/")
    assert doc.paragraphs == ()
    assert doc.is_empty
    assert doc.language == "en"
    assert doc.title is not None
