"""WARC records as an evidence bundle needs them: read from raw bytes, written, indexed.

Records copied from the archive stay the exact gzip members scrubwatch wrote (so their
digests can be checked against the running archive byte for byte); only the screenshots are
new records, `resource` records with a `urn:screenshot:<url>` target as Browsertrix writes
them. The index is CDXJ (`<SURT> <timestamp> <json>`), the form pywb and ReplayWeb.page read.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter


@dataclass(frozen=True, slots=True)
class RecordInfo:
    """What one WARC record says about itself, and where it sits in its file."""

    offset: int
    length: int
    record_id: str
    record_type: str
    url: str
    date: datetime
    status: int | None
    mime: str  # bare media type, lowercased
    content_type: str  # as the record says it, charset included
    payload: bytes  # the HTTP body of a response, the block of a resource, b"" otherwise
    payload_digest: str | None
    digests_ok: bool | None  # warcio's check of the block and payload digests, None if absent
    refers_to_uri: str | None = None
    refers_to_date: str | None = None


class _Sha256Writer(WARCWriter):  # type: ignore[misc]
    """warcio's writer with SHA-256 digests, like the archive's own records."""

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


def read_records(data: bytes) -> Iterator[RecordInfo]:
    """Every record of a WARC file's bytes, in order, with its digests checked by warcio."""
    iterator = ArchiveIterator(io.BytesIO(data), check_digests=True)
    for record in iterator:
        payload = record.raw_stream.read() if record.rec_type in ("response", "resource") else b""
        # Whatever is left of the block must be consumed for the digest check to finish.
        record.raw_stream.read()
        yield _info(record, iterator.get_record_offset(), iterator.get_record_length(), payload)


def _info(record: Any, offset: int, length: int, payload: bytes) -> RecordInfo:
    warc = record.rec_headers
    http = record.http_headers
    status = None
    mime = str(warc.get_header("Content-Type") or "")
    if http is not None and record.rec_type in ("response", "revisit"):
        status = int(http.get_statuscode())
        mime = str(http.get_header("Content-Type") or "")
    checker = record.digest_checker
    return RecordInfo(
        offset=offset,
        length=length,
        record_id=str(warc.get_header("WARC-Record-ID")),
        record_type=str(record.rec_type),
        url=str(warc.get_header("WARC-Target-URI") or ""),
        date=iso_date_to_datetime(str(warc.get_header("WARC-Date"))).replace(tzinfo=UTC),
        status=status,
        mime=mime.split(";")[0].strip().lower(),
        content_type=mime,
        payload=payload,
        payload_digest=warc.get_header("WARC-Payload-Digest"),
        digests_ok=checker.passed,
        refers_to_uri=warc.get_header("WARC-Refers-To-Target-URI"),
        refers_to_date=warc.get_header("WARC-Refers-To-Date"),
    )


def only_record(data: bytes) -> RecordInfo:
    """The single record one archived gzip member holds."""
    found = list(read_records(data))
    if len(found) != 1:
        raise ValueError(f"expected one WARC record, found {len(found)}")
    return found[0]


def screenshot_record(url: str, moment: datetime, png: bytes) -> bytes:
    """A full-page screenshot as a WARC `resource` record (one gzip member)."""
    writer = _Sha256Writer(None, gzip=True)
    record = writer.create_warc_record(
        f"urn:screenshot:{url}",
        "resource",
        payload=io.BytesIO(png),
        length=len(png),
        warc_content_type="image/png",
        warc_headers_dict={
            "WARC-Date": datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None))
        },
    )
    buffer = io.BytesIO()
    _Sha256Writer(buffer, gzip=True).write_record(record)
    return buffer.getvalue()


def warcinfo_record(moment: datetime, filename: str, fields: dict[str, str]) -> bytes:
    """The `warcinfo` record that opens a WARC file the bundle writes itself."""
    payload = "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode("utf-8")
    writer = _Sha256Writer(None, gzip=True)
    record = writer.create_warc_record(
        "",
        "warcinfo",
        payload=io.BytesIO(payload),
        length=len(payload),
        warc_headers_dict={
            "WARC-Date": datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None)),
            "WARC-Filename": filename,
        },
    )
    buffer = io.BytesIO()
    _Sha256Writer(buffer, gzip=True).write_record(record)
    return buffer.getvalue()


def surt(url: str) -> str:
    """The SURT form of a URL that CDXJ indexes sort and look up by.

    The host is lowercased, a leading `www.` dropped and its labels reversed; query
    arguments are sorted; the whole key is lowercased (as the `surt` package does).
    """
    if url.startswith("urn:"):
        return url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    key = ",".join(reversed(host.split(".")))
    if parts.port is not None and parts.port != {"http": 80, "https": 443}.get(parts.scheme):
        key += f":{parts.port}"
    path = parts.path or "/"
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    return (key + ")" + path + ("?" + query if query else "")).lower()


def timestamp14(moment: datetime) -> str:
    """A WARC/CDX timestamp: `yyyymmddHHMMSS` in UTC."""
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def cdxj_line(info: RecordInfo, filename: str) -> str:
    """One CDXJ index line pointing at a record in `filename` of the bundle."""
    fields: dict[str, object] = {
        "url": info.url,
        "mime": "warc/revisit" if info.record_type == "revisit" else info.mime,
        "digest": info.payload_digest or "",
        "length": str(info.length),
        "offset": str(info.offset),
        "filename": filename,
        "recordId": info.record_id,
    }
    if info.status is not None:
        fields["status"] = str(info.status)
    line = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    return f"{surt(info.url)} {timestamp14(info.date)} {line}"


_CDXJ = re.compile(r"^(\S+) (\d{14}) (\{.*\})$")


def parse_cdxj(line: str) -> tuple[str, str, dict[str, object]]:
    """Split one CDXJ line into its key, timestamp and fields."""
    match = _CDXJ.match(line)
    if match is None:
        raise ValueError(f"not a CDXJ line: {line[:80]!r}")
    fields = json.loads(match.group(3))
    if not isinstance(fields, dict):
        raise ValueError("CDXJ fields are not an object")
    return match.group(1), match.group(2), fields


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of some bytes, hex (as the database keeps bodies' hashes)."""
    return hashlib.sha256(data).hexdigest()
