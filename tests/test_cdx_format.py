"""CDX answers as the archives write them: the Internet Archive's JSON table (canned, in its
real field order, with revisits whose status is "-"), pywb's JSON lines, the classic plain
lines; and the replay addresses derived from a CDX URL and read back from a Location."""

from __future__ import annotations

import json

import pytest

from scrubwatch.archives.cdx import (
    CdxCapture,
    cdx_timestamp,
    original_of,
    pages_by_resume_key,
    parse,
    parse_page,
    query,
    replay_prefix,
    replay_url,
    usable,
)
from scrubwatch.errors import ArchiveError

STORY = "https://news.example/politics/2025/04/21/corridor"
# As web.archive.org/cdx/search/cdx?url=...&output=json answers (fields and order as served).
IA_ANSWER = json.dumps(
    [
        ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
        ["example,news)/politics/2025/04/21/corridor", "20250421093000", STORY, "text/html",
         "200", "AYB6LQOZ3LU3PFNGLDRAXN3QDHSJ5G3Q", "10912"],
        ["example,news)/politics/2025/04/21/corridor", "20250421113000", STORY, "warc/revisit",
         "-", "AYB6LQOZ3LU3PFNGLDRAXN3QDHSJ5G3Q", "702"],
        ["example,news)/politics/2025/04/21/corridor", "20250421183000", STORY, "text/html",
         "404", "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", "512"],
        ["example,news)/logo.png", "20250421093001", "https://news.example/logo.png",
         "image/png", "200", "Q5IXIKBBOHQUTF4JZDCU7XNXJ5W5AOOX", "2311"],
    ]
)  # fmt: skip


def test_the_internet_archive_table_is_read_by_field_name() -> None:
    captures = parse(IA_ANSWER)
    assert [c.timestamp for c in captures] == [
        "20250421093000",
        "20250421113000",
        "20250421183000",
        "20250421093001",
    ]
    first, revisit, gone, _ = captures
    assert (first.url, first.status, first.mimetype) == (STORY, 200, "text/html")
    assert first.digest == "AYB6LQOZ3LU3PFNGLDRAXN3QDHSJ5G3Q"
    assert first.date.isoformat() == "2025-04-21T09:30:00+00:00"
    assert (revisit.status, revisit.mimetype) == (None, "warc/revisit")
    assert gone.status == 404
    assert [usable(c) for c in captures] == [True, True, True, False]


def test_a_page_of_the_internet_archive_index_ends_with_the_key_to_the_next() -> None:
    """With `showResumeKey`, a page that is not the last ends with `[]` and `["KEY"]`."""
    table = json.loads(IA_ANSWER)
    paged = json.dumps([*table[:3], [], ["ZXhhbXBsZSxuZXdzKS9wb2xpdGljcw=="]])
    captures, key = parse_page(paged)
    assert [c.timestamp for c in captures] == ["20250421093000", "20250421113000"]
    assert key == "ZXhhbXBsZSxuZXdzKS9wb2xpdGljcw=="
    assert parse_page(IA_ANSWER)[1] is None  # the last page
    assert parse_page(json.dumps([*table[:2], []]))[1] is None  # a bare trailing row is no key
    first = query("news.example/*", page_rows=500)
    assert (first["limit"], first["showResumeKey"], "resumeKey" in first) == ("500", "true", False)
    assert query("news.example/*", page_rows=500, resume_key="K")["resumeKey"] == "K"
    assert "limit" not in query("news.example/*")  # pywb would stop at the limit, keyless
    assert pages_by_resume_key("https://web.archive.org/cdx/search/cdx")
    assert not pages_by_resume_key("http://127.0.0.1:8080/news/cdx")


def test_columns_in_another_order_are_still_named_right() -> None:
    table = json.loads(IA_ANSWER)
    reordered = [[row[i] for i in (2, 1, 4, 3, 0, 5, 6)] for row in table]
    assert parse(json.dumps(reordered)) == parse(IA_ANSWER)


def test_pywb_json_lines_and_plain_lines_give_the_same_captures() -> None:
    lines = json.dumps(
        {"urlkey": "k", "timestamp": "20250421093000", "url": STORY, "mime": "text/html",
         "status": "200", "digest": "D1", "length": "9"}
    )  # fmt: skip
    plain = f"example,news)/x 20250421093000 {STORY} text/html 200 D1 9\n"
    expected = [CdxCapture(STORY, "20250421093000", 200, "text/html", "D1")]
    assert parse(lines) == parse(plain) == expected


def test_damaged_rows_are_left_out_and_a_foreign_answer_is_an_error() -> None:
    lines = '{"timestamp": "2025", "url": "https://a.example/x"}\nnot json\n'
    assert parse(lines + json.dumps({"timestamp": "20250421093000", "url": STORY})) == [
        CdxCapture(STORY, "20250421093000", None, None, None)
    ]
    assert parse("") == []
    with pytest.raises(ArchiveError):
        parse("[not json")
    with pytest.raises(ArchiveError):
        parse('{"broken": ')
    with pytest.raises(ArchiveError, match="not a CDX answer"):
        parse("<!doctype html><html><body>Welcome to our archive</body></html>\n")
    assert parse('[["urlkey", "timestamp", "original"]]') == []  # the IA's empty answer


def test_replay_addresses() -> None:
    assert replay_prefix("https://web.archive.org/cdx/search/cdx") == "https://web.archive.org/web/"
    assert replay_prefix("http://127.0.0.1:8080/news/cdx") == "http://127.0.0.1:8080/news/"
    with pytest.raises(ArchiveError, match="--replay"):
        replay_prefix("https://archive.example/index")
    capture = parse(IA_ANSWER)[0]
    assert replay_url("https://web.archive.org/web/", capture) == (
        f"https://web.archive.org/web/20250421093000id_/{STORY}"
    )
    rewritten = "https://web.archive.org/web/20250421183000id_/https://news.example/?from=x"
    assert original_of(rewritten) == ("https://news.example/?from=x", "20250421183000")
    assert original_of("https://news.example/") == ("https://news.example/", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-04-21", "20250421"), ("2025-04-21T14:05", "202504211405"), ("20250421", "20250421")],
)
def test_dates_for_from_and_to(text: str, expected: str) -> None:
    assert cdx_timestamp(text) == expected


def test_a_date_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="not a date"):
        cdx_timestamp("yesterday")
