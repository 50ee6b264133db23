"""News-aware extraction details: no article text lost to tidying, declared updated dates."""

from __future__ import annotations

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from scrubwatch.extract.body import paragraphs_from
from scrubwatch.extract.document import extract_document

LONG = "The committee heard from eleven witnesses over two days before it wrote its report."


def test_text_loose_after_a_block_is_kept() -> None:
    body = etree.fromstring("<body><div><p>First.</p>Loose sentence after it.</div></body>")
    assert paragraphs_from(body, None) == ("First.", "Loose sentence after it.")


def test_a_repeated_medium_paragraph_is_article_text_not_a_caption() -> None:
    medium = f"{LONG} {LONG}"  # 30 words: longer than any caption
    body = etree.fromstring(f"<body><p>{medium}</p><p>Between.</p><p>{medium}</p></body>")
    assert paragraphs_from(body, None) == (medium, "Between.", medium)


def _article(head: str) -> bytes:
    paragraphs = "".join(f"<p>{LONG} Part {n}.</p>" for n in range(5))
    return (
        f"<html lang='en'><head><title>Report</title>{head}</head><body><article>"
        f"<h1>Report</h1>{paragraphs}</article></body></html>"
    ).encode()


def test_updated_date_from_json_ld_when_later_than_published() -> None:
    head = (
        '<meta property="article:published_time" content="2025-03-01T10:00:00Z">'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "2025-03-01T10:00:00Z", "dateModified": "2025-03-04T08:00:00Z"}'
        "</script>"
    )
    doc = extract_document(_article(head))
    assert doc.published == "2025-03-01"
    assert doc.updated == "2025-03-04"


def test_no_updated_date_from_free_text() -> None:
    head = '<meta property="article:published_time" content="2025-03-01T10:00:00Z">'
    raw = _article(head).replace(b"</article>", b"<p>Page built 2025-06-09.</p></article>")
    assert extract_document(raw).updated is None


def _with_writers(writers: list[str]) -> bytes:
    paragraphs = "".join(f"<p>{LONG} Part {n}.</p>" for n in range(5))
    team = "".join(f'<li><a class="author" rel="author" href="#">{w}</a></li>' for w in writers)
    return (
        "<html lang='en'><head><title>Report</title></head><body>"
        f"<aside><h2>Our writers</h2><ul>{team}</ul></aside><article><h1>Report</h1>"
        f'<p class="byline">By <span class="author">Leyla Mammadova</span></p>{paragraphs}'
        "</article></body></html>"
    ).encode()


def test_byline_comes_from_the_article_not_a_list_of_writers_beside_it() -> None:
    first = extract_document(_with_writers(["Anna Petrova", "Omar Aziz"]), "https://a.example/x")
    shuffled = extract_document(_with_writers(["Omar Aziz", "Anna Petrova"]), "https://a.example/x")
    assert first.byline is not None and "Leyla Mammadova" in first.byline
    assert first.byline == shuffled.byline


def test_byline_comes_from_the_main_article_not_related_story_teasers() -> None:
    def page(teaser_authors: list[str]) -> bytes:
        teasers = "".join(
            f'<article class="related"><h3>Related story</h3><span class="author">{a}</span>'
            "</article>"
            for a in teaser_authors
        )
        paragraphs = "".join(f"<p>{LONG} Part {n}.</p>" for n in range(5))
        return (
            "<html lang='en'><head><title>Report</title></head><body>"
            f"<aside>{teasers}</aside><article class='story'><h1>Report</h1>"
            f'<p class="byline">By <span class="author">Leyla Mammadova</span></p>{paragraphs}'
            "</article></body></html>"
        ).encode()

    first = extract_document(page(["Anna Petrova", "Omar Aziz"]), "https://a.example/x")
    other = extract_document(page(["Omar Aziz", "Anna Petrova"]), "https://a.example/x")
    assert first.byline is not None and "Leyla Mammadova" in first.byline
    assert first.byline == other.byline


def _with_nested_teasers(teaser_authors: list[str]) -> bytes:
    """A story whose own <article> holds related-story teasers, each an <article> too."""
    teasers = "".join(
        f"<li><article class='micro'><h1><a href='/s/{n}'>Other story {n}</a></h1>"
        f"<p class='contributor_name article_author-name'>by <a href='/author/{n}/'>{a}</a>"
        "</p></article></li>"
        for n, a in enumerate(teaser_authors)
    )
    paragraphs = "".join(f"<p>{LONG} Part {n}.</p>" for n in range(5))
    return (
        "<html lang='en'><head><title>Report</title></head><body><article id='post-1'>"
        "<header><h1>Report</h1><div class='contributor'><div class='name'>"
        "<a href='https://a.example/author/leyla-mammadova/'>Leyla Mammadova</a></div></div>"
        f"</header>{paragraphs}<ul class='related'>{teasers}</ul></article></body></html>"
    ).encode()


def test_byline_ignores_teasers_nested_in_the_story_and_reads_its_author_page_link() -> None:
    first = extract_document(_with_nested_teasers(["Anna Petrova", "Omar Aziz"]))
    shuffled = extract_document(_with_nested_teasers(["Omar Aziz", "Anna Petrova"]))
    assert first.byline == shuffled.byline == "Leyla Mammadova"
