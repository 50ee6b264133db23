"""WARC records as bytes: built for the archive to append, parsed when it reads one back.

Every record is one gzip member (so a record can be read alone from its offset) with SHA-256
digests. The archived HTTP headers describe the body as kept, which the fetcher has already
decoded: wire encodings are dropped, Content-Length is the decoded length, and the server's
original Content-Encoding survives in `ORIGINAL_ENCODING_HEADER` (see `store.warc`).
"""

from __future__ import annotations

import base64
import hashlib
import io
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from scrubwatch import __version__

ORIGINAL_ENCODING_HEADER = "X-Scrubwatch-Original-Content-Encoding"

# Headers describing the bytes on the wire, which are not the bytes we keep.
_WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})

# zlib's level for a record. warcio's writer compresses at 9, which costs twice the CPU of
# gzip's default 6 for files 1% smaller (`bench/bench_warc_gzip.py`); on a re-check of an
# unchanged article it was the dearest step after the fetch.
GZIP_LEVEL = 6


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest of a body: `sha256:` and the base32 of its SHA-256."""
    return "sha256:" + base64.b32encode(hashlib.sha256(body).digest()).decode("ascii")


@dataclass(frozen=True, slots=True)
class ArchivedResponse:
    """One archived record read back: a full response, or a revisit with an empty body."""

    record_type: str  # "response" or "revisit"
    url: str
    date: datetime  # WARC-Date, aware UTC, whole seconds
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    reason: str = ""
    http_version: str = "HTTP/1.1"
    payload_digest: str | None = None
    refers_to_uri: str | None = None  # revisits only: the capture holding the body
    refers_to_date: datetime | None = None


class _Sha256Writer(WARCWriter):  # type: ignore[misc]
    """warcio's writer with SHA-256 block and payload digests."""

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


_BUILDER = _Sha256Writer(None, gzip=True)  # builds records only; `serialize` writes them


def http_headers(
    status: int,
    reason: str,
    headers: Iterable[tuple[str, str]],
    body_length: int | None,
    http_version: str,
) -> StatusAndHeaders:
    """The archived header block: wire encodings removed, length true to the kept body."""
    kept: list[tuple[str, str]] = []
    encodings: list[str] = []
    for name, value in headers:
        lowered = name.strip().lower()
        if lowered == "content-encoding":
            encodings.append(value.strip())
        if lowered in _WIRE_HEADERS or lowered == ORIGINAL_ENCODING_HEADER.lower():
            continue
        kept.append((_clean(name), _clean(value)))
    if body_length is not None:
        kept.append(("Content-Length", str(body_length)))
    if any(encodings):
        kept.append((ORIGINAL_ENCODING_HEADER, _clean(", ".join(e for e in encodings if e))))
    statusline = f"{status} {_clean(reason)}".rstrip()
    return StatusAndHeaders(statusline, kept, protocol=_clean(http_version) or "HTTP/1.1")


def response(url: str, fetched_at: datetime, http: StatusAndHeaders, body: bytes) -> object:
    """A `response` record: headers as `http_headers` made them and the decoded body."""
    return _with_body(url, "response", fetched_at, body, http_headers=http)


def revisit(
    url: str,
    fetched_at: datetime,
    http: StatusAndHeaders,
    digest: str,
    refers_to_uri: str,
    refers_to_date: datetime,
) -> object:
    """A `revisit` record (identical payload digest) pointing at the capture with the body."""
    return _BUILDER.create_revisit_record(
        url,
        digest,
        refers_to_uri,
        _warc_date(refers_to_date, "refers_to_date"),
        http_headers=http,
        warc_headers_dict={"WARC-Date": _warc_date(fetched_at, "fetched_at")},
    )


def resource(uri: str, fetched_at: datetime, content_type: str, body: bytes) -> object:
    """A `resource` record: something scrubwatch made, e.g. the DOM a browser rendered."""
    return _with_body(uri, "resource", fetched_at, body, warc_content_type=content_type)


def _with_body(uri: str, kind: str, fetched_at: datetime, body: bytes, **extra: Any) -> object:
    return _BUILDER.create_warc_record(
        uri,
        kind,
        payload=io.BytesIO(body),
        length=len(body),
        warc_headers_dict={"WARC-Date": _warc_date(fetched_at, "fetched_at")},
        **extra,
    )


def request(
    url: str,
    fetched_at: datetime,
    headers: Sequence[tuple[str, str]],
    http_version: str,
    concurrent_to: str,
) -> object:
    """The GET that got a response, as a `request` record pointing at it."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    protocol = _clean(http_version) or "HTTP/1.1"
    http = StatusAndHeaders(
        f"GET {_clean(target)} {protocol}",
        [(_clean(k), _clean(v)) for k, v in headers],
        is_http_request=True,
    )
    return _BUILDER.create_warc_record(
        url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=http,
        warc_headers_dict={
            "WARC-Date": _warc_date(fetched_at, "fetched_at"),
            "WARC-Concurrent-To": concurrent_to,
        },
    )


def warcinfo(filename: str, moment: datetime) -> object:
    """The `warcinfo` record that opens every file: who wrote it, and how bodies are kept."""
    fields = {
        "software": f"scrubwatch/{__version__} (warcio)",
        "format": "WARC File Format 1.0",
        "conformsTo": "http://iipc.github.io/warc-specifications/specifications/warc-format/"
        "warc-1.0/",
        "description": "Raw responses captured by scrubwatch. Bodies are stored decoded: "
        f"Content-Encoding is removed and kept in {ORIGINAL_ENCODING_HEADER}.",
    }
    payload = "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode("utf-8")
    return _BUILDER.create_warc_record(
        "",
        "warcinfo",
        payload=io.BytesIO(payload),
        length=len(payload),
        warc_headers_dict={
            "WARC-Date": _warc_date(moment, "fetched_at"),
            "WARC-Filename": filename,
        },
    )


def serialize(record: object) -> bytes:
    """One record as one gzip member, built outside the archive's lock and file."""
    buffer = io.BytesIO()
    _Sha256Writer(buffer, gzip=False).write_record(record)
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return compressor.compress(buffer.getvalue()) + compressor.flush()


def parse(data: bytes) -> ArchivedResponse:
    """A response or revisit record read back from its bytes (ValueError for anything else;
    broken bytes break warcio in its own ways, which callers treat alike)."""
    records = ArchiveIterator(io.BytesIO(data), check_digests=False)
    record = next(iter(records), None)
    if record is None or record.rec_type not in ("response", "revisit"):
        kind = "nothing" if record is None else f"a {record.rec_type} record"
        raise ValueError(f"expected a response or revisit record, found {kind}")
    warc = record.rec_headers
    http = record.http_headers
    body = record.raw_stream.read() if record.rec_type == "response" else b""
    refers_date = warc.get_header("WARC-Refers-To-Date")
    # warcio keeps the protocol apart: the statusline is "200 OK".
    reason = str(http.statusline).partition(" ")[2]
    return ArchivedResponse(
        record_type=str(record.rec_type),
        url=str(warc.get_header("WARC-Target-URI")),
        date=_parse_date(str(warc.get_header("WARC-Date"))),
        status=int(http.get_statuscode()),
        headers=tuple((str(k), str(v)) for k, v in http.headers),
        body=bytes(body),
        reason=reason,
        http_version=str(http.protocol),
        payload_digest=warc.get_header("WARC-Payload-Digest"),
        refers_to_uri=warc.get_header("WARC-Refers-To-Target-URI"),
        refers_to_date=_parse_date(refers_date) if refers_date else None,
    )


def _warc_date(moment: datetime, what: str) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware (UTC), got a naive datetime")
    return str(datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None)))


def _clean(text: str) -> str:
    """Header text on one line: a stray CR or LF would split the record's header block."""
    return text.replace("\r", " ").replace("\n", " ")


def _parse_date(text: str) -> datetime:
    parsed: datetime = iso_date_to_datetime(text)
    return parsed.replace(tzinfo=UTC)
