"""How one outlet is reached: its proxies, extra headers and cookies, user agent. No I/O.

Many outlets people watch are out of reach from where their watchers sit (state media
blocked in the EU, sites that refuse foreign or datacenter addresses, consent walls in front
of every article). So each outlet may have, in the TOML file's `[outlets."host"]` table:

- `proxy`: an HTTP(S) or SOCKS5 proxy URL, or a list of them tried in turn when one cannot
  be reached. httpx hands host names to a SOCKS proxy unresolved (`socks5://` behaves as
  `socks5h://`), so a blocked name is never looked up from here;
- `headers`: "Name: value" lines (or a table) sent with the outlet's own requests;
- `cookies`: "name=value" items (or a table), e.g. the consent cookie its wall sets;
- `user_agent`: the outlet's own User-Agent (robots.txt is still read for `scrubwatch`).

Headers and cookies go only to the outlet's host and its subdomains, never to a host a
redirect or a feed leads elsewhere. A proxy's user name and password are secrets: every text
that may leave the process (logs, errors on captures, the web UI, `--json`) shows a proxy
through `redact_proxy`, and errors pass through `OutletNetwork.scrub`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an HTTP header name (RFC 9110)
# Headers the fetcher sets itself, or that would change how the request is framed.
_RESERVED = {"host", "content-length", "transfer-encoding", "connection", "cookie"}


def check_proxy(url: str) -> str:
    """The proxy URL if httpx can use it; ValueError saying why not (one line)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{redact_proxy(url)!r} is not a proxy URL ({exc})") from None
    if parts.scheme.lower() not in PROXY_SCHEMES:
        raise ValueError(
            f"{redact_proxy(url)!r}: a proxy URL starts with "
            + ", ".join(f"{s}://" for s in PROXY_SCHEMES)
        )
    if not parts.hostname or (port is None and parts.scheme.lower().startswith("socks")):
        raise ValueError(f"{redact_proxy(url)!r}: a proxy URL names a host and a port")
    if parts.path.strip("/") or parts.query or parts.fragment or _has_control(url):
        raise ValueError(f"{redact_proxy(url)!r}: a proxy URL is scheme://host:port only")
    return url.strip()


def has_credentials(url: str) -> bool:
    """Whether a proxy URL carries a user name or password."""
    return "@" in urlsplit(url).netloc


def redact_proxy(url: str) -> str:
    """The proxy URL without its user name and password, for every text a person reads."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(a malformed proxy URL)"
    hidden = "…@" if "@" in parts.netloc else ""
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{hidden}{host}{port}"


def header_line(line: str) -> tuple[str, str]:
    """("Name", "value") from "Name: value"; ValueError (one line) when it cannot be sent."""
    name, colon, value = line.partition(":")
    return check_header(name.strip(), value.strip()) if colon else _bad_header(line)


def _bad_header(line: str) -> tuple[str, str]:
    raise ValueError(f"header {line[:60]!r} is not a 'Name: value' line")


def check_header(name: str, value: str) -> tuple[str, str]:
    if not _TOKEN.match(name):
        raise ValueError(f"header name {name[:60]!r} is not a valid HTTP header name")
    if name.lower() in _RESERVED:
        raise ValueError(f"header {name!r} is set by scrubwatch (use cookies for Cookie)")
    if _has_control(value):
        raise ValueError(f"header {name!r}: the value must be one line")
    return name, value


def cookie_item(item: str) -> tuple[str, str]:
    """("name", "value") from "name=value"; ValueError (one line) when it cannot be sent."""
    name, equals, value = item.partition("=")
    name, value = name.strip(), value.strip()
    if not equals or not _TOKEN.match(name):
        raise ValueError(f"cookie {item[:60]!r} is not a 'name=value' item")
    if _has_control(value) or ";" in value or "," in value:
        raise ValueError(f"cookie {name!r}: the value may not hold ';', ',' or a line break")
    return name, value


def _has_control(text: str) -> bool:
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


def as_lines(raw: Any, separator: str) -> tuple[str, ...]:
    """A TOML value given as a table ({name = value}), a list of lines, or one line."""
    if isinstance(raw, Mapping):
        return tuple(f"{k}{separator}{v}" for k, v in raw.items())
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list | tuple):
        return tuple(str(item) for item in raw)
    raise ValueError("expected a string, a list of strings or a table")


@dataclass(frozen=True, slots=True)
class OutletNetwork:
    """The network settings of one outlet, checked; hashable, so fetchers are kept per kind."""

    host: str = ""  # the outlet's host: headers and cookies go to it and its subdomains only
    proxies: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    cookies: tuple[tuple[str, str], ...] = ()
    user_agent: str | None = None

    @property
    def is_plain(self) -> bool:
        """Nothing to change: the fetcher's own client and headers serve it."""
        return not (self.proxies or self.headers or self.cookies or self.user_agent)

    def headers_for(self, url: str) -> dict[str, str]:
        """The extra request headers for `url`: all of them on the outlet's own host, only the
        user agent elsewhere (a consent cookie is not for every site a redirect leads to)."""
        extra: dict[str, str] = {}
        if self.user_agent:
            extra["User-Agent"] = self.user_agent
        if not self._own(url):
            return extra
        extra.update(self.headers)
        if self.cookies:
            extra["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies)
        return extra

    def _own(self, url: str) -> bool:
        target = (urlsplit(url).hostname or "").lower()
        bare = self.host.lower().split(":")[0].removeprefix("www.")
        return bool(bare) and (target == bare or target.endswith("." + bare))

    def scrub(self, text: str) -> str:
        """`text` with every proxy credential of this outlet replaced by "…"."""
        for proxy in self.proxies:
            for secret in _secrets_of(proxy):
                text = text.replace(secret, "…")
        return text

    def described(self) -> dict[str, Any]:
        """What a person may see of these settings: proxies redacted, header and cookie
        values left out (they may be session tokens)."""
        return {
            "proxies": [redact_proxy(p) for p in self.proxies],
            "headers": [name for name, _ in self.headers],
            "cookies": [name for name, _ in self.cookies],
            "user_agent": self.user_agent,
        }


def _secrets_of(proxy: str) -> list[str]:
    """The user info of a proxy URL as it may appear in a text: raw and percent-decoded."""
    userinfo = urlsplit(proxy).netloc.rpartition("@")[0]
    if not userinfo:
        return []
    _user, _, password = userinfo.partition(":")
    found = [userinfo, unquote(userinfo)]
    found += [p for p in (password, unquote(password)) if len(p) >= 3]
    return sorted({s for s in found if s}, key=len, reverse=True)
