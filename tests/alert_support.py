"""Real receivers on loopback for alert tests: a webhook server and an SMTP server.

The webhook receiver checks what a user's endpoint would check: the HMAC signature of the
raw body and the payload against the change contract. It can be told to answer errors
(a channel that is down) or to hang (a channel slower than the delivery timeout).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jsonschema
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from scrubwatch.model import (
    Article,
    ArticleState,
    Capture,
    CaptureOutcome,
    Change,
    ChangeKind,
    DeletionKind,
    Diff,
    Document,
    Outlet,
    Severity,
)
from scrubwatch.store import CheckRecord, SqlStore


@dataclass
class Received:
    body: bytes
    headers: dict[str, str]
    payload: Any


@dataclass
class WebhookReceiver:
    """A threaded HTTP server that verifies and records alert POSTs."""

    schema: dict[str, Any]
    secret: str | None = None
    status: int = 200  # answer this (503: the channel is down)
    hang_seconds: float = 0.0  # wait this long before answering
    host: str = "127.0.0.1"
    received: list[Received] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver.hang_seconds:
                    time.sleep(receiver.hang_seconds)
                if receiver.status == 200:
                    receiver.accept(body, {k.lower(): v for k, v in self.headers.items()})
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._server.server_address[1]}/hooks/scrubwatch"

    def accept(self, body: bytes, headers: dict[str, str]) -> None:
        if self.secret is not None:
            expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(headers.get("x-scrubwatch-signature", ""), expected):
                self.problems.append("bad signature")
                return
        payload = json.loads(body)
        for change in payload if isinstance(payload, list) else [payload]:
            jsonschema.validate(change, self.schema)
        self.received.append(Received(body, headers, payload))

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class MailBox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.messages.append(BytesParser(policy=policy.default).parsebytes(content))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


class SmtpServer:
    """A real SMTP server on a free loopback port."""

    def __init__(self) -> None:
        self.box = MailBox()
        # aiosmtpd checks its own startup by connecting to the port it was given, so it
        # needs a real one, not 0: take a free port from the kernel first.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self._controller = Controller(self.box, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


T0 = datetime(2025, 4, 21, 9, 0, tzinfo=UTC)
HOST = "news.example"
URL = f"https://{HOST}/2025/04/aliyev-beijing"


def first_version(store: SqlStore, url: str = URL, doc: Document | None = None) -> Article:
    """Watch an article and record its first version."""
    store.upsert_outlet(Outlet(host=HOST, homepage=f"https://{HOST}/"), T0)
    store.add_articles(HOST, [url], "feed", T0)
    article = store.article(url)
    assert article is not None and article.id is not None
    document = doc or Document(title="Aliyev heads to Beijing", paragraphs=("One.", "Two."))
    store.record_check(
        CheckRecord(
            article=article,
            capture=Capture(article.id, T0, url, CaptureOutcome.NEW_VERSION),
            state=ArticleState.LIVE,
            next_check_at=T0,
            new_document=document,
        )
    )
    found = store.article(url)
    assert found is not None
    return found


def record_edit(
    store: SqlStore, article: Article, at: datetime, removed: str, *, minor: bool = False
) -> None:
    """Record an edit that removed one sentence (and its quote and figure, if it held them)."""
    assert article.id is not None
    severity = Severity.MINOR if minor else Severity.SUBSTANTIVE
    diff = Diff(severity=severity, sentences_removed=(removed,), summary="1 sentence removed")
    change = Change(
        url=article.url,
        outlet=article.outlet_host,
        detected_at=at,
        kind=ChangeKind.EDITED,
        from_version=article.latest_version,
        to_version=None,
        summary=diff.summary,
        severity=severity,
        diff=diff,
    )
    store.record_check(
        CheckRecord(
            article=article,
            capture=Capture(article.id, at, article.url, CaptureOutcome.NEW_VERSION),
            state=ArticleState.LIVE,
            next_check_at=at + timedelta(hours=1),
            new_document=Document(title="Aliyev heads to Beijing", paragraphs=(f"v{at}",)),
            change=change,
        )
    )


def record_deletion(store: SqlStore, article: Article, at: datetime) -> None:
    assert article.id is not None
    change = Change(
        url=article.url,
        outlet=article.outlet_host,
        detected_at=at,
        kind=ChangeKind.DELETED,
        from_version=article.latest_version,
        to_version=None,
        summary="article deleted (404)",
        deletion=DeletionKind.HTTP_404,
    )
    store.record_check(
        CheckRecord(
            article=article,
            capture=Capture(article.id, at, article.url, CaptureOutcome.GONE, status=404),
            state=ArticleState.GONE,
            next_check_at=at + timedelta(hours=1),
            change=change,
        )
    )
