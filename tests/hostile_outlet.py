"""An outlet whose articles are hostile, next to good ones: bombs, dribbles, hangs, loops,
junk, legacy charsets and an enormous feed. Everything is generated, nothing is fetched."""

from __future__ import annotations

import gzip
import os
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli

UNPACKED = 60_000_000  # bombs unpack to 60 MB; the test caps bodies far below that
GZIP_BOMB = gzip.compress(b"\0" * UNPACKED, compresslevel=9)
DEFLATE_BOMB = zlib.compress(b"\0" * UNPACKED, 9)
BROTLI_BOMB = brotli.compress(b"\0" * UNPACKED, quality=5)
FEED_ITEMS = 15_000  # about 1.4 MB: under the test's body cap, far over the per-pass cap

GOOD_TEXT = (
    "Port authorities in Baku reported record cargo volumes on the trans-Caspian route this "
    "quarter, with container traffic between China and Europe rising sharply."
)
RUSSIAN_TITLE = "Китайские компании построят Зангезурский коридор"
RUSSIAN_TEXT = (
    "Власти Азербайджана сообщили, что китайские компании примут участие в строительстве "
    "транспортного коридора. Переговоры продолжатся в Пекине на следующей неделе."
)
JAPANESE_TITLE = "バクー港の貨物量が過去最高に"
JAPANESE_TEXT = "バクー港の貨物取扱量は今年過去最高を記録した。中国と欧州を結ぶ輸送が増えている。"
CHINESE_TITLE = "巴库港货运量创新高"
CHINESE_TEXT = "巴库港今年的货运量创下历史新高。中国与欧洲之间的运输持续增长。"


def article_html(title: str, text: str, charset: str = "utf-8", extra: str = "") -> str:
    paragraphs = "".join(f"<p>{text} ({i})</p>" for i in range(6))
    return (
        f'<html><head><meta charset="{charset}"><title>{title}</title>'
        f'<meta property="og:type" content="article"></head><body>{extra}'
        f"<article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


GOOD = {
    f"/news/good-market-report-{i}": article_html(f"Good report {i}", GOOD_TEXT) for i in range(3)
}
CHARSETS = {
    "/news/russian-report-cp1251": (RUSSIAN_TITLE, RUSSIAN_TEXT, "windows-1251"),
    "/news/japanese-report-sjis": (JAPANESE_TITLE, JAPANESE_TEXT, "shift_jis"),
    "/news/chinese-report-gbk": (CHINESE_TITLE, CHINESE_TEXT, "gbk"),
}
HOSTILE = [
    "/news/gzip-bomb-report",
    "/news/deflate-bomb-report",
    "/news/brotli-bomb-report",
    "/news/huge-body-report",
    "/news/dribbling-server-report",
    "/news/hanging-server-report",
    "/news/redirect-loop-report",
    "/news/pdf-instead-of-html",
    "/news/binary-junk-report",
]
NUL_PAGE = "/news/nul-bytes-broken-html"


class _Handler(BaseHTTPRequestHandler):
    stop: threading.Event

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path
        if path in GOOD:
            self._send(200, GOOD[path].encode(), "text/html; charset=utf-8")
        elif path in CHARSETS:
            title, text, charset = CHARSETS[path]
            self._send(200, article_html(title, text, charset).encode(charset), "text/html")
        elif path == NUL_PAGE:
            body = article_html("Report with NUL bytes", GOOD_TEXT + "\0").encode()
            self._send(200, body.replace(b"</article>", b"<div><span>\0\0"), "text/html")
        elif path == "/":
            self._send(200, self._homepage(), "text/html; charset=utf-8")
        elif path == "/feed.xml":
            self._send(200, self._huge_feed(), "application/rss+xml")
        else:
            self._hostile(path)

    def _hostile(self, path: str) -> None:
        actions: dict[str, Callable[[], None]] = {
            "/news/gzip-bomb-report": lambda: self._send(200, GZIP_BOMB, "text/html", "gzip"),
            "/news/deflate-bomb-report": lambda: self._send(
                200, DEFLATE_BOMB, "text/html", "deflate"
            ),
            "/news/brotli-bomb-report": lambda: self._send(200, BROTLI_BOMB, "text/html", "br"),
            "/news/huge-body-report": self._huge,
            "/news/dribbling-server-report": self._dribble,
            "/news/hanging-server-report": lambda: self.stop.wait(30),
            "/news/redirect-loop-report": lambda: self._loop("/news/redirect-loop-b"),
            "/news/redirect-loop-b": lambda: self._loop("/news/redirect-loop-report"),
            "/news/pdf-instead-of-html": lambda: self._send(
                200, b"%PDF-1.4 " + os.urandom(4000), "application/pdf"
            ),
            "/news/binary-junk-report": lambda: self._send(200, os.urandom(20000), "text/html"),
        }
        actions.get(path, lambda: self._send(404, b"not found", "text/plain"))()

    def _send(self, status: int, body: bytes, ctype: str, encoding: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def _homepage(self) -> bytes:
        paths = [*GOOD, *CHARSETS, *HOSTILE, NUL_PAGE]
        links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in paths)
        return (
            '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
            f"</head><body><ul>{links}</ul></body></html>"
        ).encode()

    def _huge_feed(self) -> bytes:
        items = "".join(
            f"<item><title>Item {i}</title><link>{'http://[broken' if i % 7 == 0 else ''}"
            f"/archive/item-number-{i}-of-many</link></item>"
            for i in range(FEED_ITEMS)
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()

    def _huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            for _ in range(60):
                self.wfile.write(b"<p>" + b"x" * 999_993 + b"</p>")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _dribble(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            while not self.stop.wait(0.2):
                self.wfile.write(b"<")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _loop(self, to: str) -> None:
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()


@contextmanager
def hostile_outlet() -> Iterator[str]:
    """Serve the hostile outlet on a free loopback port; yields its homepage URL."""
    stop = threading.Event()
    handler = type("Handler", (_Handler,), {"stop": stop})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        time.sleep(0.05)
