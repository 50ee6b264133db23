"""Sending alerts of rules made through the web UI, under the SSRF guard (issue #15).

A web user who can add a rule and press "Send test" can make this server connect anywhere
and read the error back: "connection refused" against "timed out" maps the open ports of
the inside of the network. So for a web-made rule:

- a webhook goes through an httpx client whose every connection is checked at connect time
  (scrubwatch.netguard): internal addresses are never connected to, even after a DNS answer
  changed since the rule was made;
- an apprise target (its own libraries make the connections, out of our sight) has the host
  its URL names (and an e-mail URL's SMTP host) resolved and checked right before sending.
  That is weaker: apprise resolves again (a rebinding in between is not caught) and its
  HTTP plugins may follow a redirect; see the README;
- every failure but an HTTP status from the webhook reads the same, `UNREACHABLE`; the
  real reason goes to the server log.

Rules made on the command line are sent as before.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from scrubwatch.alerts.channels import (
    ChannelAnswered,
    DeliveryFailed,
    Outgoing,
    apprise_module,
    is_webhook,
    redact,
    send,
    send_apprise,
    send_webhook,
)
from scrubwatch.config import Settings
from scrubwatch.errors import AddressRefused
from scrubwatch.model import AlertRule
from scrubwatch.netguard import (
    AddressPolicy,
    Resolver,
    checked_addresses,
    guarded_transport,
    system_resolve,
    web_policy,
)

log = logging.getLogger(__name__)

UNREACHABLE = "could not deliver: no answer from the target (down, or not a public address)"


class AlertSender:
    """The HTTP clients of one round of alerts: the plain one, and the guarded one that
    web-made rules use (made on first use). Use as an async context manager."""

    def __init__(
        self,
        settings: Settings,
        *,
        client: httpx.AsyncClient | None = None,
        resolve: Resolver = system_resolve,
    ) -> None:
        self._settings = settings
        self._policy = web_policy(settings)
        self._resolve = resolve
        self._own_client = client is None
        self._client = client or self._new_client(None)
        self._guarded: httpx.AsyncClient | None = None

    def _new_client(self, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            headers={"User-Agent": self._settings.full_user_agent}, transport=transport
        )

    async def __aenter__(self) -> AlertSender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._own_client:
            await self._client.aclose()
        if self._guarded is not None:
            await self._guarded.aclose()

    async def send(self, rule: AlertRule, outgoing: Outgoing) -> None:
        """Deliver one message of `rule`; DeliveryFailed with a one-line reason if not taken."""
        timeout = self._settings.alert_timeout
        if not rule.web_added or self._policy is None:
            await send(rule.target, rule.secret, outgoing, client=self._client, timeout=timeout)
            return
        try:
            await self._send_guarded(rule, outgoing, self._policy, timeout)
        except ChannelAnswered:
            raise  # the webhook was reached, at a public address, and answered this
        except (DeliveryFailed, AddressRefused) as exc:
            log.info("alert %s to %s failed: %s", rule.name, redact(rule.target), exc)
            raise DeliveryFailed(UNREACHABLE) from None

    async def _send_guarded(
        self, rule: AlertRule, outgoing: Outgoing, policy: AddressPolicy, timeout: float
    ) -> None:
        if is_webhook(rule.target):
            if self._guarded is None:
                limits = httpx.Limits()
                transport = guarded_transport(policy, limits=limits, resolve=self._resolve)
                self._guarded = self._new_client(transport)
            await send_webhook(self._guarded, rule.target, rule.secret, outgoing, timeout)
            return
        for host, port in apprise_hosts(rule.target):
            await checked_addresses(host, port, policy, self._resolve)
        await send_apprise(rule.target, outgoing.message, timeout)


def apprise_hosts(target: str) -> list[tuple[str, int]]:
    """The hosts an apprise URL makes apprise connect to, as far as it says: the host of a
    plugin whose URL names one (`json://`, `ntfy://host/...`, `mailto://`), and an e-mail
    URL's SMTP server. Services at fixed addresses (Slack, Telegram...) name none."""
    plugin: Any = apprise_module().Apprise.instantiate(target)
    if not plugin:
        return []
    found: list[tuple[str, int]] = []
    if any("{host}" in template for template in getattr(plugin, "templates", ())):
        host = getattr(plugin, "host", None)
        if isinstance(host, str) and host:
            found.append((host, int(getattr(plugin, "port", None) or 0)))
    smtp = getattr(plugin, "smtp_host", None)
    if isinstance(smtp, str) and smtp:
        found.append((smtp, int(getattr(plugin, "port", None) or 0)))
    return found
