"""Where alerts go: a signed webhook for http(s) URLs, apprise for every other scheme.

A webhook receives the change object of the contract (`contract/change.schema.json`) as
JSON, or a JSON array of them for a digest, signed with HMAC-SHA256 of the raw body when the
rule has a secret. Each POST names its delivery in a header so a receiver can drop the rare
duplicate that at-least-once delivery allows (a crash after sending, before recording it).

apprise (e-mail, Slack, Telegram, Matrix, ntfy...) is a blocking library, so it runs on a
daemon thread: a hung SMTP server then costs the delivery its timeout, never the process its
exit (a thread of the default executor would be waited for when the event loop closes).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import json
import logging
import threading
import warnings
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from scrubwatch.alerts.message import Message
from scrubwatch.errors import ScrubwatchError, UsageError

SIGNATURE_HEADER = "X-Scrubwatch-Signature"
DELIVERY_HEADER = "X-Scrubwatch-Delivery"


class DeliveryFailed(ScrubwatchError):
    """A channel did not take the message; the delivery is retried later."""


class ChannelAnswered(DeliveryFailed):
    """The webhook was reached and answered with a status other than 2xx."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to send: readable text for people, JSON for machines."""

    message: Message
    payload: Any  # a change object of the contract, or a list of them for a digest
    key: str  # identifies the delivery, for receivers that deduplicate


def is_webhook(target: str) -> bool:
    return urlsplit(target).scheme.lower() in ("http", "https")


def sign(secret: str, body: bytes) -> str:
    """The signature header value: `sha256=` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check_target(target: str) -> None:
    """UsageError unless the URL is a webhook or a notification URL apprise understands."""
    parts = urlsplit(target)
    if is_webhook(target):
        if not parts.hostname:
            raise UsageError(f"not a webhook URL: {target}")
        return
    if not parts.scheme or not _apprise_accepts(target):
        raise UsageError(
            "not a notification URL: use http(s):// for a webhook or an apprise URL "
            "such as mailto://, slack://, tgram://, matrix://, ntfy://"
        )


def redact(target: str) -> str:
    """The URL with passwords and tokens hidden, for listings and logs."""
    if is_webhook(target):
        parts = urlsplit(target)
        port = f":{parts.port}" if parts.port else ""
        return (
            f"{parts.scheme}://{parts.hostname}{port}/…"
            if parts.path.strip("/")
            else (f"{parts.scheme}://{parts.hostname}{port}/")
        )
    apprise = apprise_module()
    found = apprise.Apprise.instantiate(target)
    if not found:
        return urlsplit(target).scheme + "://…"
    return str(found.url(privacy=True)).split("?", 1)[0]


async def send(
    target: str,
    secret: str | None,
    outgoing: Outgoing,
    *,
    client: httpx.AsyncClient,
    timeout: float,
) -> None:
    """Deliver one message; DeliveryFailed with a one-line reason when it was not taken."""
    if is_webhook(target):
        await send_webhook(client, target, secret, outgoing, timeout)
    else:
        await send_apprise(target, outgoing.message, timeout)


async def send_webhook(
    client: httpx.AsyncClient, url: str, secret: str | None, outgoing: Outgoing, timeout: float
) -> None:
    body = json.dumps(outgoing.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", DELIVERY_HEADER: outgoing.key}
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, body)
    try:
        response = await client.post(
            url, content=body, headers=headers, timeout=timeout, follow_redirects=False
        )
    except httpx.TimeoutException as exc:
        raise DeliveryFailed(f"webhook timed out after {timeout:g} s") from exc
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"webhook unreachable: {type(exc).__name__}: {exc}") from exc
    if not 200 <= response.status_code < 300:
        raise ChannelAnswered(f"webhook answered HTTP {response.status_code}")


async def send_apprise(target: str, message: Message, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()

    def settle(error: BaseException | None) -> None:
        if done.done():
            return
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)

    def work() -> None:
        try:
            _apprise_notify(target, message)
        except BaseException as exc:  # handed to the waiting coroutine, not lost in the thread
            loop.call_soon_threadsafe(settle, exc)
        else:
            loop.call_soon_threadsafe(settle, None)

    threading.Thread(target=work, name="scrubwatch-apprise", daemon=True).start()
    try:
        await asyncio.wait_for(asyncio.shield(done), timeout)
    except TimeoutError as exc:
        raise DeliveryFailed(f"{_scheme(target)} delivery timed out after {timeout:g} s") from exc


def _apprise_notify(target: str, message: Message) -> None:
    apprise = apprise_module()
    notifier = apprise.Apprise()
    if not notifier.add(target):
        raise DeliveryFailed(f"apprise does not understand this {_scheme(target)} URL")
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as logs:
        ok = notifier.notify(title=message.title, body=message.body)
    if not ok:
        lines = [line for line in logs.getvalue().splitlines() if line.strip()]
        reason = lines[-1] if lines else "no reason given"
        raise DeliveryFailed(f"{_scheme(target)} delivery failed: {reason}")


def _apprise_accepts(target: str) -> bool:
    return bool(apprise_module().Apprise.instantiate(target))


@functools.cache
def apprise_module() -> Any:
    """apprise, with its plugins loaded once, on the calling thread.

    Its e-mail plugin imports the standard `imghdr`, deprecated since Python 3.11; that
    warning is about apprise's code, not ours, so it is silenced for this import only.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="'imghdr' is deprecated", category=DeprecationWarning
        )
        import apprise
        from apprise.manager_plugins import NotificationManager

        NotificationManager().load_modules()  # type: ignore[no-untyped-call]
    return apprise


def _scheme(target: str) -> str:
    return urlsplit(target).scheme.lower() or "notification"
