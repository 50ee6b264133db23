"""Which route a request takes, and what a failed one is recorded as.

An outlet with several proxies uses one until it cannot be reached, then the next
(`ProxyRing`). Every httpx failure becomes one of the `FetchError` subtree here, with the
proxy named only as `redact_proxy` writes it and any credential scrubbed from the text.
"""

from __future__ import annotations

import logging
import re

import httpx

from scrubwatch.errors import (
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    InvalidURL,
    ProtocolFailure,
)
from scrubwatch.network import OutletNetwork

_AUTH = re.compile(r" auth=.*$", re.DOTALL)


class _NoProxyAuth(logging.Filter):
    """httpcore's debug trace of a SOCKS handshake prints its arguments, the proxy's user
    name and password among them (`auth=(b'user', b'password')`, always the last one):
    that part of the line is cut before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if " auth=" in message:
            record.msg, record.args = _AUTH.sub(" auth=…", message), None
        return True


logging.getLogger("httpcore.socks").addFilter(_NoProxyAuth())

# Failures of the connection itself (the proxy's, with a proxy): the next proxy may do.
UNREACHED = (httpx.ProxyError, httpx.ConnectError, httpx.ConnectTimeout)


class ProxyRing:
    """An outlet's proxy clients, and which one is in use: a proxy that cannot be reached
    hands over to the next, which stays in use until it fails in turn."""

    def __init__(self, clients: list[httpx.AsyncClient], names: list[str]) -> None:
        self.clients = clients
        self.names = names  # redacted, for errors and `doctor`
        self.current = 0


def fetch_error(
    exc: httpx.HTTPError | httpx.InvalidURL, net: OutletNetwork | None, proxy: str | None
) -> FetchError:
    """The FetchError an httpx error is recorded as; never a proxy credential in it."""
    text = net.scrub(str(exc)) if net else str(exc)
    via = f" (via proxy {proxy})" if proxy else ""
    if isinstance(exc, httpx.TimeoutException):
        return FetchTimeout(f"timed out: {type(exc).__name__}{via}")
    if isinstance(exc, httpx.DecodingError):
        return ProtocolFailure(f"broken content encoding: {text}")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return InvalidURL(text)
    if isinstance(exc, httpx.RemoteProtocolError):
        return ProtocolFailure(f"malformed HTTP: {text}")
    return ConnectionFailed(f"{type(exc).__name__}: {text}{via}")
