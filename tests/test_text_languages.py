"""Text primitives in the languages scrubbing outlets write in: sentences, quotes, figures, terms.

Georgian, Arabic, Persian, Chinese and Japanese have no capital letters, so names cannot be
told from other words there: those languages rely on quoted terms and the user's watch terms,
and `find_terms` is expected to find no capitalised names in them.
"""

from __future__ import annotations

import pytest

from scrubwatch.text import (
    find_numbers,
    find_quotes,
    find_terms,
    fold,
    normalize,
    number_key,
    split_sentences,
)

# language -> (text, sentences, quotes, figures)
CASES: dict[str, tuple[str, list[str], list[str], list[str]]] = {
    "ru": (
        "Ильхам Алиев прибыл в Пекин. «Мы готовы к сотрудничеству», — заявил Лю Цзяньчао. "
        "Инвестиции достигли 3,7 млрд долларов, или 12,5%.",
        [
            "Ильхам Алиев прибыл в Пекин.",
            "«Мы готовы к сотрудничеству», — заявил Лю Цзяньчао.",
            "Инвестиции достигли 3,7 млрд долларов, или 12,5%.",
        ],
        ["Мы готовы к сотрудничеству"],
        ["3,7 млрд долларов", "12,5%"],
    ),
    "uk": (
        "Президент Володимир Зеленський прибув до Брюсселя. «Ми готові до переговорів», — "
        "сказав Дмитро Кулеба. Інвестиції сягнули 3,7 млрд дол. США.",
        [
            "Президент Володимир Зеленський прибув до Брюсселя.",
            "«Ми готові до переговорів», — сказав Дмитро Кулеба.",
            "Інвестиції сягнули 3,7 млрд дол. США.",  # "дол." is an abbreviation in Ukrainian
        ],
        ["Ми готові до переговорів"],
        ["3,7 млрд дол."],
    ),
    "az": (
        "Prezident İ. Əliyev Pekinə səfər edib. «Biz əməkdaşlığa hazırıq», — deyə Ceyhun "
        "Bayramov bildirib. İnvestisiyalar 3,7 milyard dollara çatıb.",
        [
            "Prezident İ. Əliyev Pekinə səfər edib.",  # an initial is not a full stop
            "«Biz əməkdaşlığa hazırıq», — deyə Ceyhun Bayramov bildirib.",
            "İnvestisiyalar 3,7 milyard dollara çatıb.",
        ],
        ["Biz əməkdaşlığa hazırıq"],
        ["3,7 milyard"],
    ),
    "tr": (
        "Cumhurbaşkanı Recep Tayyip Erdoğan konuştu. “Barış için her zaman hazırız” dedi. "
        "Ticaret hacmi %12,5 artarak 3,7 milyar dolara ulaştı.",
        [
            "Cumhurbaşkanı Recep Tayyip Erdoğan konuştu.",
            "“Barış için her zaman hazırız” dedi.",
            "Ticaret hacmi %12,5 artarak 3,7 milyar dolara ulaştı.",
        ],
        ["Barış için her zaman hazırız"],
        ["%12,5", "3,7 milyar"],  # Turkish writes the percent sign first
    ),
    "hy": (
        "Նիկոլ Փաշինյանը ժամանեց Բրյուսել։ «Մենք պատրաստ ենք խաղաղության», — ասաց Արարատ "
        "Միրզոյանը։ Ներդրումները հասել են 3,7 միլիարդ դոլարի։",
        [
            "Նիկոլ Փաշինյանը ժամանեց Բրյուսել։",  # Armenian full stop
            "«Մենք պատրաստ ենք խաղաղության», — ասաց Արարատ Միրզոյանը։",
            "Ներդրումները հասել են 3,7 միլիարդ դոլարի։",
        ],
        ["Մենք պատրաստ ենք խաղաղության"],
        ["3,7 միլիարդ"],
    ),
    "ka": (
        "ირაკლი კობახიძე ბრიუსელს ეწვია. „ჩვენ მზად ვართ მშვიდობისთვის“, — განაცხადა მან. "
        "ინვესტიციამ 3,7 მილიარდ დოლარს მიაღწია.",
        [
            "ირაკლი კობახიძე ბრიუსელს ეწვია.",
            "„ჩვენ მზად ვართ მშვიდობისთვის“, — განაცხადა მან.",
            "ინვესტიციამ 3,7 მილიარდ დოლარს მიაღწია.",
        ],
        ["ჩვენ მზად ვართ მშვიდობისთვის"],
        ["3,7 მილიარდ"],
    ),
    "ar": (
        "وصل الرئيس إلهام علييف إلى بكين. هل هذا مهم؟ وقال علييف: «نحن مستعدون للتعاون مع "
        "الصين». بلغت الاستثمارات ٣٫٧ مليار دولار، أي ١٢٫٥٪ من التجارة.",
        [
            "وصل الرئيس إلهام علييف إلى بكين.",
            "هل هذا مهم؟",  # Arabic question mark
            "وقال علييف: «نحن مستعدون للتعاون مع الصين».",
            "بلغت الاستثمارات ٣٫٧ مليار دولار، أي ١٢٫٥٪ من التجارة.",
        ],
        ["نحن مستعدون للتعاون مع الصين"],
        ["٣٫٧ مليار دولار", "١٢٫٥٪"],  # reported in the digits the outlet wrote
    ),
    "fa": (
        "رئیس‌جمهور به پکن سفر کرد. آیا این مهم است؟ او گفت: «ما آماده همکاری با چین "
        "هستیم». سرمایه‌گذاری به ۳٫۷ میلیارد دلار و ۱۲٬۵۰۰ شغل رسید.",
        [
            "رئیس‌جمهور به پکن سفر کرد.",  # the zero-width non-joiner is spelling: kept
            "آیا این مهم است؟",
            "او گفت: «ما آماده همکاری با چین هستیم».",
            "سرمایه‌گذاری به ۳٫۷ میلیارد دلار و ۱۲٬۵۰۰ شغل رسید.",
        ],
        ["ما آماده همکاری با چین هستیم"],
        ["۳٫۷ میلیارد دلار", "۱۲٬۵۰۰"],
    ),
    "zh": (
        "阿利耶夫抵达北京。他说：“我们愿意与中国合作。”投资达到5000万美元，增长12.5%。",
        ["阿利耶夫抵达北京。", "他说：“我们愿意与中国合作。”", "投资达到5000万美元，增长12.5%。"],
        ["我们愿意与中国合作。"],
        ["5000万美元", "12.5%"],
    ),
    "ja": (
        "アリエフ大統領が北京を訪問した。「協力の準備はできている」と述べた。投資は37億ドルに達した。",
        [
            "アリエフ大統領が北京を訪問した。",
            "「協力の準備はできている」と述べた。",
            "投資は37億ドルに達した。",
        ],
        ["協力の準備はできている"],
        ["37億ドル"],
    ),
}


@pytest.mark.parametrize("language", sorted(CASES))
def test_sentences(language: str) -> None:
    text, sentences, _quotes, _figures = CASES[language]
    assert split_sentences(text, language) == sentences


@pytest.mark.parametrize("language", sorted(CASES))
def test_quotes(language: str) -> None:
    text, _sentences, quotes, _figures = CASES[language]
    assert find_quotes(text) == quotes


@pytest.mark.parametrize("language", sorted(CASES))
def test_figures_as_written(language: str) -> None:
    text, _sentences, _quotes, figures = CASES[language]
    assert find_numbers(text) == figures


def test_eastern_arabic_and_persian_digits_compare_equal() -> None:
    assert number_key("٣٫٧ مليار") == number_key("3.7 مليار")
    assert number_key("۱۲٬۵۰۰") == number_key("12,500") == number_key("١٢٬٥٠٠")
    assert number_key("١٢٫٥٪") == number_key("12.5%")
    assert number_key("٣٫٧") != number_key("٣٫٢")


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("Trade grew to $3.7 billion last year.", "$3.7 billion"),
        ("Сумма составила 1 200 000 ₽ за год.", "1 200 000 ₽"),
        ("Der Umsatz stieg auf 1.234,5 Mio. Euro.", "1.234,5"),
        ("Le prix atteint 1 234,50 € cette année.", "1 234,50 €"),
        ("Die Kosten betrugen CHF 1'250'000 im Jahr.", "1'250'000"),
        ("The route is 21,000 km long.", "21,000 km"),
        ("Unemployment fell to 7.9 per cent.", "7.9 per cent"),
        ("项目投资37亿美元。", "37亿美元"),
        ("新增就业12万人。", "12万"),
        ("The talks began on 08.04.2015 at 12:46.", "08.04.2015"),
    ],
)
def test_figures_in_many_locales(text: str, figure: str) -> None:
    assert figure in find_numbers(text)


def test_grouping_spaces_do_not_change_a_figure() -> None:
    assert number_key("1 200 000 ₽") == number_key("1\u202f200\u202f000 ₽")
    assert number_key("1'250'000") == number_key("1250000")
    assert number_key("7.9 percent") == number_key("7.9%")
    assert number_key("$3.7bn") == number_key("$3.7 billion")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", ["Ильхам Алиев", "Лю Цзяньчао"]),
        ("uk", ["Володимир Зеленський", "Дмитро Кулеба"]),
        ("az", ["Ceyhun Bayramov"]),
        ("tr", ["Recep Tayyip Erdoğan"]),
        ("hy", ["Նիկոլ Փաշինյանը", "Արարատ Միրզոյանը"]),
    ],
)
def test_capitalised_names_in_cased_scripts(language: str, expected: list[str]) -> None:
    terms = find_terms(CASES[language][0])
    for name in expected:
        assert any(name in term for term in terms), (name, terms)


@pytest.mark.parametrize("language", ["ka", "ar", "fa", "zh", "ja"])
def test_uncased_scripts_have_no_capitalised_names(language: str) -> None:
    # Only quoted expressions can be terms there; names come from the user's watch terms.
    text, _sentences, quotes, _figures = CASES[language]
    assert all(term in quotes for term in find_terms(text))


def test_georgian_quoted_term() -> None:
    text = "მთავრობამ „აგენტების კანონი“ მიიღო."
    assert find_terms(text) == ["აგენტების კანონი"]


def test_persian_joiner_kept_for_display_dropped_for_matching() -> None:
    assert "\u200c" in split_sentences("سرمایه‌گذاری رسید.", "fa")[0]
    assert fold("سرمایه‌گذاری") == fold("سرمایهگذاری")
    # Arabic and Persian forms of yeh and kaf are one letter for matching.
    assert normalize("كيف") == normalize("کیف")


def test_armenian_and_georgian_fold_case() -> None:
    assert fold("ՓԱՇԻՆՅԱՆ") == fold("Փաշինյան")
    assert fold("კობახიძე") == "კობახიძე"
