"""How watching each outlet goes, as `outlets`, `/api/outlets` and the outlets page show it.

One report per outlet: its sources, articles and changes, when it was last checked, the
share of failed looks over the last week, whether it is unreachable from here and since
when (scrubwatch.store.outages), and how it is reached: its network settings as a person
may see them (proxies without credentials, header and cookie names without values).
Synchronous store reads: async callers run `outlet_reports` in a thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from scrubwatch.config import Settings
from scrubwatch.model import Outlet
from scrubwatch.serialize import iso
from scrubwatch.store import Store
from scrubwatch.store.records import Outage, OutletHealth

HEALTH_WINDOW = timedelta(days=7)  # failure rates count the captures of the last week


@dataclass(frozen=True, slots=True)
class OutletReport:
    """One outlet's health, outage and network settings."""

    health: OutletHealth
    outage: Outage | None
    network: dict[str, Any]  # OutletNetwork.described(): nothing secret in it
    web_added: bool
    proxy_refused: bool  # added on the web with a proxy configured: every request refused

    @property
    def blocked_since(self) -> datetime | None:
        return self.outage.since if self.outage else None


def outlet_reports(store: Store, settings: Settings, now: datetime) -> list[OutletReport]:
    """Every outlet, by host."""
    outages = {o.host: o for o in store.outlet_outages(settings.outlet_unreachable_checks)}
    outlets = {o.host: o for o in store.outlets()}
    return [
        _report(health, outages.get(health.host), outlets.get(health.host), settings)
        for health in store.outlet_health(now - HEALTH_WINDOW)
    ]


def _report(
    health: OutletHealth, outage: Outage | None, outlet: Outlet | None, settings: Settings
) -> OutletReport:
    network = settings.network_for(health.host, outlet.proxy if outlet else None)
    web_added = bool(outlet and outlet.web_added)
    refused = web_added and bool(network.proxies) and not settings.web_allow_private_targets
    described = {**network.described(), "fetcher": settings.policy_for(health.host).fetcher}
    return OutletReport(health, outage, described, web_added, refused)


def report_to_json(report: OutletReport) -> dict[str, Any]:
    """An outlet as `outlets --json` and `/api/outlets` give it."""
    health, outage = report.health, report.outage
    return {
        "host": health.host,
        "homepage": health.homepage,
        "sources": health.sources,
        "last_discovered_at": _when(health.last_discovered_at),
        "last_checked_at": _when(health.last_checked_at),
        "articles": health.articles,
        "changes": health.changes,
        "recent_captures": health.recent_captures,
        "recent_failures": health.recent_failures,
        "failure_rate": health.failure_rate,
        "blocked_since": _when(report.blocked_since),
        "unreachable": None
        if outage is None
        else {
            "since": iso(outage.since),
            "last_check": iso(outage.last_at),
            "checks": outage.checks,
            "blocked": outage.blocked,
            "articles": outage.articles,
            "summary": outage.what,
        },
        "network": report.network,
        "web_added": report.web_added,
        "proxy_refused": report.proxy_refused,
    }


def _when(moment: datetime | None) -> str | None:
    return iso(moment) if moment else None
