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
Digests are SHA-256 (warcio's default is SHA-1). The records themselves are built and parsed
in `store.warc_records`; this module owns the files.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import threading
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from io import FileIO
from pathlib import Path
from types import TracebackType

from warcio.archiveiterator import ArchiveIterator

from scrubwatch.errors import StorageError, StoreUnavailable
from scrubwatch.model import WarcRef
from scrubwatch.store import warc_records as records
from scrubwatch.store.warc_records import ArchivedResponse

# A pid could be reused by a later process; exclusive creation then moves on to the next
# sequence number instead of appending to another process's file. The bound only stops a loop.
_MAX_NAME_ATTEMPTS = 10_000

# A request record is its headers only: a few kilobytes at most.
_MAX_REQUEST_RECORD = 64 * 1024


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
        http = records.http_headers(status, reason, headers, len(body), http_version)
        record = records.response(url, fetched_at, http, body)
        return self._append_exchange(record, url, fetched_at, request_headers, http_version)

    def write_resource(
        self, *, uri: str, fetched_at: datetime, content_type: str, body: bytes
    ) -> WarcRef:
        """Archive something scrubwatch made rather than received, e.g. the DOM a browser
        rendered (`urn:rendered:<url>`), as a `resource` record."""
        record = records.resource(uri, fetched_at, content_type, body)
        return self._append(records.serialize(record), fetched_at)

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
        http = records.http_headers(status, reason, headers, body_length, http_version)
        record = records.revisit(
            url, fetched_at, http, payload_digest, refers_to_uri, refers_to_date
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
        data = records.serialize(response)
        if request_headers is None:
            return self._append(data, fetched_at)
        response_id = response.rec_headers.get_header("WARC-Record-ID")  # type: ignore[attr-defined]
        request = records.request(url, fetched_at, request_headers, http_version, response_id)
        ref = self._append(data + records.serialize(request), fetched_at)
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
            return records.parse(data)
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
            _write_all(f, records.serialize(records.warcinfo(name, fetched_at)))
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
