"""Defences of the web face: security headers, the access token, CSRF and SSRF checks.

Article titles and text are written by outlets that may be hostile, so pages escape
everything (Jinja autoescape) and the Content-Security-Policy forbids any script and any
inline style: even an injection that slipped through would run nothing.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from scrubwatch.errors import AddressRefused, ConfigError, UsageError
from scrubwatch.hosts import is_address
from scrubwatch.netguard import AddressPolicy, checked_addresses

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
CSRF_COOKIE = "scrubwatch_csrf"
log = logging.getLogger(__name__)

TOKEN_COOKIE = "scrubwatch_token"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


class SecurityHeaders(BaseHTTPMiddleware):
    """Adds the security headers to every response, error pages included: an exception is
    answered here (400 for a value out of any range the store can hold, 500 otherwise)
    rather than by the server's bare error page."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        try:
            response = await call_next(request)
        except Exception as exc:  # the last line of defence: see the docstring
            response = _error_response(request, exc)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def _error_response(request: Request, exc: Exception) -> Response:
    if _out_of_range(exc):
        return PlainTextResponse("a value in the request is out of range", status_code=400)
    log.error("internal error serving %s", request.url.path, exc_info=exc)
    return PlainTextResponse("internal error (see the server log)", status_code=500)


def _out_of_range(exc: BaseException) -> bool:
    """Whether the error, or what it wraps, is bad input the store cannot hold: an id past
    its integer type, a date past year 9999 or before year 1, a NUL byte in a string."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OverflowError) or "NUL (0x00)" in str(current):
            return True  # psycopg: "... cannot contain NUL (0x00) ...", as ValueError or DataError
        if type(current).__name__ in ("NumericValueOutOfRange", "DatetimeFieldOverflow"):
            return True  # psycopg's, without importing it here
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return False


class HostAllowList(BaseHTTPMiddleware):
    """Answer only to our own names: loopback names, IP addresses, `base_url`'s host and the
    `web_hosts` setting. DNS rebinding points an attacker's name at this server; the browser
    then sends that name as Host, which is refused, so its page can read nothing (an IP
    address in Host cannot come from such a page, so addresses stay allowed)."""

    def __init__(self, app: object, names: frozenset[str]) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.names = names | LOOPBACK_HOSTS

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        host = request_host(request.headers.get("host", ""))
        if host is not None and (host in self.names or is_address(host)):
            return await call_next(request)
        return PlainTextResponse(
            "unknown host name: add it to the web_hosts setting to use it", status_code=400
        )


def request_host(header: str) -> str | None:
    """The host name of a Host header ("[::1]:8686" -> "::1"), lower case; None if bad."""
    try:
        host = urlsplit(f"//{header.strip()}").hostname
    except ValueError:
        return None
    return host.rstrip(".") if host else None


def allowed_host_names(base_url: str | None, extra: tuple[str, ...]) -> frozenset[str]:
    """The names the web UI answers to, beside loopback and IP addresses."""
    names = {name.strip().lower().rstrip(".") for name in extra if name.strip()}
    if base_url and (host := request_host(urlsplit(base_url).netloc)):
        names.add(host)
    return frozenset(names)


class TokenGate(BaseHTTPMiddleware):
    """Every request must carry the token: `Authorization: Bearer`, or the cookie a browser
    gets after opening any page once with `?token=...`."""

    def __init__(self, app: object, token: str) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.token = token

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        offered = request.query_params.get("token")
        if offered is not None and _same(offered, self.token):
            # Trade the query token for a cookie at once, so it leaves the address bar. The
            # target stays on this site ("//evil.example/p" is another site to a browser)
            # and its query is encoded again.
            query = urlencode(
                [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            )
            target = "/" + request.url.path.lstrip("/") + (f"?{query}" if query else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(
                TOKEN_COOKIE, self.token, httponly=True, samesite="strict", path="/"
            )
            return response
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        bearer = credentials.strip() if scheme.lower() == "bearer" else ""  # any case (RFC 7235)
        cookie = request.cookies.get(TOKEN_COOKIE, "")
        if _same(bearer, self.token) or _same(cookie, self.token):
            return await call_next(request)
        return PlainTextResponse("a valid token is required", status_code=401)


MIN_TOKEN_CHARS = 16


def check_token(token: str) -> None:
    """A web token must be long enough not to be guessed: ConfigError otherwise."""
    if len(token.strip()) < MIN_TOKEN_CHARS:
        raise ConfigError(
            f"web_token must be at least {MIN_TOKEN_CHARS} characters "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe())'`)"
        )


def _same(offered: str, expected: str) -> bool:
    return bool(offered) and hmac.compare_digest(offered.encode(), expected.encode())


def csrf_token(request: Request) -> str:
    """The browser's CSRF token (double-submit cookie), new if it has none."""
    current = request.cookies.get(CSRF_COOKIE, "")
    return current if len(current) == 43 else secrets.token_urlsafe(32)


def remember_csrf(request: Request, response: Response, token: str) -> None:
    """Set the CSRF cookie when the browser does not have this token yet."""
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")


def csrf_ok(request: Request, submitted: str) -> bool:
    """A form post is ours: the field matches the cookie, and any Origin is this host."""
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host", ""):
        return False  # includes "null", the origin of sandboxed and privacy-stripped posts
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return _same(submitted, cookie)


async def check_target(url: str, *, policy: AddressPolicy | None) -> None:
    """Refuse URLs the server should not be made to fetch (SSRF): anything but http(s), and
    (unless `policy` is None: `web_allow_private_targets`) a host with an internal address.

    This is the early, friendly answer to what was typed. The real guard is at connect time
    (scrubwatch.netguard): it also covers redirects, discovered URLs and a DNS answer that
    changes after this check.
    """
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname, parts.port  # a bad port ("99999", "b:c") raises here
    except ValueError as exc:
        raise UsageError(f"not a usable URL: {exc}") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise UsageError("only http:// and https:// URLs can be watched")
    if policy is None:
        return
    try:
        await checked_addresses(host, port or 80, policy)
    except AddressRefused as exc:
        raise UsageError(str(exc)) from None
