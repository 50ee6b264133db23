"""The WARC archive: every capture's raw HTTP response, kept as evidence.

The database says what changed; the archive proves it. Each response (status line, headers,
body) goes into standard WARC files (ISO 28500, written with warcio) beside the database, so
any archive tool (pywb, ReplayWeb.page, warcio itself) can replay or audit them without
scrubwatch. A body already archived is not stored again: the later capture gets a `revisit`
record (profile identical-payload-digest) that points at the first copy.

What a replay tool sees is the payload *as the fetcher handed it over*, which is already
decoded (gzip, br and chunking undone). So the archived HTTP headers must not claim otherwise:
`Content-Encoding` and `Transfer-Encoding` are dropped, `Content-Length` is set to the decoded
length, and the server's original encoding survives in `X-Scrubwatch-Original-Content-Encoding`.
Every other header is kept in order (header text that is not ASCII is %-encoded by warcio).

Layout: one gzip member per record, so a record can be read alone by seeking to its offset
(what a `WarcRef` holds); a `warcinfo` record opens every file; files are named
`{prefix}-{UTC yyyymmddHHMMSS}-{pid}-{seq:05d}.warc.gz`. Each process writes its own files
(the pid is in the name, and files are created exclusively), so many workers can share one
directory. Within a process a lock keeps records of concurrent writers from interleaving.
Digests are SHA-256 (warcio's default is SHA-1).
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import io
import os
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from io import FileIO
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from scrubwatch import __version__
from scrubwatch.errors import StorageError, StoreUnavailable
from scrubwatch.model import WarcRef

ORIGINAL_ENCODING_HEADER = "X-Scrubwatch-Original-Content-Encoding"

# Headers describing the bytes on the wire, which are not the bytes we keep.
_WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})

# A pid could be reused by a later process; exclusive creation then moves on to the next
# sequence number instead of appending to another process's file. The bound only stops a loop.
_MAX_NAME_ATTEMPTS = 10_000


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


class WarcArchive:
    """Appends responses and revisits to rotating WARC files in one directory.

    Thread-safe. Nothing touches the disk until the first record is written; after `close`
    the next write opens a new file. Records are flushed to the operating system one by one,
    so a crashed process loses at most the record it was writing.
    """

    def __init__(
        self, directory: Path, *, max_file_bytes: int = 1_000_000_000, prefix: str = "scrubwatch"
    ) -> None:
        if max_file_bytes <= 0:
            raise ValueError("max_file_bytes must be positive")
        if not prefix or os.sep in prefix or "/" in prefix:
            raise ValueError(f"invalid WARC file prefix: {prefix!r}")
        self.directory = Path(directory)
        self.max_file_bytes = max_file_bytes
        self.prefix = prefix
        self._lock = threading.Lock()
        self._file: FileIO | None = None
        self._filename = ""
        self._pid = os.getpid()
        self._seq = 0

    def write_response(
        self,
        *,
        url: str,
        fetched_at: datetime,
        status: int,
        reason: str,
        headers: Sequence[tuple[str, str]],
        body: bytes,
        http_version: str = "HTTP/1.1",
        request_headers: Sequence[tuple[str, str]] | None = None,
    ) -> WarcRef:
        """Archive a full response whose `body` is the decoded payload; return where it went.

        With `request_headers`, the request that got it is archived right after it (see
        `request_after`)."""
        http = _http_headers(status, reason, headers, len(body), http_version)
        writer = _Sha256Writer(None, gzip=True)
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": _warc_date(fetched_at, "fetched_at")},
        )
        return self._append_exchange(record, url, fetched_at, request_headers, http_version)

    def write_resource(
        self, *, uri: str, fetched_at: datetime, content_type: str, body: bytes
    ) -> WarcRef:
        """Archive something scrubwatch made rather than received, e.g. the DOM a browser
        rendered (`urn:rendered:<url>`), as a `resource` record."""
        writer = _Sha256Writer(None, gzip=True)
        record = writer.create_warc_record(
            uri,
            "resource",
            payload=io.BytesIO(body),
            length=len(body),
            warc_content_type=content_type,
            warc_headers_dict={"WARC-Date": _warc_date(fetched_at, "fetched_at")},
        )
        return self._append(_serialize(record), fetched_at)

    def write_revisit(
        self,
        *,
        url: str,
        fetched_at: datetime,
        status: int,
        reason: str,
        headers: Sequence[tuple[str, str]],
        payload_digest: str,
        refers_to_uri: str,
        refers_to_date: datetime,
        http_version: str = "HTTP/1.1",
        body_length: int | None = None,
        request_headers: Sequence[tuple[str, str]] | None = None,
    ) -> WarcRef:
        """Archive a response whose body is already archived (identical payload digest).

        Give `body_length` (the decoded length) when known, so the archived Content-Length is
        true; without it the header is left out rather than copied from the wire.
        """
        http = _http_headers(status, reason, headers, body_length, http_version)
        writer = _Sha256Writer(None, gzip=True)
        record = writer.create_revisit_record(
            url,
            payload_digest,
            refers_to_uri,
            _warc_date(refers_to_date, "refers_to_date"),
            http_headers=http,
            warc_headers_dict={"WARC-Date": _warc_date(fetched_at, "fetched_at")},
        )
        return self._append_exchange(record, url, fetched_at, request_headers, http_version)

    def _append_exchange(
        self,
        response: object,
        url: str,
        fetched_at: datetime,
        request_headers: Sequence[tuple[str, str]] | None,
        http_version: str,
    ) -> WarcRef:
        """Append a response record and, when the request is known, its request record right
        after it in one write (nothing can come between); the reference is the response's."""
        data = _serialize(response)
        if request_headers is None:
            return self._append(data, fetched_at)
        response_id = response.rec_headers.get_header("WARC-Record-ID")  # type: ignore[attr-defined]
        request = _request_record(url, fetched_at, request_headers, http_version, response_id)
        ref = self._append(data + _serialize(request), fetched_at)
        return WarcRef(ref.filename, ref.offset, len(data))

    def request_after(self, ref: WarcRef, response_id: str) -> bytes | None:
        """The request record archived right after the response at `ref` (whose
        WARC-Record-ID is `response_id`), as one gzip member exactly as archived; None when
        the next record is not its request: captures archived before requests were kept."""
        try:
            with self._path(ref).open("rb") as f:
                f.seek(ref.offset + ref.length)
                head = f.read(_MAX_REQUEST_RECORD)
        except OSError:
            return None
        inflater = zlib.decompressobj(wbits=31)
        try:
            inflater.decompress(head)
        except zlib.error:
            return None
        if not inflater.eof:
            return None
        member = head[: len(head) - len(inflater.unused_data)]
        try:
            record = next(iter(ArchiveIterator(io.BytesIO(member))), None)
        except Exception:  # whatever follows may be no record at all (see `read`)
            return None
        if record is None or record.rec_type != "request":
            return None
        linked = record.rec_headers.get_header("WARC-Concurrent-To")
        return member if linked == response_id else None

    def read(self, ref: WarcRef) -> ArchivedResponse:
        """Read back the record a `WarcRef` points at."""
        data = self.raw(ref)
        try:
            return _parse_record(data)
        except Exception as exc:
            # Bytes that are not a record break warcio in many ways (seen: AttributeError,
            # ValueError, EOFError); to the caller every one means the same.
            raise StorageError(
                f"unreadable WARC record at {self._path(ref)}:{ref.offset}: {exc}"
            ) from exc

    def raw(self, ref: WarcRef) -> bytes:
        """The record's bytes exactly as archived (one gzip member), for copying it elsewhere
        (an evidence bundle) without re-encoding a byte."""
        path = self._path(ref)
        try:
            with path.open("rb") as f:
                f.seek(ref.offset)
                data = f.read(ref.length)
        except OSError as exc:
            raise StorageError(f"cannot read WARC record from {path}: {exc}") from exc
        if len(data) != ref.length:
            raise StorageError(f"WARC record at {path}:{ref.offset} is truncated")
        return data

    def _path(self, ref: WarcRef) -> Path:
        """The file a reference names, which must be a file of this archive's directory."""
        if Path(ref.filename).name != ref.filename or ref.filename in ("", ".", ".."):
            raise StorageError(f"WARC reference names a path, not a file: {ref.filename!r}")
        return self.directory / ref.filename

    def close(self) -> None:
        """Close the current file; safe to call twice."""
        with self._lock:
            self._close_current()

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _append(self, data: bytes, fetched_at: datetime) -> WarcRef:
        """Write one serialized record under the lock, rotating files as needed."""
        with self._lock:
            f = self._current_file(fetched_at)
            offset = f.tell()
            try:
                _write_all(f, data)
            except OSError as exc:
                # Cut the partial record off so the file stays readable to the end, and let
                # the next write start a fresh file rather than trust this one.
                with contextlib.suppress(OSError):
                    f.truncate(offset)
                self._drop_current()
                raise _write_error(f"cannot write WARC record to {self._filename}", exc) from exc
            ref = WarcRef(self._filename, offset, len(data))
            if offset + len(data) >= self.max_file_bytes:
                self._close_current()
            return ref

    def _current_file(self, fetched_at: datetime) -> FileIO:
        if self._file is not None and self._pid != os.getpid():
            # A forked child must not append to its parent's file: it gets its own.
            self._drop_current()
        if self._file is None:
            self._open_next(fetched_at)
        assert self._file is not None
        return self._file

    def _open_next(self, fetched_at: datetime) -> None:
        """Create the next file (named after the first record's time) and write its warcinfo."""
        self._pid = os.getpid()
        # The name's time comes from the injected clock via fetched_at, not from the wall.
        stamp = fetched_at.astimezone(UTC).strftime("%Y%m%d%H%M%S")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            f, name = self._create_exclusive(stamp)
        except OSError as exc:
            raise _write_error(f"cannot create a WARC file in {self.directory}", exc) from exc
        try:
            _write_all(f, _serialize(_warcinfo_record(name, fetched_at)))
        except OSError as exc:
            with contextlib.suppress(OSError):
                f.close()
                (self.directory / name).unlink()
            raise _write_error(f"cannot write WARC file {self.directory / name}", exc) from exc
        self._file, self._filename = f, name

    def _create_exclusive(self, stamp: str) -> tuple[FileIO, str]:
        for _ in range(_MAX_NAME_ATTEMPTS):
            name = f"{self.prefix}-{stamp}-{self._pid}-{self._seq:05d}.warc.gz"
            self._seq += 1
            try:
                # Unbuffered: each record goes to the OS whole, and nothing is left in a
                # buffer to be flushed (or lost) later.
                return (self.directory / name).open("xb", buffering=0), name
            except FileExistsError:
                continue
        raise StorageError(f"no free WARC file name in {self.directory} for {stamp}")

    def _close_current(self) -> None:
        f, self._file = self._file, None
        if f is not None:
            try:
                f.close()
            except OSError as exc:
                raise _write_error(f"cannot close WARC file {self._filename}", exc) from exc

    def _drop_current(self) -> None:
        """Forget the current file after a failure (or a fork), ignoring errors on close."""
        f, self._file = self._file, None
        if f is not None:
            with contextlib.suppress(OSError):
                f.close()


# Write failures that no other record could get past either: the disk or quota is full, the
# file system is read-only or failing, the directory refuses us. Another cause (a file name
# clash, one odd path) may be this record's alone.
_DISK_UNUSABLE = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EACCES, errno.EPERM}
)


def _write_error(what: str, exc: OSError) -> StorageError:
    """A write failure as StorageError, or StoreUnavailable when the disk itself is the
    problem: a check pass stops on that instead of failing every article in turn."""
    kind = StoreUnavailable if exc.errno in _DISK_UNUSABLE else StorageError
    return kind(f"{what}: {exc}")


def _write_all(f: FileIO, data: bytes) -> None:
    """Write every byte: a raw file may accept only part of a large write at a time."""
    view = memoryview(data)
    while view:
        written = f.write(view)
        if not written:
            raise OSError("the file accepted no bytes")
        view = view[written:]


def _warc_date(moment: datetime, what: str) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware (UTC), got a naive datetime")
    return str(datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None)))


def _clean(text: str) -> str:
    """Header text on one line: a stray CR or LF would split the record's header block."""
    return text.replace("\r", " ").replace("\n", " ")


def _http_headers(
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


def _warcinfo_record(filename: str, moment: datetime) -> object:
    fields = {
        "software": f"scrubwatch/{__version__} (warcio)",
        "format": "WARC File Format 1.0",
        "conformsTo": "http://iipc.github.io/warc-specifications/specifications/warc-format/"
        "warc-1.0/",
        "description": "Raw responses captured by scrubwatch. Bodies are stored decoded: "
        f"Content-Encoding is removed and kept in {ORIGINAL_ENCODING_HEADER}.",
    }
    payload = "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode("utf-8")
    writer = _Sha256Writer(None, gzip=True)
    return writer.create_warc_record(
        "",
        "warcinfo",
        payload=io.BytesIO(payload),
        length=len(payload),
        warc_headers_dict={
            "WARC-Date": _warc_date(moment, "fetched_at"),
            "WARC-Filename": filename,
        },
    )


# A request record is its headers only: a few kilobytes at most.
_MAX_REQUEST_RECORD = 64 * 1024


def _request_record(
    url: str,
    fetched_at: datetime,
    headers: Sequence[tuple[str, str]],
    http_version: str,
    concurrent_to: str,
) -> object:
    """The GET that got a response, as a WARC request record pointing at it."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    protocol = _clean(http_version) or "HTTP/1.1"
    http = StatusAndHeaders(
        f"GET {_clean(target)} {protocol}",
        [(_clean(k), _clean(v)) for k, v in headers],
        is_http_request=True,
    )
    writer = _Sha256Writer(None, gzip=True)
    return writer.create_warc_record(
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


# zlib's level for a record. warcio's writer compresses at 9, which costs twice the CPU of
# gzip's default 6 for files 1% smaller (`bench/bench_warc_gzip.py`); on a re-check of an
# unchanged article it was the dearest step after the fetch.
GZIP_LEVEL = 6


def _serialize(record: object) -> bytes:
    """One record as one gzip member, built outside the lock and the file."""
    buffer = io.BytesIO()
    _Sha256Writer(buffer, gzip=False).write_record(record)
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return compressor.compress(buffer.getvalue()) + compressor.flush()


def _parse_record(data: bytes) -> ArchivedResponse:
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


def _parse_date(text: str) -> datetime:
    parsed: datetime = iso_date_to_datetime(text)
    return parsed.replace(tzinfo=UTC)
