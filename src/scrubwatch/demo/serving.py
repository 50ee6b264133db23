"""The fake outlet's HTTP side: keep-alive connections, HEAD and GET, and a stop that hangs
up on every open connection (`FakeOutlet` decides what each request gets)."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol


@dataclass(frozen=True)
class Reply:
    """One answer: status, body and headers beyond Content-Type and Content-Length."""

    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


class Answering(Protocol):
    """What the server asks the outlet for each request."""

    only_from: str | None  # answer only connections from this address; None: any

    def consent_reply(self, raw_path: str, cookie: str) -> Reply | None: ...

    def serve(self, raw_path: str) -> Reply | None: ...


class _Handler(BaseHTTPRequestHandler):
    """Hands each GET/HEAD to the outlet over HTTP/1.1 keep-alive connections, as outlets do."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for the
    # client's delayed ACK (40 ms on Linux) on a kept-alive connection.
    disable_nagle_algorithm = True
    # An idle kept-alive connection (or a client that never speaks) is dropped after this.
    timeout = 5

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, *, send_body: bool) -> None:
        assert isinstance(self.server, OutletServer)
        outlet = self.server.outlet
        reply = outlet.consent_reply(self.path, self.headers.get("Cookie", ""))
        reply = reply or outlet.serve(self.path)
        if reply is None:
            self.close_connection = True
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", "max-age=60")
        for key, value in reply.headers:
            self.send_header(key, value)
        self.end_headers()
        if send_body:
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the tests and the demo print what they need themselves."""


class OutletServer(ThreadingHTTPServer):
    """A threading server that remembers its connections so stop() can close and join them."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], outlet: Answering) -> None:
        self.outlet = outlet
        self.workers: list[threading.Thread] = []
        self.connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def close_connections(self) -> None:
        """Hang up on every open connection: a stopped outlet must not answer kept-alive ones."""
        with self._connections_lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def verify_request(self, request: Any, client_address: Any) -> bool:
        only = self.outlet.only_from
        return only is None or client_address[0] == only

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self.connections.add(request)
        # Called from the serving thread only, so the list needs no lock.
        worker = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"fake-outlet-request-{self.server_address[1]}",
            daemon=True,
        )
        self.workers = [w for w in self.workers if w.is_alive()]
        self.workers.append(worker)
        worker.start()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-reply is normal for a test server; anything else is a bug.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)
