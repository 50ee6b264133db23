"""compare_documents: explained edits, and silence for what is not an edit."""

from __future__ import annotations

import random
from dataclasses import replace

from scrubwatch.compare import compare_documents
from scrubwatch.model import Document, Severity, TextPair

INTRO = (
    "Azerbaijani President Ilham Aliyev spoke warmly of trade with China in an interview "
    "with Xinhua on Monday."
)
CORRIDOR_1 = "Chinese firms are expected to take part in building the Zangezur corridor."
CORRIDOR_2 = "The route through the Zangezur corridor would link the country to Nakhchivan."
LIU_QUOTE = (
    "“Chinese companies are ready to help build the corridor,” said Liu Jianchao, "
    "who heads the party’s international department."
)
INVESTMENT_OLD = "Chinese investment in Azerbaijan has reached $3.7 billion, officials say."
INVESTMENT_NEW = "Chinese investment in Azerbaijan has reached $3.2 billion, officials say."
TRADE = "China accounted for 7.9% of the country’s foreign trade last year."
VISIT = "Aliyev is expected in Beijing on Tuesday for a state visit."

ORIGINAL = Document(
    title="Aliyev hails Chinese investment before Beijing trip",
    byline="OC Media staff",
    published="2025-04-21",
    language="en",
    paragraphs=(
        INTRO,
        f"{CORRIDOR_1} {CORRIDOR_2}",
        LIU_QUOTE,
        INVESTMENT_OLD,
        f"{TRADE} {VISIT}",
    ),
)


def test_english_scrub_is_explained() -> None:
    scrubbed = replace(
        ORIGINAL,
        updated="2025-04-22",
        paragraphs=(INTRO, INVESTMENT_NEW, f"{TRADE} {VISIT}"),
    )
    diff = compare_documents(ORIGINAL, scrubbed, watch_terms=["zangezur corridor"])
    assert diff is not None
    assert diff.severity == Severity.SUBSTANTIVE
    assert diff.title is None and diff.byline is None
    assert diff.sentences_removed == (CORRIDOR_1, CORRIDOR_2, LIU_QUOTE)
    assert diff.sentences_added == ()
    assert diff.sentences_changed == (TextPair(INVESTMENT_OLD, INVESTMENT_NEW),)
    assert diff.quotes_removed == ("Chinese companies are ready to help build the corridor",)
    # The watch term comes first, spelt as the article spells it.
    assert diff.terms_removed[0] == "Zangezur corridor"
    assert {"Liu Jianchao", "Nakhchivan"} <= set(diff.terms_removed)
    assert "Xinhua" not in diff.terms_removed  # still in the article
    assert diff.numbers_changed == (TextPair("$3.7 billion", "$3.2 billion"),)
    # One line, what matters first: the watched term, the quote and its speaker, figures.
    assert diff.summary == (
        "watched term 'Zangezur corridor' removed; quote by Liu Jianchao removed; "
        "$3.7 billion → $3.2 billion; no longer mentions 'Nakhchivan'; "
        "3 sentences removed, 1 rewritten"
    )


def test_moved_paragraph_and_sentence_are_not_edits() -> None:
    moved = replace(
        ORIGINAL,
        paragraphs=(
            INTRO,
            INVESTMENT_OLD,
            f"{VISIT} {CORRIDOR_1}",  # a sentence moved into another paragraph
            LIU_QUOTE,
            CORRIDOR_2,
            TRADE,
        ),
    )
    assert compare_documents(ORIGINAL, moved) is None


def test_typographic_noise_is_not_an_edit() -> None:
    noisy = replace(
        ORIGINAL,
        title="Aliyev  hails Chinese invest\u00adment before Beijing trip ",
        paragraphs=(
            INTRO.replace(" ", "\u00a0", 3),
            f"{CORRIDOR_1}\u200b  {CORRIDOR_2}",
            LIU_QUOTE.replace("“", '"').replace("”", '"').replace("’", "'"),
            INVESTMENT_OLD.replace("billion", "bil\u00adlion"),
            TRADE,  # one paragraph split in two: markup noise
            VISIT,
        ),
    )
    assert compare_documents(ORIGINAL, noisy) is None


def test_dates_alone_are_not_an_edit() -> None:
    redated = replace(ORIGINAL, published="2025-04-20", updated="2025-04-23T08:00:00+00:00")
    assert compare_documents(ORIGINAL, redated) is None


def test_typo_fix_is_minor() -> None:
    old = replace(
        ORIGINAL,
        paragraphs=(
            INTRO,
            "The goverment did not comment on teh report.",
        ),
    )
    new = replace(
        ORIGINAL,
        paragraphs=(
            INTRO,
            "The government did not comment on the report.",
        ),
    )
    diff = compare_documents(old, new)
    assert diff is not None
    assert diff.severity == Severity.MINOR
    assert diff.sentences_changed == (
        TextPair(
            "The goverment did not comment on teh report.",
            "The government did not comment on the report.",
        ),
    )
    assert diff.sentences_removed == diff.sentences_added == ()
    assert diff.terms_removed == diff.quotes_removed == ()
    assert diff.numbers_changed == ()
    assert "1 sentence corrected" in diff.summary


def test_casing_and_punctuation_are_minor_but_meaning_is_not() -> None:
    recased = replace(ORIGINAL, paragraphs=(INTRO.replace("Monday.", "Monday!"),))
    base = replace(ORIGINAL, paragraphs=(INTRO,))
    diff = compare_documents(base, recased)
    assert diff is not None and diff.severity == Severity.MINOR

    negated = replace(ORIGINAL, paragraphs=(INTRO.replace("spoke warmly", "spoke coldly"),))
    diff = compare_documents(base, negated)
    assert diff is not None and diff.severity == Severity.SUBSTANTIVE
    assert len(diff.sentences_changed) == 1


def test_headline_only_change() -> None:
    retitled = replace(ORIGINAL, title="Aliyev heads to Beijing")
    diff = compare_documents(ORIGINAL, retitled)
    assert diff is not None
    assert diff.title == TextPair(
        "Aliyev hails Chinese investment before Beijing trip", "Aliyev heads to Beijing"
    )
    assert diff.severity == Severity.SUBSTANTIVE
    assert diff.sentences_removed == diff.sentences_added == ()
    assert diff.sentences_changed == ()
    assert diff.summary == (
        'headline changed from "Aliyev hails Chinese investment before Beijing trip" '
        'to "Aliyev heads to Beijing"'
    )


def test_byline_change_is_reported() -> None:
    diff = compare_documents(ORIGINAL, replace(ORIGINAL, byline="Staff"))
    assert diff is not None
    assert diff.byline == TextPair("OC Media staff", "Staff")
    assert diff.summary == 'byline changed from "OC Media staff" to "Staff"'


def test_figure_of_removed_sentence_still_elsewhere_is_not_lost() -> None:
    old = replace(ORIGINAL, paragraphs=(TRADE, "Exports grew by 7.9% as well.", VISIT))
    new = replace(ORIGINAL, paragraphs=(TRADE, VISIT))
    diff = compare_documents(old, new)
    assert diff is not None
    assert diff.sentences_removed == ("Exports grew by 7.9% as well.",)
    assert diff.numbers_changed == ()

    new = replace(ORIGINAL, paragraphs=(VISIT,))
    diff = compare_documents(old, new)
    assert diff is not None
    assert diff.numbers_changed == (TextPair("7.9%", None),)  # once, though twice removed


def test_anonymous_quote_is_named_by_its_first_words() -> None:
    quote = (
        "An official said privately: “The corridor will be finished by Chinese builders next year.”"
    )
    old = replace(ORIGINAL, paragraphs=(INTRO, quote))
    new = replace(ORIGINAL, paragraphs=(INTRO,))
    diff = compare_documents(old, new)
    assert diff is not None
    assert diff.quotes_removed == ("The corridor will be finished by Chinese builders next year.",)
    assert diff.summary == 'quote "The corridor will be finished by…" removed; 1 sentence removed'


def test_russian_scrub() -> None:
    old = Document(
        title="Алиев похвалил связи с Китаем",
        language="ru",
        paragraphs=(
            "Ильхам Алиев дал интервью агентству Синьхуа.",
            "Китайские компании построят Зангезурский коридор. "
            "«Мы готовы помочь», — заявил Лю Цзяньчао.",
            "Инвестиции Китая достигли 3,7 млрд долларов.",
        ),
    )
    new = replace(
        old,
        paragraphs=(
            "Ильхам Алиев дал интервью агентству Синьхуа.",
            "Инвестиции Китая достигли 3,2 млрд долларов.",
        ),
    )
    diff = compare_documents(old, new, watch_terms=["зангезурский КОРИДОР"])
    assert diff is not None
    assert diff.sentences_removed == (
        "Китайские компании построят Зангезурский коридор.",
        "«Мы готовы помочь», — заявил Лю Цзяньчао.",
    )
    assert diff.quotes_removed == ("Мы готовы помочь",)
    assert diff.terms_removed[0] == "Зангезурский коридор"
    assert "Лю Цзяньчао" in diff.terms_removed
    assert diff.numbers_changed == (TextPair("3,7 млрд долларов", "3,2 млрд долларов"),)
    assert "quote by Лю Цзяньчао removed" in diff.summary
    assert "3,7 млрд долларов → 3,2 млрд долларов" in diff.summary
    assert "Мы готовы помочь'" not in diff.summary  # the quote is not listed again as a term


def test_azerbaijani_dotted_i() -> None:
    old = Document(
        title="İLHAM ƏLİYEV PEKİNƏ SƏFƏR EDİB",
        language="az",
        paragraphs=(
            "İlham Əliyev Pekində Si Cinpinlə görüşüb.",
            "Çin şirkətləri Zəngəzur dəhlizinin tikintisində iştirak edəcək.",
        ),
    )
    # Headline recased by the desk: Azerbaijani casing (İ <-> i) makes it the same words.
    new = replace(
        old,
        title="İlham Əliyev Pekinə səfər edib",
        paragraphs=("İlham Əliyev Pekində Si Cinpinlə görüşüb.",),
    )
    diff = compare_documents(old, new, watch_terms=["ZƏNGƏZUR DƏHLİZİ"])
    assert diff is not None
    assert diff.title is not None  # reported, but as a correction
    assert diff.summary == (
        "watched term 'Zəngəzur dəhlizi' removed; "
        "headline corrected (spelling, punctuation or casing); 1 sentence removed"
    )
    assert diff.terms_removed[0] == "Zəngəzur dəhlizi"
    assert diff.severity == Severity.SUBSTANTIVE

    only_recased = replace(old, title="İlham Əliyev Pekinə səfər edib")
    diff = compare_documents(old, only_recased)
    assert diff is not None and diff.severity == Severity.MINOR


def test_turkish_watch_term_typed_without_dots() -> None:
    old = Document(
        language="tr", paragraphs=("Heyet İstanbul'da toplandı. Sonra Kırım konuşuldu.",)
    )
    new = replace(old, paragraphs=("Heyet İstanbul'da toplandı.",))
    diff = compare_documents(old, new, watch_terms=["KIRIM", "istanbul"])
    assert diff is not None
    assert diff.terms_removed[0] == "Kırım"
    assert "İstanbul" not in diff.terms_removed and "istanbul" not in diff.terms_removed


def test_chinese_scrub_without_spaces() -> None:
    old = Document(
        title="阿利耶夫赞扬与中国的关系",
        language="zh",
        paragraphs=(
            "阿利耶夫接受了新华社采访。中国公司将参与修建赞格祖尔走廊。",
            "刘建超表示：“中国企业愿意帮助建设走廊。”中国在阿塞拜疆的投资达到37亿美元。",
        ),
    )
    new = replace(
        old,
        paragraphs=("阿利耶夫接受了新华社采访。", "中国在阿塞拜疆的投资达到32亿美元。"),
    )
    diff = compare_documents(old, new, watch_terms=["赞格祖尔走廊"])
    assert diff is not None
    assert diff.sentences_removed == (
        "中国公司将参与修建赞格祖尔走廊。",
        "刘建超表示：“中国企业愿意帮助建设走廊。”",
    )
    assert diff.quotes_removed == ("中国企业愿意帮助建设走廊。",)
    assert diff.terms_removed == ("赞格祖尔走廊",)
    assert diff.numbers_changed == (TextPair("37亿美元", "32亿美元"),)
    assert "quote by 刘建超 removed" in diff.summary


def test_clause_cut_is_a_rewrite_and_addition_is_counted() -> None:
    long_visit = "Aliyev is expected in Beijing on Tuesday for a state visit, his aides said."
    old = replace(ORIGINAL, paragraphs=(INTRO, long_visit))
    new = replace(
        ORIGINAL,
        paragraphs=(INTRO, VISIT, "The foreign ministry declined to comment on the reports."),
    )
    diff = compare_documents(old, new)
    assert diff is not None
    assert diff.severity == Severity.SUBSTANTIVE
    assert diff.sentences_changed == (TextPair(long_visit, VISIT),)
    assert diff.sentences_added == ("The foreign ministry declined to comment on the reports.",)
    assert diff.summary == "1 sentence added, 1 rewritten"


def test_typo_fixed_inside_a_quote_is_minor_but_unquoting_is_not() -> None:
    def body(sentence: str) -> Document:
        return replace(ORIGINAL, paragraphs=(INTRO, sentence))

    typo = 'He said the concerns were "legitimate and dseerve intense attention" today.'
    fixed = 'He said the concerns were "legitimate and deserve intense attention" today.'
    diff = compare_documents(body(typo), body(fixed))
    assert diff is not None and diff.severity == Severity.MINOR
    assert diff.quotes_removed == ()

    unquoted = "He said the concerns were legitimate and deserve intense attention today."
    diff = compare_documents(body(fixed), body(unquoted))
    assert diff is not None and diff.severity == Severity.SUBSTANTIVE


def test_sentence_run_into_an_added_one_is_not_removed() -> None:
    # "Click Save." merged by the segmenter with a sentence added right after it.
    old = replace(ORIGINAL, paragraphs=(INTRO, "• Click on Homepage Selection."))
    new = replace(
        ORIGINAL,
        paragraphs=(INTRO, "• Click on Homepage Selection.The ministry declined to comment."),
    )
    diff = compare_documents(old, new)
    assert diff is not None
    assert diff.sentences_removed == ()
    assert len(diff.sentences_added) == 1


def test_short_line_whose_figure_changed_is_a_changed_figure() -> None:
    old = replace(ORIGINAL, paragraphs=(INTRO, "Step 2."))
    new = replace(ORIGINAL, paragraphs=(INTRO, "Step 6."))
    diff = compare_documents(old, new)
    assert diff is not None
    assert diff.sentences_changed == (TextPair("Step 2.", "Step 6."),)
    assert diff.numbers_changed == (TextPair("2", "6"),)


def test_list_enumerators_rendered_as_text_or_markup_are_not_an_edit() -> None:
    items = [
        "“Personal Data” means any information that the processor handles for the customer.",
        "“Privacy Laws” means the data protection laws that apply to the processing.",
        "The terms “Controller” and “Processor” have the meaning given in those laws.",
    ]
    bare = Document(title="Data Processing Addendum", paragraphs=tuple(items))
    lettered = Document(
        title="Data Processing Addendum",
        paragraphs=tuple(
            f"{mark} {item}" for mark, item in zip(("a.", "(ii)", "3."), items, strict=True)
        ),
    )
    assert compare_documents(bare, lettered) is None
    edited = replace(lettered, paragraphs=(*lettered.paragraphs[:2], "3. The terms are gone."))
    diff = compare_documents(bare, edited)
    assert diff is not None
    assert (diff.sentences_removed, diff.sentences_added) == ((items[2],), ("The terms are gone.",))


def test_an_initial_is_not_an_enumerator() -> None:
    old = Document(title="Talks", paragraphs=("A. Aliyev said the talks had failed.",))
    new = replace(old, paragraphs=("B. Aliyev said the talks had failed.",))
    assert compare_documents(old, new) is not None


def _long_article(count: int, figure: int, seed: int) -> Document:
    rng = random.Random(seed)
    words = [
        "minister",
        "officials",
        "talks",
        "corridor",
        "railway",
        "freight",
        "customs",
        "ports",
        "cargo",
        "budget",
    ]
    return Document(
        title="Budget talks",
        paragraphs=tuple(
            " ".join(rng.choice(words) for _ in range(10)).capitalize()
            + f" with {n * 7 + figure} units."
            for n in range(count)
        ),
    )


def test_every_figure_of_a_long_article_changed_is_told_figure_by_figure() -> None:
    """Sentences equal but for their digits are paired before anything costly, however many."""
    diff = compare_documents(_long_article(2000, 0, 1), _long_article(2000, 1, 1))
    assert diff is not None
    assert len(diff.sentences_changed) == 2000
    assert not diff.sentences_removed and not diff.sentences_added
    assert len(diff.numbers_changed) == 2000


def test_a_long_article_replaced_wholesale_is_told_without_pairing_every_sentence() -> None:
    diff = compare_documents(_long_article(1000, 0, 1), _long_article(1000, 0, 2))
    assert diff is not None
    assert len(diff.sentences_removed) == len(diff.sentences_added) == 1000
    assert "too many changes to pair rewritten sentences" in diff.summary
