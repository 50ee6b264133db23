"""Settings: one object, read once, passed down.

Layers, lowest first: built-in defaults < TOML file < `SCRUBWATCH_*` environment < CLI flags.
This is the only module that reads the environment; everything else receives a `Settings`.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir, user_data_dir

from scrubwatch.errors import ConfigError
from scrubwatch.network import (
    OutletNetwork,
    as_lines,
    check_proxy,
    cookie_item,
    header_line,
)

ENV_PREFIX = "SCRUBWATCH_"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutletPolicy:
    """Per-outlet overrides (TOML `[outlets."host"]` tables); the network ones are checked
    and explained in scrubwatch.network."""

    interval_scale: float = 1.0  # multiplies every re-check interval: 0.5 = twice as often
    horizon_days: float | None = None
    min_host_delay: float | None = None
    proxy: tuple[str, ...] = ()  # tried in turn when one cannot be reached
    headers: tuple[str, ...] = ()  # "Name: value" lines
    cookies: tuple[str, ...] = ()  # "name=value" items
    user_agent: str | None = None
    fetcher: str = "http"  # "browser": rendered in Chromium (scrubwatch.browser)


@dataclass(frozen=True)
class Settings:
    """Everything a scrubwatch process can be told."""

    data_dir: Path = field(
        default_factory=lambda: Path(user_data_dir("scrubwatch", appauthor=False))
    )
    db: str | None = None  # SQLAlchemy URL; None means the SQLite file in data_dir
    user_agent: str = "scrubwatch/0.1 (+https://github.com/scrubwatch/scrubwatch)"
    contact: str | None = None  # a URL or e-mail added to the user agent so webmasters can reach us
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # whole fetch, so a server that dribbles bytes cannot hold us
    max_body_bytes: int = 15_000_000  # counted after decompression
    # Pages with more elements are recorded "too large to analyse in detail", not analysed:
    # the bound on what one page can cost (see extract.MAX_PAGE_ELEMENTS).
    max_page_elements: int = 8_000
    max_redirects: int = 10
    concurrency: int = 16  # fetches in flight across all hosts
    per_host_concurrency: int = 4
    min_host_delay: float = 0.0  # seconds between requests to one host; robots.txt may raise it
    # Seconds between requests to a web archive's CDX server and replay (import --cdx): public
    # archives are shared and slow to anger, so at least this much whatever min_host_delay says.
    archive_min_delay: float = 1.0
    # Hours between two looks at a watched archive's index (`watch --archive`).
    archive_check_hours: float = 6.0
    obey_robots: bool = True
    discover_interval_minutes: float = 15.0
    max_new_articles_per_source: int = 500  # cap per discovery pass, against runaway feeds
    # What one discovery pass may spend on one outlet (all its feeds, sitemaps and homepage):
    # sources past either limit wait for the next pass.
    discovery_max_bytes: int = 30_000_000
    discovery_seconds: float = 90.0
    horizon_days: float = 60.0  # stop re-checking articles older than this
    # A page that keeps failing (timeouts, 5xx) is reported gone only after this many failed
    # checks in a row spanning at least this many hours: outages are not deletions.
    gone_after_failures: int = 6
    gone_after_hours: float = 48.0
    # An outlet is "unreachable from here" after this many failed or blocked looks at two or
    # more of its articles with no answer in between: alerted once, and its articles are not
    # reported gone meanwhile (scrubwatch.store.outages).
    outlet_unreachable_checks: int = 5
    # Comma-separated groups; `|` joins the names of one thing: "Zangezur|Зангезур|Zəngəzur".
    watch_terms: tuple[str, ...] = ()
    # Removals of one story (or term group) by several outlets this close form a scrub wave.
    wave_window_hours: float = 24.0
    outlets: Mapping[str, OutletPolicy] = field(default_factory=dict)  # by host, e.g. "a.com"
    worker_stalled_seconds: float = 30.0  # a worker silent this long has died: retry its jobs
    base_url: str | None = None  # where people reach the web UI, for links in alerts
    alert_timeout: float = 10.0  # seconds per alert message
    alert_max_attempts: int = 10  # about four hours of retries with backoff
    web_host: str = "127.0.0.1"
    web_port: int = 8686
    web_token: str | None = None  # required when the web UI listens beyond loopback
    # Host names the web UI answers to besides loopback, IP addresses and base_url's host;
    # any other Host header is refused (a page that rebinds its name to us gets nothing).
    web_hosts: tuple[str, ...] = ()
    web_allow_private_targets: bool = False  # let the web form watch loopback/private hosts
    # Networks (CIDR) that web-added watches and alert targets may reach although they are
    # not public, e.g. "10.20.0.0/16" for a partner's intranet; everything else internal is
    # refused at connect time (scrubwatch.netguard).
    web_allowed_networks: tuple[str, ...] = ()
    debug: bool = False

    def policy_for(self, host: str) -> OutletPolicy:
        """The overrides for an outlet's host (with or without "www.")."""
        bare = host.removeprefix("www.")
        return self.outlets.get(host) or self.outlets.get(bare) or OutletPolicy()

    def network_for(self, host: str, stored_proxy: str | None = None) -> OutletNetwork:
        """How to reach an outlet: its policy's network settings; a proxy set with
        `watch --proxy` (stored with the outlet) comes before the file's."""
        policy = self.policy_for(host)
        proxies = policy.proxy
        if stored_proxy:
            proxies = (stored_proxy, *(p for p in proxies if p != stored_proxy))
        return OutletNetwork(
            host=host,
            proxies=proxies,
            headers=tuple(header_line(line) for line in policy.headers),
            cookies=tuple(cookie_item(item) for item in policy.cookies),
            user_agent=policy.user_agent,
        )

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL in use: `db` if set, else the SQLite file in `data_dir`."""
        return self.db or f"sqlite:///{self.data_dir / 'scrubwatch.db'}"

    @property
    def archive_dir(self) -> Path:
        """Where WARC files go: beside the database."""
        return self.data_dir / "warc"

    @property
    def full_user_agent(self) -> str:
        return f"{self.user_agent} {self.contact}" if self.contact else self.user_agent


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Build Settings from the layers; `overrides` are CLI flags (None values are ignored)."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = config_file or _default_config_file(env)
    named = config_file or (
        Path(env[ENV_PREFIX + "CONFIG"]) if env.get(ENV_PREFIX + "CONFIG") else None
    )
    if path is not None and path.exists():
        values.update(_read_toml(path))
    elif named is not None:  # named by --config or SCRUBWATCH_CONFIG: it must be there
        raise ConfigError(f"config file not found: {named}")
    values.update(_from_env(env))
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return _coerce(values)


def environment_names_a_proxy(environ: Mapping[str, str] | None = None) -> bool:
    """Whether HTTP(S)_PROXY, ALL_PROXY or the like is set: httpx routes a client through
    it, but only a client that builds its own transport (see `fetch.Fetcher`)."""
    env = os.environ if environ is None else environ
    return any(name.lower().endswith("_proxy") and value for name, value in env.items())


def cache_dir() -> Path:
    """The user's cache directory for scrubwatch (XDG_CACHE_HOME on Linux): things that are
    only kept to be quicker, such as the uncompressed language model."""
    return Path(user_cache_dir("scrubwatch", appauthor=False))


def _default_config_file(env: Mapping[str, str]) -> Path | None:
    if env.get(ENV_PREFIX + "CONFIG"):
        return Path(env[ENV_PREFIX + "CONFIG"])
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "scrubwatch" / "config.toml"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc


# SCRUBWATCH_* variables that are not settings: the config file's path, and the test and
# benchmark knobs (SCRUBWATCH_TEST_POSTGRES, SCRUBWATCH_BENCH_DATA, ...).
_NOT_SETTINGS = ("CONFIG", "TEST_", "BENCH_")


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    known = {f.name for f in fields(Settings)}
    out: dict[str, Any] = {}
    for key, value in env.items():
        if key.startswith(ENV_PREFIX):
            name = key[len(ENV_PREFIX) :].lower()
            if name in known:
                out[name] = value
            elif not key[len(ENV_PREFIX) :].startswith(_NOT_SETTINGS):
                log.warning("ignoring %s: there is no setting %r", key, name)
    return out


def _coerce(values: Mapping[str, Any]) -> Settings:
    """Turn strings from env/TOML into the field types; unknown keys are an error."""
    defaults = Settings()
    by_name = {f.name: f for f in fields(Settings)}
    changes: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in by_name:
            raise ConfigError(f"unknown setting: {name}")
        current = getattr(defaults, name)
        try:
            changes[name] = _convert(raw, current, name)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"bad value for {name}: {_shown(name, raw)}({exc})") from None
    settings = replace(defaults, **changes)
    for name in changes:
        problem = _out_of_range(name, getattr(settings, name))
        if problem:
            raise ConfigError(f"bad value for {name}: {_shown(name, values[name])}({problem})")
    return settings


def _shown(name: str, raw: Any) -> str:
    """The value as an error message may quote it: never the outlet tables, whose proxies may
    hold a password (their errors name the outlet and the key instead)."""
    return "" if name == "outlets" else f"{raw!r} "


# Limits every value must keep, so that a typo fails at start with its name instead of
# hanging a pass (concurrency 0), overflowing time arithmetic (1e308 days) or breaking the
# HTTP requests (a newline in the user agent).
_AT_LEAST_ONE = {
    "concurrency",
    "per_host_concurrency",
    "max_body_bytes",
    "max_page_elements",
    "max_new_articles_per_source",
    "discovery_max_bytes",
    "gone_after_failures",
    "outlet_unreachable_checks",
    "alert_max_attempts",
}
_ABOVE_ZERO = {
    "archive_check_hours",
    "connect_timeout",
    "read_timeout",
    "total_timeout",
    "discovery_seconds",
    "discover_interval_minutes",
    "horizon_days",
    "worker_stalled_seconds",
    "alert_timeout",
    "wave_window_hours",
}
_MAX_NUMBER = 10_000_000.0  # seconds, minutes, hours or days: more is a typo
_ONE_LINE = {"user_agent", "contact", "base_url", "web_token", "web_host", "db"}


def _out_of_range(name: str, value: Any) -> str | None:
    """Why a converted value cannot be used, or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if name == "web_port" and not 1 <= value <= 65535:
            return "must be a port number, 1 to 65535"
        if value > _MAX_NUMBER and name not in ("max_body_bytes", "discovery_max_bytes"):
            return f"must be at most {_MAX_NUMBER:g}"
        if name in _AT_LEAST_ONE and value < 1:
            return "must be at least 1"
        if name in _ABOVE_ZERO and value <= 0:
            return "must be above zero"
        if value < 0:
            return "must not be negative"
    if name in _ONE_LINE and isinstance(value, str) and any(ord(c) < 32 for c in value):
        return "must be one line without control characters"
    return _bad_structure(name, value)


def _bad_structure(name: str, value: Any) -> str | None:
    """What is wrong inside a setting made of parts (networks, outlet tables), or None."""
    if name == "web_allowed_networks":
        return _bad_network(value)
    if name == "outlets":
        for host, policy in value.items():
            if not all(math.isfinite(v) and 0 <= v <= _MAX_NUMBER for v in _numbers(policy)):
                return f"outlet {host}: values must be finite numbers from 0 to {_MAX_NUMBER:g}"
    return None


_NUMERIC = ("interval_scale", "horizon_days", "min_host_delay")


def _bad_network(items: tuple[str, ...]) -> str | None:
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            return f"{item!r} is not a network such as 10.20.0.0/16"
    return None


def _numbers(policy: OutletPolicy) -> list[float]:
    return [v for v in (getattr(policy, name) for name in _NUMERIC) if v is not None]


def _outlet_policies(raw: Any) -> dict[str, OutletPolicy]:
    if not isinstance(raw, Mapping):
        raise ValueError("expected a table of outlets")
    known = {f.name for f in fields(OutletPolicy)}
    policies = {}
    for host, table in raw.items():
        if not isinstance(table, Mapping) or set(table) - known:
            raise ValueError(f"outlet {host}: known keys are {', '.join(sorted(known))}")
        try:
            policies[str(host).lower()] = _outlet_policy(table)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"outlet {host}: {exc}") from None
    return policies


def _outlet_policy(table: Mapping[str, Any]) -> OutletPolicy:
    """One outlet's table, every value checked: a bad proxy or header stops the command
    with one line naming the outlet and the key, never a failing fetch later."""
    values: dict[str, Any] = {k: float(v) for k, v in table.items() if k in _NUMERIC}
    if "proxy" in table:
        values["proxy"] = tuple(check_proxy(p) for p in as_lines(table["proxy"], ""))
    if "headers" in table:
        values["headers"] = as_lines(table["headers"], ": ")
        for line in values["headers"]:
            header_line(line)
    if "cookies" in table:
        values["cookies"] = as_lines(table["cookies"], "=")
        for item in values["cookies"]:
            cookie_item(item)
    if "fetcher" in table:
        if table["fetcher"] not in ("http", "browser"):
            raise ValueError("fetcher is 'http' or 'browser'")
        values["fetcher"] = table["fetcher"]
    if "user_agent" in table:
        agent = table["user_agent"]
        if not isinstance(agent, str) or not agent.strip() or any(ord(c) < 32 for c in agent):
            raise ValueError("user_agent must be one line of text")
        values["user_agent"] = agent
    return OutletPolicy(**values)


def _convert(raw: Any, current: Any, name: str) -> Any:
    if name == "outlets":
        return _outlet_policies(raw)
    if name == "db":
        return str(raw) if raw else None
    if name in ("contact", "web_token", "base_url"):
        return str(raw) if raw else None
    if isinstance(current, bool):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
            raise ValueError("expected a boolean")
        return text in {"1", "true", "yes", "on"}
    if isinstance(current, Path):
        return Path(raw).expanduser()
    if isinstance(current, tuple):
        items = raw.split(",") if isinstance(raw, str) else list(raw)
        return tuple(str(i).strip() for i in items if str(i).strip())
    if isinstance(current, int):
        return int(raw)
    if isinstance(current, float):
        value = float(raw)
        if value < 0:
            raise ValueError("must not be negative")
        return value
    return str(raw)
