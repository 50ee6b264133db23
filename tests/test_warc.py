"""The WARC archive keeps raw responses readable by us and by any standard WARC reader."""

from __future__ import annotations

import errno
import gzip
import io
import os
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from scrubwatch.errors import StorageError, StoreUnavailable
from scrubwatch.model import WarcRef
from scrubwatch.store.warc import WarcArchive
from scrubwatch.store.warc_records import payload_digest

T0 = datetime(2024, 3, 5, 14, 30, 15, tzinfo=UTC)
HTML = (
    b"<html><body><h1>Minister resigns</h1><p>The minister resigned on Tuesday.</p></body></html>"
)
EDITED = HTML.replace(b"resigned", b"stepped down")
FEED = b'<?xml version="1.0"?><rss><channel><title>Example</title></channel></rss>'

WIRE_HEADERS = (
    ("Content-Type", "text/html; charset=utf-8"),
    ("Content-Encoding", "gzip"),
    ("Transfer-Encoding", "chunked"),
    ("Content-Length", "57"),
    ("Last-Modified", "Tue, 05 Mar 2024 14:00:00 GMT"),
)


def _write(archive: WarcArchive, url: str, body: bytes, when: datetime) -> WarcRef:
    return archive.write_response(
        url=url, fetched_at=when, status=200, reason="OK", headers=WIRE_HEADERS, body=body
    )


def _records(path: Path) -> list[tuple[str, str | None, str | None, bytes]]:
    """Every record of a file, read by warcio alone with digest checking on."""
    found = []
    with path.open("rb") as f:
        for rec in ArchiveIterator(f, check_digests="raise"):
            uri = rec.rec_headers.get_header("WARC-Target-URI")
            digest = rec.rec_headers.get_header("WARC-Payload-Digest")
            found.append((rec.rec_type, uri, digest, rec.content_stream().read()))
    return found


def test_responses_and_revisit_round_trip(tmp_path: Path) -> None:
    urls = ["https://news.example/a", "https://news.example/b", "https://news.example/feed"]
    bodies = [HTML, EDITED, FEED]
    with WarcArchive(tmp_path) as archive:
        refs = [
            _write(archive, url, body, T0 + timedelta(minutes=i))
            for i, (url, body) in enumerate(zip(urls, bodies, strict=True))
        ]
        revisit_ref = archive.write_revisit(
            url=urls[0],
            fetched_at=T0 + timedelta(hours=1),
            status=200,
            reason="OK",
            headers=WIRE_HEADERS,
            payload_digest=payload_digest(HTML),
            refers_to_uri=urls[0],
            refers_to_date=T0,
            body_length=len(HTML),
        )
        for i, ref in enumerate(refs):
            got = archive.read(ref)
            assert got.record_type == "response"
            assert (got.url, got.status, got.reason, got.body) == (urls[i], 200, "OK", bodies[i])
            assert got.date == T0 + timedelta(minutes=i)
            assert got.payload_digest == payload_digest(bodies[i])
            assert got.headers == (
                ("Content-Type", "text/html; charset=utf-8"),
                ("Last-Modified", "Tue, 05 Mar 2024 14:00:00 GMT"),
                ("Content-Length", str(len(bodies[i]))),
                ("X-Scrubwatch-Original-Content-Encoding", "gzip"),
            )
        revisit = archive.read(revisit_ref)
    assert revisit.record_type == "revisit"
    assert revisit.body == b""
    assert (revisit.refers_to_uri, revisit.refers_to_date) == (urls[0], T0)
    assert revisit.payload_digest == payload_digest(HTML)
    assert ("Content-Length", str(len(HTML))) in revisit.headers
    assert revisit.date == T0 + timedelta(hours=1)


def test_file_is_standard_warc_for_independent_readers(tmp_path: Path) -> None:
    with WarcArchive(tmp_path) as archive:
        _write(archive, "https://news.example/a", HTML, T0)
        _write(archive, "https://news.example/b", EDITED, T0)
        archive.write_revisit(
            url="https://news.example/a",
            fetched_at=T0 + timedelta(hours=2),
            status=200,
            reason="OK",
            headers=[("Content-Type", "text/html")],
            payload_digest=payload_digest(HTML),
            refers_to_uri="https://news.example/a",
            refers_to_date=T0,
        )
    (path,) = tmp_path.iterdir()
    assert path.name == f"scrubwatch-20240305143015-{os.getpid()}-00000.warc.gz"
    records = _records(path)
    assert [(kind, uri) for kind, uri, _, _ in records] == [
        ("warcinfo", None),
        ("response", "https://news.example/a"),
        ("response", "https://news.example/b"),
        ("revisit", "https://news.example/a"),
    ]
    assert records[1][2] == records[3][2] == payload_digest(HTML)
    assert records[2][2] == payload_digest(EDITED)
    # The archived headers no longer claim gzip, so a replaying reader gets the body as is.
    assert records[1][3] == HTML


def test_each_record_is_its_own_gzip_member(tmp_path: Path) -> None:
    with WarcArchive(tmp_path) as archive:
        ref = _write(archive, "https://news.example/a", HTML, T0)
    raw = (tmp_path / ref.filename).read_bytes()[ref.offset : ref.offset + ref.length]
    assert gzip.decompress(raw).startswith(b"WARC/1.0\r\n")


def test_rotation_starts_a_new_file_and_old_refs_still_read(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, max_file_bytes=1500, prefix="test") as archive:
        refs = [
            _write(archive, f"https://news.example/{i}", HTML + bytes([65 + i]) * 400, T0)
            for i in range(6)
        ]
        files = sorted(p.name for p in tmp_path.iterdir())
        assert len(files) >= 2
        assert {ref.filename for ref in refs} == set(files)
        assert all(name.startswith("test-20240305143015-") for name in files)
        for i, ref in enumerate(refs):
            assert archive.read(ref).body == HTML + bytes([65 + i]) * 400
    for name in files:
        kinds = [kind for kind, *_ in _records(tmp_path / name)]
        assert kinds[0] == "warcinfo"
        assert kinds.count("warcinfo") == 1


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, max_file_bytes=200_000)
    refs: list[tuple[int, int, WarcRef]] = []
    refs_lock = threading.Lock()

    def worker(n: int) -> None:
        for i in range(50):
            body = f"<p>thread {n} record {i}</p>".encode() * (1 + i % 7)
            ref = _write(archive, f"https://news.example/{n}/{i}", body, T0)
            with refs_lock:
                refs.append((n, i, ref))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    archive.close()
    assert len(refs) == 400
    for n, i, ref in refs:
        got = archive.read(ref)
        assert got.url == f"https://news.example/{n}/{i}"
        assert got.body == f"<p>thread {n} record {i}</p>".encode() * (1 + i % 7)
    responses = [r for p in tmp_path.iterdir() for r in _records(p) if r[0] == "response"]
    assert len(responses) == 400


def test_nothing_is_created_until_a_record_is_written(tmp_path: Path) -> None:
    target = tmp_path / "warc"
    with WarcArchive(target):
        pass
    assert not target.exists()


def test_close_then_write_opens_a_fresh_file(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path)
    first = _write(archive, "https://news.example/a", HTML, T0)
    archive.close()
    second = _write(archive, "https://news.example/b", EDITED, T0)
    archive.close()
    assert first.filename != second.filename
    assert archive.read(first).body == HTML
    assert archive.read(second).body == EDITED


def test_naive_datetimes_are_refused(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path)
    with pytest.raises(ValueError, match="timezone-aware"):
        _write(archive, "https://news.example/a", HTML, datetime(2024, 3, 5, 14, 30))
    with pytest.raises(ValueError, match="timezone-aware"):
        archive.write_revisit(
            url="https://news.example/a",
            fetched_at=T0,
            status=200,
            reason="OK",
            headers=[],
            payload_digest=payload_digest(HTML),
            refers_to_uri="https://news.example/a",
            refers_to_date=datetime(2024, 3, 5, 14, 30),
        )
    assert list(tmp_path.iterdir()) == []


def test_other_timezones_are_archived_in_utc(tmp_path: Path) -> None:
    paris = timezone(timedelta(hours=1))
    with WarcArchive(tmp_path) as archive:
        ref = _write(
            archive, "https://news.example/a", HTML, datetime(2024, 3, 5, 15, 30, 15, tzinfo=paris)
        )
        assert archive.read(ref).date == T0
    assert ref.filename.startswith("scrubwatch-20240305143015-")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a read-only directory")
def test_unwritable_directory_is_a_storage_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(StorageError, match="cannot create a WARC file"):
            _write(WarcArchive(locked), "https://news.example/a", HTML, T0)
    finally:
        locked.chmod(0o700)


def test_directory_that_is_a_file_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "warc"
    blocker.write_text("not a directory")
    with pytest.raises(StorageError, match="cannot create a WARC file"):
        _write(WarcArchive(blocker), "https://news.example/a", HTML, T0)


class _DiskFullFile:
    """A file that takes part of a record and then reports a full disk."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def write(self, data: memoryview) -> int:
        self.real.write(bytes(data[:40]))
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_failed_write_leaves_a_readable_file_and_moves_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with WarcArchive(tmp_path) as archive:
        first = _write(archive, "https://news.example/a", HTML, T0)
        monkeypatch.setattr(archive, "_file", _DiskFullFile(archive._file))
        with pytest.raises(StoreUnavailable, match="No space left"):
            _write(archive, "https://news.example/b", EDITED, T0)
        later = _write(archive, "https://news.example/c", FEED, T0)
        assert archive.read(first).body == HTML
        assert archive.read(later).body == FEED
    assert later.filename != first.filename
    kinds = [kind for kind, *_ in _records(tmp_path / first.filename)]
    assert kinds == ["warcinfo", "response"]


def test_bad_references_are_storage_errors(tmp_path: Path) -> None:
    with WarcArchive(tmp_path) as archive:
        ref = _write(archive, "https://news.example/a", HTML, T0)
        with pytest.raises(StorageError, match="cannot read"):
            archive.read(WarcRef("missing.warc.gz", 0, 10))
        with pytest.raises(StorageError, match="names a path"):
            archive.read(WarcRef("../elsewhere.warc.gz", 0, 10))
        with pytest.raises(StorageError, match="truncated"):
            archive.read(WarcRef(ref.filename, ref.offset, ref.length + 10_000))
        with pytest.raises(StorageError, match="response or revisit"):
            archive.read(WarcRef(ref.filename, 0, ref.offset))  # the warcinfo record
        with pytest.raises(StorageError, match="unreadable"):
            archive.read(WarcRef(ref.filename, ref.offset + 3, ref.length - 3))


def test_payload_digest_is_base32_sha256() -> None:
    assert payload_digest(b"") == "sha256:4OYMIQUY7QOBJGX36TEJS35ZEQT24QPEMSNZGTFESWMRW6CSXBKQ===="


def test_the_request_is_archived_right_after_its_response(tmp_path: Path) -> None:
    """A response archived with the headers of its request gets a request record beside it
    (WARC-Concurrent-To it); one archived without has none, whatever follows it."""
    moment = datetime(2026, 4, 21, 9, 0, tzinfo=UTC)
    sent = [("Host", "news.example"), ("User-Agent", "scrubwatch/0.1"), ("If-None-Match", '"v1"')]
    with WarcArchive(tmp_path) as archive:
        asked = archive.write_response(
            url="https://news.example/a?id=7",
            fetched_at=moment,
            status=200,
            reason="OK",
            headers=[("Content-Type", "text/html")],
            body=b"<p>Story</p>",
            request_headers=sent,
        )
        bare = archive.write_response(
            url="https://news.example/b",
            fetched_at=moment,
            status=404,
            reason="Not Found",
            headers=[],
            body=b"",
        )
        archive.write_response(  # the next record after `bare` is a response with a request
            url="https://news.example/c",
            fetched_at=moment,
            status=200,
            reason="OK",
            headers=[],
            body=b"x",
            request_headers=sent,
        )
        assert archive.read(asked).status == 200  # the reference is still the response's
        ids = {}
        with (tmp_path / asked.filename).open("rb") as f:
            for record in ArchiveIterator(f):
                if record.rec_type == "response":
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    ids[url] = record.rec_headers.get_header("WARC-Record-ID")
        response_id = ids["https://news.example/a?id=7"]
        request = archive.request_after(asked, response_id)
        assert archive.request_after(bare, ids["https://news.example/b"]) is None
    assert request is not None
    [parsed] = list(ArchiveIterator(io.BytesIO(request)))
    assert parsed.rec_type == "request"
    assert parsed.rec_headers.get_header("WARC-Concurrent-To") == response_id
    assert parsed.http_headers.get_header("If-None-Match") == '"v1"'
    assert parsed.http_headers.statusline.endswith("/a?id=7 HTTP/1.1")
