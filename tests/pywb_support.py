"""A real pywb on loopback, serving WARC files a test wrote (archive_support.write_warc): the
web archive the tests import from and watch.

pywb lives in a virtualenv of its own (`make test` makes it in .venv/pywb; the Makefile says
why): `SCRUBWATCH_TEST_PYWB` names that environment's `bin` directory. Without it the tests
that need pywb skip with the reason, except under CI=true, where they fail: CI must run them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest

# Read once, at import: the `cli` fixture clears SCRUBWATCH_* variables for each test.
_WHERE = os.environ.get("SCRUBWATCH_TEST_PYWB")


def pywb_bin() -> Path:
    """pywb's bin directory, or skip (fail under CI) naming what is missing."""
    where = _WHERE
    if where and (Path(where) / "wayback").exists():
        return Path(where)
    reason = "pywb not installed (`make test` installs it; or SCRUBWATCH_TEST_PYWB=<venv>/bin)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serving(warc: Path, root: Path) -> Iterator[Wayback]:
    """pywb on loopback serving one WARC, for the length of the block."""
    server = Wayback(pywb_bin(), root)
    server.add(warc)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Wayback:
    """pywb's `wayback` serving one collection from `root`; started by `start()`."""

    def __init__(self, bin_dir: Path, root: Path, collection: str = "news") -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.collection = collection
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        root.mkdir(parents=True, exist_ok=True)
        self._manager("init", collection)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.collection}"

    @property
    def cdx_url(self) -> str:
        return f"{self.base}/cdx"

    def add(self, warc: Path) -> None:
        """Copy a WARC into the collection and index it (pywb reads the index per query)."""
        self._manager("add", self.collection, str(warc))

    def forget(self, url: str, timestamp: str) -> None:
        """Take one capture out of the collection's index, as an archive removing it would."""
        for index in (self.root / "collections" / self.collection / "indexes").glob("*.cdxj"):
            lines = index.read_text("utf-8").splitlines(keepends=True)
            kept = [line for line in lines if not _is_capture(line, url, timestamp)]
            assert len(kept) < len(lines) or not lines, f"{url} at {timestamp} not indexed"
            index.write_text("".join(kept), "utf-8")

    def start(self) -> Wayback:
        self.process = subprocess.Popen(
            [str(self.bin_dir / "wayback"), "-p", str(self.port), "-b", "127.0.0.1"],
            cwd=self.root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{self.base}/cdx", params={"url": "x.invalid"}, timeout=5)
                return self
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("pywb did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def _manager(self, *args: str) -> None:
        command = [str(self.bin_dir / "wb-manager"), *args]
        subprocess.run(command, cwd=self.root, check=True, timeout=120, capture_output=True)


def _is_capture(line: str, url: str, timestamp: str) -> bool:
    _key, stamp, fields = [*line.split(" ", 2), "", ""][:3]
    if stamp != timestamp or not fields.strip():
        return False
    return bool(json.loads(fields).get("url") == url)


IA_FIELDS = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


class IaFront:
    """The Internet Archive's addresses and CDX format in front of a pywb collection.

    `/cdx/search/cdx` answers as the IA's CDX API does (one JSON array of arrays, the field
    names first) and `/web/TIMESTAMPid_/URL` replays, both from pywb. Test knobs: `broken`
    timestamps answer 503 with Retry-After: 0, `elsewhen` makes a timestamp's replay claim
    another Memento-Datetime; `asked` counts replay requests per timestamp; `page_rows` caps
    the rows of an answer asked with `limit` and `showResumeKey`, which then ends, as the
    IA's does, with an empty row and the resume key (opaque: here a row number in base 36,
    reversed); `cdx_queries` keeps every index query's parameters.
    """

    def __init__(self, wayback: Wayback, page_rows: int | None = None) -> None:
        self.wayback = wayback
        self.page_rows = page_rows
        self.cdx_queries: list[dict[str, str]] = []
        self.broken: set[str] = set()
        self.elsewhen: dict[str, str] = {}
        self.asked: dict[str, int] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def cdx_url(self) -> str:
        return f"{self.base}/cdx/search/cdx"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        front = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path
                if path.startswith("/cdx/search/cdx"):
                    self._send(200, [("Content-Type", "application/json")], front._cdx(path))
                elif path.startswith("/web/"):
                    front._replay(self, path.removeprefix("/web/"))
                else:
                    self._send(404, [], b"")

            def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def _cdx(self, path: str) -> bytes:
        asked = dict(parse_qsl(path.partition("?")[2]))
        self.cdx_queries.append(asked)
        paging = {"limit", "showResumeKey", "resumeKey"}
        query = urlencode({k: v for k, v in asked.items() if k not in paging})
        answer = httpx.get(f"{self.wayback.cdx_url}?{query}", timeout=10)
        rows = [json.loads(line) for line in answer.text.splitlines() if line.strip()]
        names = {"original": "url", "mimetype": "mime", "statuscode": "status"}
        table = [[row.get(names.get(f, f), "-") for f in IA_FIELDS] for row in rows]
        if "limit" not in asked:
            return json.dumps([IA_FIELDS, *table]).encode()
        start = int(asked.get("resumeKey", "0")[::-1], 36)
        end = start + min(int(asked["limit"]), self.page_rows or len(table))
        page: list[Any] = [IA_FIELDS, *table[start:end]]
        if end < len(table) and asked.get("showResumeKey") == "true":
            page += [[], [base36(end)[::-1]]]
        return json.dumps(page).encode()

    def _replay(self, handler: Any, rest: str) -> None:
        stamp = rest.partition("id_/")[0]
        self.asked[stamp] = self.asked.get(stamp, 0) + 1
        if stamp in self.broken:
            handler._send(503, [("Retry-After", "0")], b"busy")
            return
        answer = httpx.get(f"{self.wayback.base}/{rest}", timeout=10)
        keep = ("content-type", "location", "memento-datetime")
        headers = [(k, v) for k, v in answer.headers.items() if k.lower() in keep]
        if stamp in self.elsewhen:
            claimed = datetime.strptime(self.elsewhen[stamp], "%Y%m%d%H%M%S")
            headers = [(k, v) for k, v in headers if k.lower() != "memento-datetime"]
            headers.append(("Memento-Datetime", claimed.strftime("%a, %d %b %Y %H:%M:%S GMT")))
        handler._send(answer.status_code, headers, answer.content)


def base36(number: int) -> str:
    """`number` in base 36 (the fake resume key's digits)."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text
