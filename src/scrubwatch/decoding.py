"""Content-Encoding decoding with a hard cap on the output, applied while streaming.

httpx decodes gzip, deflate and brotli chunk by chunk, but one 64 KB chunk of a compression
bomb can unpack to tens of megabytes in a single call. Here every decompressor call is told
how much output it may produce, so memory stays bounded by the body cap whatever arrives.
"""

from __future__ import annotations

import zlib
from typing import Protocol

import brotli

from scrubwatch.errors import ProtocolFailure, TooLarge


class _Step(Protocol):
    def feed(self, data: bytes, limit: int) -> bytes: ...


class _Zlib:
    """gzip or deflate (zlib-wrapped, or raw as some servers send it)."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._obj = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes, limit: int) -> bytes:
        try:
            out = self._inflate(data, limit)
        except zlib.error:
            if self._gzip or self._started:
                raise
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate
            out = self._inflate(data, limit)
        self._started = True
        return out

    def _inflate(self, data: bytes, limit: int) -> bytes:
        parts = [self._obj.decompress(data, limit + 1)]
        size = len(parts[0])
        while self._obj.unconsumed_tail and size <= limit:
            parts.append(self._obj.decompress(self._obj.unconsumed_tail, limit + 1 - size))
            size += len(parts[-1])
        return b"".join(parts)


class _Brotli:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def feed(self, data: bytes, limit: int) -> bytes:
        parts = [self._obj.process(data, output_buffer_limit=limit + 1)]
        size = len(parts[0])
        while not self._obj.can_accept_more_data() and size <= limit:
            parts.append(self._obj.process(b"", output_buffer_limit=limit + 1 - size))
            size += len(parts[-1])
        return b"".join(parts)


class _Identity:
    def feed(self, data: bytes, limit: int) -> bytes:
        return data


def _step(name: str) -> _Step:
    if name in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if name == "deflate":
        return _Zlib(gzip=False)
    if name == "br":
        return _Brotli()
    return _Identity()  # identity, or a coding we do not know: keep the bytes as they are


class BoundedDecoder:
    """Undoes a Content-Encoding chain; raises TooLarge once output passes `cap` bytes."""

    def __init__(self, content_encoding: str | None, cap: int) -> None:
        names = [n.strip().lower() for n in (content_encoding or "").split(",") if n.strip()]
        self._steps = [_step(n) for n in reversed(names)]  # the last applied is undone first
        self._cap = cap
        self._size = 0

    def feed(self, chunk: bytes) -> bytes:
        """Decode one raw chunk."""
        data = chunk
        for step in self._steps:
            try:
                data = step.feed(data, self._cap - self._size)
            except (zlib.error, brotli.error) as exc:
                raise ProtocolFailure(f"broken content encoding: {exc}") from exc
            if len(data) > self._cap - self._size:
                break
        self._size += len(data)
        if self._size > self._cap:
            raise TooLarge(f"body passed the {self._cap}-byte cap (after decompression)")
        return data
