"""Read-only queries for the faces (web UI, JSON API): listings, filters, search.

A mixin of `SqlStore`: methods here use `self.engine` and return domain objects or small
result dataclasses, never rows.
"""

from __future__ import annotations

from sqlalchemy import Engine


class StoreReads:
    """Queries used by the web UI and the JSON API."""

    engine: Engine
