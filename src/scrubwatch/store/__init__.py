"""Persistence: the database of outlets, articles, captures, versions and changes, and the
WARC archive of raw responses beside it.

Callers hold a `Store` (the Protocol in `interface`); `open_store` is the one place that
builds the SQLAlchemy implementation.
"""

from __future__ import annotations

from scrubwatch.config import Settings
from scrubwatch.errors import StoreUnavailable
from scrubwatch.store.interface import Store
from scrubwatch.store.records import CheckRecord, StaleCheck, StoredBody
from scrubwatch.store.sql import SqlStore


def open_store(settings: Settings) -> Store:
    """Open (and migrate) the database the settings point at."""
    if settings.db is None:
        try:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file in the way, a read-only disk, no permission
            raise StoreUnavailable(f"cannot use data directory {settings.data_dir}: {exc}") from exc
    # Typed as `Store`: mypy proves here that SqlStore has every method of the Protocol.
    store: Store = SqlStore.open(settings.database_url)
    return store


__all__ = ["CheckRecord", "SqlStore", "StaleCheck", "Store", "StoredBody", "open_store"]
