"""The one exception tree of scrubwatch.

    ScrubwatchError
    ├── ConfigError            bad settings file, environment value or flag
    ├── UsageError             a command asked for something that does not exist or make sense
    ├── FetchError             a capture could not be made (recorded on the capture, never fatal)
    │   ├── FetchTimeout       connect/read timeout or the total time cap
    │   ├── ConnectionFailed   DNS, refused, reset, TLS
    │   ├── TooLarge           body over the size cap (counted after decompression)
    │   ├── TooManyRedirects   redirect cap reached or a redirect loop
    │   ├── InvalidURL         not an http(s) URL we can fetch
    │   ├── RobotsDisallowed   the site's robots.txt asks us not to fetch it
    │   ├── HostBusy           the host asked us (Retry-After) to come back later
    │   ├── AddressRefused     a web-added watch led to an internal address (SSRF guard)
    │   └── ProtocolFailure    malformed HTTP, broken content encoding
    ├── ExtractionError        bytes that cannot be read as a page at all
    ├── EvidenceError          an evidence bundle cannot be made (no browser, record missing)
    ├── ArchiveError           a web archive file to import is missing, not a WARC/WACZ, or broken
    └── StorageError           database or archive failure (e.g. a constraint one row broke)
        └── StoreUnavailable   the store itself cannot be used: unreachable, disk full, read-only

Expected outcomes ("unchanged", "not an article", "page gone") are return values, not
exceptions.
"""

from __future__ import annotations


class ScrubwatchError(Exception):
    """Base of every error scrubwatch raises on purpose."""


class ConfigError(ScrubwatchError):
    """Settings that cannot be used."""


class UsageError(ScrubwatchError):
    """A request that cannot be served as asked (unknown article, bad version number...)."""


class FetchError(ScrubwatchError):
    """A fetch that produced no usable response."""


class FetchTimeout(FetchError):
    """The server was too slow: connect, read or total time cap."""


class ConnectionFailed(FetchError):
    """No connection could be made or it broke."""


class AddressRefused(FetchError):
    """A connection was not even tried: the host has no address the SSRF policy allows
    (web-added watches and alert targets reach public addresses only)."""


class TooLarge(FetchError):
    """The body grew past the size cap."""


class TooManyRedirects(FetchError):
    """Too many redirects, or a redirect loop."""


class InvalidURL(FetchError):
    """A URL that is not http(s) or cannot be parsed."""


class RobotsDisallowed(FetchError):
    """The site's robots.txt disallows the URL for scrubwatch."""


class HostBusy(FetchError):
    """The host answered 429/503 with a Retry-After that has not passed yet."""


class ProtocolFailure(FetchError):
    """The server broke HTTP or the content encoding."""


class ExtractionError(ScrubwatchError):
    """Bytes that cannot be read as a page."""


class EvidenceError(ScrubwatchError):
    """An evidence bundle cannot be made or rendered as asked."""


class ArchiveError(ScrubwatchError):
    """A web archive given to `import` cannot be read (whole, or from some record on)."""


class StorageError(ScrubwatchError):
    """The database or the archive failed."""


class StoreUnavailable(StorageError):
    """The database or the archive cannot be used at all (cannot connect, connection lost,
    disk full, read-only, I/O error): no other check could be recorded either, so a pass
    stops instead of failing every article one by one."""
