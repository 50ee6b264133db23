"""Real proxies on loopback for the proxy tests: a SOCKS5 one and an HTTP one, both asking
for a user name and password, written here on asyncio (RFC 1928/1929; RFC 9110 forward
proxying) so that the tests depend on no proxy package.

Each proxy knows host names nobody else knows (`hosts`, e.g. "outlet.test" -> 127.0.0.2),
so a fetch of such a name succeeds only if the name was resolved at the proxy; and it
connects onwards from its own source address (127.0.0.3), the only peer the fake outlet
answers. A test that gets an article therefore proves the request went through the proxy.
This module holds no tests.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
import struct
import threading
from collections.abc import Coroutine
from typing import Any

PROXY_HOST = "127.0.0.1"
OUTLET_HOST = "127.0.0.2"  # where the fake outlet listens
SOURCE = "127.0.0.3"  # where the proxies connect from: the only peer the outlet answers
NAME = "outlet.test"  # the fake outlet's name, known to the proxies only
USER = "watcher"
PASSWORD = "Pr0xy-s3cret-9f2c"  # searched for in every output by the tests


class TestProxy:
    """A SOCKS5 (`kind="socks5"`) or HTTP (`kind="http"`) proxy in a thread of its own."""

    __test__ = False  # not a test class, whatever its name

    def __init__(
        self, kind: str, hosts: dict[str, str], *, password: str | None = PASSWORD
    ) -> None:
        """`password`: None for a proxy that asks for none (as Tor's SOCKS port)."""
        self.kind = kind
        self.hosts = hosts
        self.password = password
        self.requests: list[str] = []  # "host:port" per connection (socks) or request (http)
        self.refused_logins = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    def __enter__(self) -> TestProxy:
        self._thread.start()
        serve = self._socks if self.kind == "socks5" else self._http

        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self._writers.add(writer)
            try:
                await serve(reader, writer)
            finally:
                self._writers.discard(writer)

        self._server = self._call(asyncio.start_server(handler, PROXY_HOST, 0))
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._call(self._stop())  # on the proxy's own loop: asyncio is not thread-safe
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    async def _stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await asyncio.wait_for(self._server.wait_closed(), 5)

    def _call(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    def url(self, *, user: str = USER, password: str | None = None) -> str:
        scheme = "socks5h" if self.kind == "socks5" else "http"
        password = password or self.password
        login = f"{user}:{password}@" if password else ""
        return f"{scheme}://{login}{PROXY_HOST}:{self.port}"

    async def _onward(self, host: str, port: int) -> tuple[asyncio.StreamReader, Any]:
        address = self.hosts.get(host, host)
        return await asyncio.open_connection(address, port, local_addr=(SOURCE, 0))

    # -- SOCKS5 ----------------------------------------------------------------------------

    async def _socks(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            try:
                if await self._socks_login(reader, writer):
                    await self._socks_connect(reader, writer)
            finally:
                writer.close()

    async def _socks_login(self, reader: asyncio.StreamReader, writer: Any) -> bool:
        _version, count = await reader.readexactly(2)
        methods = await reader.readexactly(count)
        if self.password is None and 0 in methods:
            writer.write(b"\x05\x00")
            return True
        if 2 not in methods:  # username/password is required
            writer.write(b"\x05\xff")
            return False
        writer.write(b"\x05\x02")
        _sub, length = await reader.readexactly(2)
        user = (await reader.readexactly(length)).decode()
        (length,) = await reader.readexactly(1)
        password = (await reader.readexactly(length)).decode()
        if (user, password) != (USER, self.password):
            self.refused_logins += 1
            writer.write(b"\x01\x01")
            return False
        writer.write(b"\x01\x00")
        return True

    async def _socks_connect(self, reader: asyncio.StreamReader, writer: Any) -> None:
        _version, _command, _reserved, kind = await reader.readexactly(4)
        if kind == 3:
            (length,) = await reader.readexactly(1)
            host = (await reader.readexactly(length)).decode()
        else:
            size = 4 if kind == 1 else 16
            family = socket.AF_INET if kind == 1 else socket.AF_INET6
            host = socket.inet_ntop(family, await reader.readexactly(size))
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        self.requests.append(f"{host}:{port}")
        try:
            up_reader, up_writer = await self._onward(host, port)
        except OSError:
            writer.write(b"\x05\x04\x00\x01" + bytes(6))  # host unreachable
            return
        writer.write(b"\x05\x00\x00\x01" + socket.inet_aton(SOURCE) + b"\x00\x00")
        await _pipe(reader, writer, up_reader, up_writer)

    # -- HTTP forward proxy ----------------------------------------------------------------

    async def _http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One request at a time: each goes to its origin on a connection of its own."""
        with contextlib.suppress(OSError, asyncio.IncompleteReadError, ValueError):
            try:
                while await self._http_one(reader, writer):
                    pass
            finally:
                writer.close()

    async def _http_one(self, reader: asyncio.StreamReader, writer: Any) -> bool:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *lines = head.decode("latin-1").split("\r\n")
        method, target, version = request_line.split(" ")
        headers = [line.split(":", 1) for line in lines if line]
        expected = base64.b64encode(f"{USER}:{self.password}".encode()).decode()
        auth = next((v.strip() for k, v in headers if k.lower() == "proxy-authorization"), "")
        if self.password is not None and auth != f"Basic {expected}":
            self.refused_logins += 1
            writer.write(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
            return True
        assert target.startswith("http://"), target
        hostport, _, path = target.removeprefix("http://").partition("/")
        host, _, port = hostport.rpartition(":")
        self.requests.append(f"{host}:{port}")
        kept = [(k, v) for k, v in headers if not k.lower().startswith(("proxy-", "connection"))]
        forwarded = f"{method} /{path} {version}\r\n" + "".join(f"{k}:{v}\r\n" for k, v in kept)
        up_reader, up_writer = await self._onward(host, int(port))
        up_writer.write((forwarded + "Connection: close\r\n\r\n").encode("latin-1"))
        answer = await up_reader.read()
        up_writer.close()
        writer.write(answer)
        await writer.drain()
        return True


async def _pipe(
    reader: asyncio.StreamReader, writer: Any, up_reader: asyncio.StreamReader, up_writer: Any
) -> None:
    async def copy(source: asyncio.StreamReader, sink: Any) -> None:
        with contextlib.suppress(OSError):
            while chunk := await source.read(65536):
                sink.write(chunk)
                await sink.drain()
        with contextlib.suppress(OSError):
            sink.close()

    await asyncio.gather(copy(reader, up_writer), copy(up_reader, writer))
