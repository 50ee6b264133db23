"""Each outlet's learned page chrome, loaded from the store on first use and saved back
after every pass (not after every check: the state is tens of kilobytes). Several worker
processes may learn the same outlet: each save merges into what is stored, so a block one
worker learned is not lost when another saves."""

from __future__ import annotations

import functools
import logging
import time

from scrubwatch.extract.chrome import ChromeModel
from scrubwatch.model import Document
from scrubwatch.store import Store

log = logging.getLogger(__name__)


class ChromeModels:
    """Per-host ChromeModels; used from the processing thread only, so no locking."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._models: dict[str, ChromeModel] = {}
        self._dirty: set[str] = set()
        self._flushed_at = time.monotonic()

    def for_host(self, host: str) -> ChromeModel:
        model = self._models.get(host)
        if model is None:
            model = self._load(host)
            self._models[host] = model
        return model

    def observe(self, host: str, article_url: str, document: Document) -> None:
        """Learn from one freshly extracted article (its raw paragraphs)."""
        self.for_host(host).observe(article_url, document.paragraphs)
        self._dirty.add(host)

    def flush(self) -> None:
        """Save the models that learned something since the last flush, each merged with
        what other processes (workers) saved for the same outlet meanwhile."""
        for host in sorted(self._dirty):
            self._store.update_chrome(host, functools.partial(_merged, self._models[host]))
        self._dirty.clear()
        self._flushed_at = time.monotonic()

    def flush_every(self, seconds: float) -> None:
        """Flush, unless the last flush was less than `seconds` ago (long-running workers)."""
        if time.monotonic() - self._flushed_at >= seconds:
            self.flush()

    def _load(self, host: str) -> ChromeModel:
        outlet = self._store.outlet(host)
        if outlet is None or not outlet.chrome:
            return ChromeModel()
        try:
            return ChromeModel.from_json(outlet.chrome)
        except ValueError:
            log.warning("learned chrome of %s is unreadable; starting afresh", host)
            return ChromeModel()


def _merged(model: ChromeModel, stored: dict[str, object] | None) -> dict[str, object]:
    """`model` after absorbing the stored model's learned blocks, as JSON-ready data."""
    if stored:
        try:
            model.absorb(ChromeModel.from_json(stored))
        except ValueError:
            log.warning("stored chrome is unreadable; replacing it")
    return model.to_json()
