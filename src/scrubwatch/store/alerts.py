"""Storage of alert rules and their queued deliveries (a mixin of `SqlStore`)."""

from __future__ import annotations

from sqlalchemy import Engine


class StoreAlerts:
    """Alert rules and the delivery queue."""

    engine: Engine
