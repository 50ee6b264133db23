"""Whether a host name can be looked up at all, decided before any request is made.

Discovery takes URLs from pages and feeds it does not control, and a name the resolver
refuses ("xn--" with nothing after it) must be turned away as a bad link, not fail deep
inside the HTTP stack at fetch time. The rules are those of the stack itself: httpx decodes
an ASCII name's "xn--" labels with the `idna` package, and anyio encodes a non-ASCII name
with it (UTS 46) before asking DNS; other ASCII names only need labels of 1 to 63
characters.
"""

from __future__ import annotations

import ipaddress

import idna


def is_address(host: str) -> bool:
    """True for an IPv4 or IPv6 address (brackets allowed), not a name."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def valid_hostname(host: str) -> bool:
    """True for an IP address or a name the HTTP stack will look up."""
    if not host:
        return False
    if is_address(host):
        return True
    try:
        if not host.isascii():
            idna.encode(host, uts46=True)
        else:
            host.encode("idna")  # the standard library's check: empty or over-long labels
            if "xn--" in host.lower():
                idna.decode(host)
    except (idna.IDNAError, UnicodeError, ValueError):
        return False
    return True
