"""A scrub in each language scrubbing outlets write in, explained end to end by compare.

Each case is one article of three paragraphs: an opening that stays, a paragraph whose two
sentences are cut (one names the watched term, one carries a quote), and a figure that is
changed. The Diff must name all three, in the language's own script.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from scrubwatch.compare import compare_documents
from scrubwatch.model import Document, Severity, TextPair


@dataclass(frozen=True)
class Scrub:
    language: str
    opening: str
    watched: str  # sentence naming the watch term
    term_typed: str  # the watch term as a user types it
    term_written: str  # ... and as the article writes it
    quoted: str  # sentence with a quote
    quote: str
    figure_before: str  # sentence with a figure, before and after
    figure_after: str
    figures: tuple[str, str]


SCRUBS = [
    Scrub(
        "uk",
        "Президент Володимир Зеленський прибув до Брюсселя.",
        "Кримський міст також обговорювався на зустрічі.",
        "КРИМСЬКИЙ МІСТ",
        "Кримський міст",
        "«Ми готові до переговорів», — сказав Дмитро Кулеба.",
        "Ми готові до переговорів",
        "Допомога склала 3,7 млрд доларів за рік.",
        "Допомога склала 3,2 млрд доларів за рік.",
        ("3,7 млрд доларів", "3,2 млрд доларів"),
    ),
    Scrub(
        "az",
        "Prezident İlham Əliyev Pekinə səfər edib.",
        "Zəngəzur dəhlizinin tikintisi də müzakirə olunub.",
        "ZƏNGƏZUR DƏHLİZİ",
        "Zəngəzur dəhlizi",
        "«Biz əməkdaşlığa hazırıq», — deyə Ceyhun Bayramov bildirib.",
        "Biz əməkdaşlığa hazırıq",
        "İnvestisiyalar 3,7 milyard dollar təşkil edib.",
        "İnvestisiyalar 3,2 milyard dollar təşkil edib.",
        ("3,7 milyard dollar", "3,2 milyard dollar"),
    ),
    Scrub(
        "tr",
        "Cumhurbaşkanı Recep Tayyip Erdoğan Bakü ziyaretini tamamladı.",
        "Kırım meselesi de gündeme geldi.",
        "KIRIM",
        "Kırım",
        "“Barış için her zaman hazırız” dedi Hakan Fidan.",
        "Barış için her zaman hazırız",
        "Ticaret hacmi geçen yıl %12,5 arttı.",
        "Ticaret hacmi geçen yıl %8,5 arttı.",
        ("%12,5", "%8,5"),
    ),
    Scrub(
        "hy",
        "Նիկոլ Փաշինյանը ժամանեց Բրյուսել։",
        "Զանգեզուրի միջանցքը նույնպես քննարկվել է։",
        "զանգեզուրի միջանցք",
        "Զանգեզուրի միջանցք",
        "«Մենք պատրաստ ենք խաղաղության», — ասաց Արարատ Միրզոյանը։",
        "Մենք պատրաստ ենք խաղաղության",
        "Ներդրումները հասել են 3,7 միլիարդ դոլարի։",
        "Ներդրումները հասել են 3,2 միլիարդ դոլարի։",
        ("3,7 միլիարդ", "3,2 միլիարդ"),
    ),
    Scrub(
        # Georgian has no capital letters: the scrubbed name is known only as a watch term.
        "ka",
        "ირაკლი კობახიძე ბრიუსელს ეწვია.",
        "აფხაზეთის საკითხიც განიხილეს.",
        "აფხაზეთ",
        "აფხაზეთ",
        "„ჩვენ მზად ვართ მშვიდობისთვის“, — განაცხადა მან.",
        "ჩვენ მზად ვართ მშვიდობისთვის",
        "ინვესტიციამ 3,7 მილიარდ დოლარს მიაღწია.",
        "ინვესტიციამ 3,2 მილიარდ დოლარს მიაღწია.",
        ("3,7 მილიარდ", "3,2 მილიარდ"),
    ),
    Scrub(
        "ar",
        "وصل الرئيس إلهام علييف إلى بكين في زيارة رسمية.",
        "وناقش الجانبان ممر زنغزور أيضا.",
        "ممر زنغزور",
        "ممر زنغزور",
        "وقال علييف: «نحن مستعدون للتعاون مع الصين».",
        "نحن مستعدون للتعاون مع الصين",
        "بلغت الاستثمارات ٣٫٧ مليار دولار.",
        "بلغت الاستثمارات ٣٫٢ مليار دولار.",
        ("٣٫٧ مليار دولار", "٣٫٢ مليار دولار"),
    ),
    Scrub(
        "fa",
        "رئیس‌جمهور علی‌اف به پکن سفر کرد.",
        "دالان زنگزور نیز بررسی شد.",
        "دالان زنگزور",
        "دالان زنگزور",
        "او گفت: «ما آماده همکاری با چین هستیم».",
        "ما آماده همکاری با چین هستیم",
        "سرمایه‌گذاری به ۳٫۷ میلیارد دلار رسید.",
        "سرمایه‌گذاری به ۳٫۲ میلیارد دلار رسید.",
        ("۳٫۷ میلیارد دلار", "۳٫۲ میلیارد دلار"),
    ),
    Scrub(
        "ja",
        "アリエフ大統領が北京を訪問した。",
        "ザンゲズール回廊についても協議した。",
        "ザンゲズール回廊",
        "ザンゲズール回廊",
        "外相は「協力の準備はできている」と述べた。",
        "協力の準備はできている",
        "投資は37億ドルに達した。",
        "投資は32億ドルに達した。",
        ("37億ドル", "32億ドル"),
    ),
    Scrub(
        "zh",
        "阿利耶夫抵达北京进行国事访问。",
        "双方还讨论了赞格祖尔走廊。",
        "赞格祖尔走廊",
        "赞格祖尔走廊",
        "刘建超表示：“中国企业愿意帮助建设走廊。”",
        "中国企业愿意帮助建设走廊。",
        "投资达到5000万美元。",
        "投资达到4000万美元。",
        ("5000万美元", "4000万美元"),
    ),
]


def _versions(scrub: Scrub) -> tuple[Document, Document]:
    joiner = "" if scrub.language in {"zh", "ja"} else " "
    old = Document(
        title="—",
        language=scrub.language,
        paragraphs=(scrub.opening, joiner.join([scrub.watched, scrub.quoted]), scrub.figure_before),
    )
    new = Document(
        title="—", language=scrub.language, paragraphs=(scrub.opening, scrub.figure_after)
    )
    return old, new


@pytest.mark.parametrize("scrub", SCRUBS, ids=[s.language for s in SCRUBS])
def test_scrub_is_explained(scrub: Scrub) -> None:
    old, new = _versions(scrub)
    diff = compare_documents(old, new, watch_terms=[scrub.term_typed])
    assert diff is not None
    assert diff.severity == Severity.SUBSTANTIVE
    assert diff.sentences_removed == (scrub.watched, scrub.quoted)
    assert diff.sentences_changed == (TextPair(scrub.figure_before, scrub.figure_after),)
    assert diff.quotes_removed == (scrub.quote,)
    assert diff.terms_removed[0] == scrub.term_written
    assert diff.numbers_changed == (TextPair(*scrub.figures),)
    # What matters first: the watched term, then the quote, then the figure.
    summary = diff.summary
    assert summary.startswith(f"watched term '{scrub.term_written}' removed; quote ")
    assert summary.index("quote") < summary.index(f"{scrub.figures[0]} → {scrub.figures[1]}")
    assert summary.endswith("2 sentences removed, 1 rewritten")


@pytest.mark.parametrize("scrub", SCRUBS, ids=[s.language for s in SCRUBS])
def test_unchanged_and_moved_text_is_no_change(scrub: Scrub) -> None:
    old, _new = _versions(scrub)
    moved = Document(
        title="—",
        language=scrub.language,
        paragraphs=(scrub.figure_before, scrub.opening, scrub.quoted, scrub.watched),
    )
    assert compare_documents(old, moved) is None


def test_eastern_arabic_digits_rewritten_in_ascii_are_no_change() -> None:
    old = Document(language="ar", paragraphs=("بلغت الاستثمارات ٣٫٧ مليار دولار.",))
    new = Document(language="ar", paragraphs=("بلغت الاستثمارات 3.7 مليار دولار.",))
    assert compare_documents(old, new) is None


@pytest.mark.parametrize(
    ("language", "speaker"),
    [
        ("uk", "Дмитро Кулеба"),
        ("az", "Ceyhun Bayramov"),
        ("hy", "Արարատ Միրզոյանը"),
        ("ar", "علييف"),
    ],
)
def test_speaker_of_removed_quote_is_named(language: str, speaker: str) -> None:
    scrub = next(s for s in SCRUBS if s.language == language)
    diff = compare_documents(*_versions(scrub))
    assert diff is not None
    assert f"quote by {speaker} removed" in diff.summary
