"""Reading a WARC file someone else wrote: which captures it holds, then one body at a time.

An import reads each file twice. The scan streams every record once, keeps only what the
pipeline can use (HTML pages, 404/410 answers, redirects) as small `ArchivedCapture`
entries without bodies, and proves each kept record whole; the import then reads each body
back by its offset, in time order per URL. So a crawl of many gigabytes never sits in
memory, and the order of records in the files does not matter.

warcio is lenient: it reads a text file as a series of empty records, and a record cut
short as a short one. Neither is acceptable evidence, so a file must start like a WARC
("WARC/1.x", gzipped or not), and a record whose block ends before its Content-Length says
is reported as truncated. A file that breaks half-way keeps the records read before the
damage: they are whole, and the error names the file and where it broke.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_datetime

from scrubwatch.errors import ArchiveError

_CHUNK = 1 << 16
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_GONE = frozenset({404, 410})
_OG_ARTICLE = re.compile(rb"<meta[^>]+og:type[^>]+content=[\"']article", re.IGNORECASE)
_HTML_TYPES = ("html", "xml")


@dataclass(frozen=True, slots=True)
class ArchivedCapture:
    """One archived HTTP response worth importing, without its body."""

    url: str  # WARC-Target-URI
    date: datetime  # WARC-Date, aware UTC
    status: int
    source: str  # the file as the user named it (a WACZ, not the WARC inside it)
    path: Path | None  # the WARC file holding the record; None when fetched from a replay
    offset: int
    record_type: str  # "response" or "revisit"
    body_sha256: str | None  # of the decoded body; None for a revisit (its original has it)
    payload_digest: str | None  # WARC-Payload-Digest: how a revisit names its original
    content_type: str | None
    location: str | None  # a redirect's target, absolute
    says_article: bool = False  # the page declares og:type "article"


@dataclass
class FileScan:
    """What one WARC file held: the captures kept, records read, and what broke, if anything."""

    source: str
    captures: list[ArchivedCapture] = field(default_factory=list)
    records: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ArchivedBody:
    """An archived response read back: what the pipeline gets instead of a live fetch."""

    status: int
    reason: str
    http_version: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


def scan_warc(path: Path, source: str) -> FileScan:
    """Every usable capture in a WARC (or WARC.gz) file; never raises for a bad file."""
    scan = FileScan(source)
    try:
        _check_magic(path)
        with path.open("rb") as f:
            iterator = ArchiveIterator(f, check_digests=False)
            for record in iterator:
                found = _capture(record, path, source)
                _read_whole(record)
                scan.records += 1
                if found is not None:
                    # Only now: warcio reads the record to its end to tell where it began.
                    scan.captures.append(replace(found, offset=iterator.get_record_offset()))
            _check_end(f, iterator.offset)
    except ArchiveError as exc:
        scan.error = _where(scan, str(exc))
    except OSError as exc:
        scan.error = f"cannot read it: {exc.strerror or exc}"
    except Exception as exc:  # warcio and zlib break in many ways on damaged files
        scan.error = _where(scan, _corrupt(exc))
    return scan


def read_body(capture: ArchivedCapture, max_bytes: int) -> ArchivedBody:
    """The record of `capture` read back, with its body decoded (chunking and gzip undone).

    Raises ArchiveError when the record is no longer readable or its body exceeds
    `max_bytes` (the same cap as a live fetch).
    """
    if capture.path is None:
        raise ArchiveError(f"{capture.url} at {capture.date}: not a record of a file")
    try:
        with capture.path.open("rb") as f:
            f.seek(capture.offset)
            record = next(iter(ArchiveIterator(f, check_digests=False)), None)
            if record is None or record.http_headers is None:
                raise ArchiveError(f"no record at offset {capture.offset}")
            body = record.content_stream().read(max_bytes + 1)
            if len(body) > max_bytes:
                raise ArchiveError(f"body larger than max_body_bytes ({max_bytes})")
            http = record.http_headers
            return ArchivedBody(
                status=int(http.get_statuscode()),
                reason=str(http.statusline).partition(" ")[2],
                http_version=str(http.protocol or "HTTP/1.1"),
                headers=tuple((str(k), str(v)) for k, v in http.headers),
                body=bytes(body),
            )
    except ArchiveError:
        raise
    except Exception as exc:
        raise ArchiveError(f"{capture.source}: record at {capture.offset}: {exc}") from exc


def _check_magic(path: Path) -> None:
    """Refuse a file that does not start like a WARC, plain or gzipped."""
    with path.open("rb") as f:
        head = f.read(_CHUNK)
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 16)
        except zlib.error as exc:
            raise ArchiveError(f"not a WARC file (broken gzip: {exc})") from exc
    if not head.startswith(b"WARC/"):
        raise ArchiveError("not a WARC file")


def _read_whole(record: Any) -> None:
    """Read the rest of the record's block; raise when it ends before its Content-Length."""
    stream = record.raw_stream
    while stream.read(_CHUNK):
        pass
    if getattr(stream, "limit", 0) > 0:
        raise ArchiveError("truncated (a record ends before its Content-Length)")


def _check_end(f: Any, end: int) -> None:
    """warcio stops quietly at a record cut inside its header: bytes after the last whole
    record (other than blank lines) are one."""
    f.seek(end)
    rest = f.read(_CHUNK)
    if rest.strip():
        raise ArchiveError("truncated (the file ends inside a record)")


def _capture(record: Any, path: Path, source: str) -> ArchivedCapture | None:
    """The record as a capture to import, or None when the pipeline has no use for it."""
    if record.rec_type not in ("response", "revisit") or record.http_headers is None:
        return None
    http = record.http_headers
    try:
        status = int(http.get_statuscode())
    except (TypeError, ValueError):
        return None
    content_type = http.get_header("Content-Type")
    location = http.get_header("Location")
    url = str(record.rec_headers.get_header("WARC-Target-URI") or "").strip("<> ")
    if not url or not usable(status, content_type, location):
        return None
    body_sha = says_article = None
    if record.rec_type == "response":
        body = record.content_stream().read()
        body_sha = hashlib.sha256(body).hexdigest()
        says_article = declares_article(body)
    return ArchivedCapture(
        url=url,
        date=_date(record.rec_headers.get_header("WARC-Date")),
        status=status,
        source=source,
        path=path,
        offset=-1,  # set by the caller once the record has been read
        record_type=str(record.rec_type),
        body_sha256=body_sha,
        payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
        content_type=content_type,
        location=urljoin(url, location.strip()) if location and status in _REDIRECTS else None,
        says_article=bool(says_article),
    )


def declares_article(body: bytes) -> bool:
    """The page says it is an article (og:type "article") near its start."""
    return bool(_OG_ARTICLE.search(body[: _CHUNK * 4]))


def usable(status: int, content_type: str | None, location: str | None) -> bool:
    """HTML pages, 404 and 410 answers, and redirects that say where to."""
    if status in _GONE:
        return True
    if status in _REDIRECTS:
        return bool(location and location.strip())
    kind = (content_type or "text/html").lower()
    return status == 200 and any(k in kind for k in _HTML_TYPES)


def _date(text: str | None) -> datetime:
    if not text:
        raise ArchiveError("a record without WARC-Date")
    try:
        moment: datetime = iso_date_to_datetime(text.strip())
    except (TypeError, ValueError) as exc:
        raise ArchiveError(f"a record with a bad WARC-Date: {text!r}") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _corrupt(exc: Exception) -> str:
    """One line for a file warcio could not read on."""
    text = " ".join(str(exc).split())
    if "non-chunked gzip" in text:
        # The one damage with a known cure: gzip run over the whole file at once.
        return (
            "gzipped as one stream, not record by record "
            "(`warcio recompress FILE NEW_FILE` makes a WARC.gz that can be imported)"
        )
    return f"corrupt ({type(exc).__name__}: {text[:200]})"


def _where(scan: FileScan, what: str) -> str:
    if scan.records == 0:
        return what
    return f"{what} after {scan.records} whole record(s), which were still imported"
