"""A tiny loopback server of hostile responses: redirect loops, gzip bombs, dribbling bodies."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BOMB = gzip.compress(b"\0" * 50_000_000, compresslevel=9)  # ~50 KB on the wire, 50 MB unpacked


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    robots: str | None = None
    log: list[tuple[float, str, dict[str, str]]]

    def do_GET(self) -> None:
        self.log.append((time.monotonic(), self.path, dict(self.headers.items())))
        routes = {
            "/ok": self._ok,
            "/chain": lambda: self._redirect("/hop"),
            "/hop": lambda: self._redirect("/ok"),
            "/loop-a": lambda: self._redirect("/loop-b"),
            "/loop-b": lambda: self._redirect("/loop-a"),
            "/bomb": self._bomb,
            "/big": self._big,
            "/dribble": self._dribble,
            "/ftp": lambda: self._redirect("ftp://127.0.0.1/file"),
            "/bad-port": lambda: self._redirect("http://127.0.0.1:99999/x"),
            "/bad-idna": lambda: self._redirect("http://xn--/news/some-long-slug"),
            "/static-article": lambda: self._static_article(etag=False),
            "/static-etag": lambda: self._static_article(etag=True),
            "/news/static-story": lambda: self._static_article(canonical="/news/static-story"),
            "/amp/static-story": lambda: self._static_article(canonical="/news/static-story"),
            "/robots.txt": self._robots,
            "/busy": self._busy,
        }
        routes.get(self.path, self._missing)()

    def _ok(self) -> None:
        body = b"<html><body><p>fine</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _static_article(self, *, etag: bool = False, canonical: str | None = None) -> None:
        """An article whose bytes never change, as a site without dynamic chrome serves it;
        with `etag`, it also answers conditional GETs with 304."""
        paragraphs = "".join(
            f"<p>Paragraph {i} of a static report on the port of Baku, which handled record "
            f"cargo volumes this year as trade between China and Europe grew.</p>"
            for i in range(8)
        )
        body = (
            "<html><head><title>Static report</title>"
            '<meta property="og:type" content="article">'
            + (f'<link rel="canonical" href="{canonical}">' if canonical else "")
            + "</head>"
            f"<body><article><h1>Static report</h1>{paragraphs}</article></body></html>"
        ).encode()
        if etag and self.headers.get("If-None-Match") == '"static-v1"':
            self.send_response(304)
            self.send_header("ETag", '"static-v1"')
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", '"static-v1"')
        self.end_headers()
        self.wfile.write(body)

    def _robots(self) -> None:
        if self.robots is None:
            self._missing()
            return
        body = self.robots.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _busy(self) -> None:
        self.send_response(503)
        self.send_header("Retry-After", "1")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _redirect(self, to: str) -> None:
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _bomb(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(BOMB)))
        self.end_headers()
        self.wfile.write(BOMB)

    def _big(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()  # no length: the client must count while streaming
        chunk = b"x" * 1_000_000
        try:
            for _ in range(30):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _dribble(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        try:
            for _ in range(1000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _missing(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()


@contextmanager
def hostile_server(
    robots: str | None = None, log: list[tuple[float, str, dict[str, str]]] | None = None
) -> Iterator[str]:
    """Serve the hostile routes on a free loopback port; yields the base URL.

    `robots` is the robots.txt to serve (404 when None); `log` collects (monotonic time,
    path, request headers) of every request.
    """
    handler = type("Handler", (_Handler,), {"robots": robots, "log": [] if log is None else log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
