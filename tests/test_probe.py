"""The soft-404 probe: one request per host however many checks of a pass ask at once."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from scrubwatch.config import Settings
from scrubwatch.fetch import Fetcher
from scrubwatch.pipeline.probe import NotFoundProbes

NOT_FOUND = (
    b"<html><head><title>Page not found | The Courier</title></head><body><main>"
    b"<h1>Page not found</h1><p>The page you asked for is not here any more.</p></main></body>"
    b"</html>"
)


@pytest.fixture
def host() -> Iterator[tuple[str, list[str]]]:
    """A host that answers every path with a soft 404 (status 200), slowly; and its log."""
    paths: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            paths.append(self.path)
            threading.Event().wait(0.2)  # long enough for every check to ask meanwhile
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(NOT_FOUND)))
            self.end_headers()
            self.wfile.write(NOT_FOUND)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", paths
    server.shutdown()
    server.server_close()


def test_checks_asking_at_once_share_one_probe(host: tuple[str, list[str]], tmp_path: Path) -> None:
    base, paths = host

    async def ask() -> list[object]:
        settings = Settings(data_dir=tmp_path, obey_robots=False)
        async with Fetcher(settings) as fetcher:
            probes = NotFoundProbes(fetcher, lambda: datetime(2026, 12, 3, tzinfo=UTC))
            urls = [f"{base}/news/{n}" for n in range(10)]
            found = await asyncio.gather(*(probes.document_for(url) for url in urls))
            again = await probes.document_for(f"{base}/news/late")  # cached now
            return [*found, again]

    documents = asyncio.run(ask())
    assert [p for p in paths if p.startswith("/scrubwatch-probe-")] == paths
    assert len(paths) == 1
    assert all(d == documents[0] for d in documents)
    assert documents[0] is not None and documents[0].title == "Page not found"
