"""Text primitives: what counts as the same text, and what is found in it."""

from __future__ import annotations

import pytest

from scrubwatch.text import (
    find_numbers,
    find_quotes,
    find_speaker,
    find_terms,
    fold,
    normalize,
    split_sentences,
)


def test_normalize_erases_typography_only() -> None:
    fancy = "“Azerbaijan\u00ad–China ties,”\u00a0he  said\u200b — in\tBaku…"
    plain = '"Azerbaijan-China ties," he said - in Baku...'
    assert normalize(fancy) == plain
    assert normalize("«да»") == normalize("„да“") == '"да"'
    assert normalize("it’s") == normalize("it's")
    assert normalize("3.7") != normalize("3.2")


def test_fold_ignores_case_and_diacritics() -> None:
    assert fold("Zəngəzur Dəhlizi") == fold("zəngəzur dəhlizi")
    assert fold("Ilham Əliyev") == fold("ILHAM ƏLIYEV")
    assert fold("Bakı") == fold("BAKI") == "baki"
    assert fold("Réseau") == "reseau"


@pytest.mark.parametrize("language", ["tr", "az", "tr-TR"])
def test_fold_turkic_dotted_and_dotless_i(language: str) -> None:
    assert fold("İSTANBUL", language) == fold("istanbul", language) == "istanbul"
    assert fold("KIRIM", language) == fold("kırım", language) == "kırım"
    # In Turkish, capital I is dotless: "KIRIM" is not "kirim".
    assert fold("KIRIM", language) != fold("kirim", language)


def test_fold_without_language_is_loosest() -> None:
    # A term typed on any keyboard matches Turkish spellings.
    assert fold("Istanbul") == fold("İstanbul") == fold("ISTANBUL")
    assert fold("kırım") == fold("KIRIM") == "kirim"


def test_split_sentences_keeps_abbreviations_and_paragraphs() -> None:
    text = "Mr. Aliyev spoke on Monday. It cost $3.7 billion.\nA new paragraph here"
    assert split_sentences(text, "en") == [
        "Mr. Aliyev spoke on Monday.",
        "It cost $3.7 billion.",
        "A new paragraph here",
    ]


def test_split_sentences_chinese_without_spaces() -> None:
    text = "中国公司将参与修建赞格祖尔走廊。该项目投资37亿美元！这是真的吗？"
    assert split_sentences(text, "zh") == [
        "中国公司将参与修建赞格祖尔走廊。",
        "该项目投资37亿美元！",
        "这是真的吗？",
    ]
    assert len(split_sentences(text)) == 3  # language unknown


def test_split_sentences_russian() -> None:
    text = "В 2024 г. торговля выросла. «Это успех», — сказал министр."
    assert split_sentences(text, "ru") == [
        "В 2024 г. торговля выросла.",
        "«Это успех», — сказал министр.",
    ]


def test_find_quotes_many_styles() -> None:
    text = (
        "He called it ‘important results’ and “a great achievement”. "
        "Она сказала: «Это „очень“ важно». Sie sagte: „Wir kommen“. "
        '他说：「这是成就」和『大项目』. A "straight one" too.'
    )
    assert find_quotes(text) == [
        "important results",
        "a great achievement",
        "Это „очень“ важно",
        "Wir kommen",
        "这是成就",
        "大项目",
        "straight one",
    ]


def test_find_quotes_apostrophes_are_not_quotes() -> None:
    text = "Azerbaijan’s role and the countries’ economies; it's 'safe to say' Aliyev's view."
    assert find_quotes(text) == ["safe to say"]


def test_find_quotes_tolerates_unclosed_marks() -> None:
    assert find_quotes("A stray « mark, then “a real quote” after it.") == ["a real quote"]


def test_find_numbers_as_written() -> None:
    text = (
        "Trade was $3.7 billion, or 7.9% of the total, over 21,000 kilometres; "
        "375 firms joined in 2015, not G20 or COVID-19 rules. "
        "Объём составил 3,7 млрд долларов. 投资37亿美元的项目。"
    )
    assert find_numbers(text) == [
        "$3.7 billion",
        "7.9%",
        "21,000 kilometres",
        "375",
        "2015",
        "3,7 млрд долларов",
        "37亿美元",
    ]


def test_find_terms_names_and_quoted_labels() -> None:
    text = (
        "Azerbaijani President Ilham Aliyev met the Shanghai Cooperation Organisation in Baku. "
        "Officials said the Zangezur corridor and the 'Middle Corridor' mattered to Xinhua. "
        "The talks ended on Monday."
    )
    terms = find_terms(text)
    for expected in [
        "Azerbaijani President Ilham Aliyev",
        "Shanghai Cooperation Organisation",
        "Baku",
        "Zangezur corridor",
        "Middle Corridor",
        "Xinhua",
    ]:
        assert expected in terms
    # Words capitalised only by position, and calendar words, are not terms.
    assert "Officials" not in terms
    assert "The" not in terms
    assert "Monday" not in terms


def test_find_terms_cyrillic() -> None:
    terms = find_terms("Ильхам Алиев прибыл в Пекин, где встретился с Лю Цзяньчао.")
    assert "Ильхам Алиев" in terms
    assert "Лю Цзяньчао" in terms
    assert "Пекин" in terms


@pytest.mark.parametrize(
    ("sentence", "quote", "speaker"),
    [
        (
            "“We are ready,” said Liu Jianchao, head of the department.",
            "We are ready",
            "Liu Jianchao",
        ),
        ("“We are ready,” Liu Jianchao told reporters.", "We are ready", "Liu Jianchao"),
        ("Liu Jianchao said: “We are ready.”", "We are ready.", "Liu Jianchao"),
        (
            "Aliyev said that the deal was a ‘great achievement and a duty’.",
            "great achievement and a duty",
            "Aliyev",
        ),
        ("«Мы готовы», — заявил Лю Цзяньчао.", "Мы готовы", "Лю Цзяньчао"),
        ("刘建超表示：“我们准备好了。”", "我们准备好了。", "刘建超"),
        ("“We are ready,” according to Liu Jianchao.", "We are ready", "Liu Jianchao"),
        (
            "Sputnik reported that Liu had emphasised it, ‘since it links Europe and Asia’.",
            "since it links Europe and Asia",
            "Liu",
        ),
        (
            "Liu stressed it, saying that “it links Europe and Asia,” Sputnik reported.",
            "it links Europe and Asia",
            "Liu",
        ),
        ("He said: “We are ready.”", "We are ready.", None),
    ],
)
def test_find_speaker(sentence: str, quote: str, speaker: str | None) -> None:
    assert find_speaker(sentence, quote) == speaker
