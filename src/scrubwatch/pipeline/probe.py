"""Soft-404 probes: what a host serves for a URL that surely does not exist.

Many sites answer a missing article with status 200 and a "not found" page in their own
words. Comparing a suspect page with the page the same host gives for a random, surely-missing
URL catches that in any language. One probe per host, re-taken every few hours.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from scrubwatch.errors import FetchError
from scrubwatch.fetch import Fetcher
from scrubwatch.model import Document

PROBE_TTL = timedelta(hours=6)


class NotFoundProbes:
    """Per host, the extracted page a surely-missing URL gives (None when it is a real 404)."""

    def __init__(self, fetcher: Fetcher, now: Callable[[], datetime]) -> None:
        self._fetcher = fetcher
        self._now = now
        self._cache: dict[tuple[str, int], tuple[datetime, Document | None]] = {}
        # Probes in flight: the checks of a pass start together, and all wait for one probe.
        self._pending: dict[tuple[str, int], asyncio.Future[Document | None]] = {}

    async def document_for(self, url: str, fetcher: Fetcher | None = None) -> Document | None:
        """The probe page of `url`'s host, fetched at most once per PROBE_TTL, by the
        fetcher the article's own outlet uses (guarded, through its proxy: cached apart)."""
        parts = urlsplit(url)
        fetcher = fetcher or self._fetcher
        key = (f"{parts.scheme}://{parts.netloc.lower()}", id(fetcher))
        cached = self._cache.get(key)
        if cached is not None and self._now() - cached[0] < PROBE_TTL:
            return cached[1]
        pending = self._pending.get(key)
        if pending is None:
            pending = self._pending[key] = asyncio.ensure_future(self._probe_and_keep(key, fetcher))
        # shielded: a check cancelled while it waits does not cancel the others' probe
        return await asyncio.shield(pending)

    async def _probe_and_keep(self, key: tuple[str, int], fetcher: Fetcher) -> Document | None:
        try:
            document = await self._probe(key[0], fetcher)
            self._cache[key] = (self._now(), document)
            return document
        finally:
            del self._pending[key]

    async def _probe(self, origin: str, fetcher: Fetcher) -> Document | None:
        missing = f"{origin}/scrubwatch-probe-{secrets.token_hex(8)}"
        try:
            response = await fetcher.fetch(missing)
        except FetchError:
            return None
        if response.status != 200:
            return None  # the host answers missing pages honestly
        # Extraction is done here, on the event loop, because it happens once per host per
        # PROBE_TTL: not worth a trip through the processing thread.
        from scrubwatch.extract.document import extract_document  # loaded when first needed

        return extract_document(response.body, response.final_url, response.content_type)
