"""Shared fixtures: a fake outlet on loopback, a fresh data dir, the CLI as users run it, and
the concurrency rule (no database call on an event loop) watched in every test."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from databases import database_url
from loop_guard import LoopGuard
from proxy_support import NAME, OUTLET_HOST, SOURCE
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.store import SqlStore

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user's cache directory, for the whole run and the processes tests start: a
    temporary one, so no test writes to the real one (the language model's copy is made
    once and shared)."""
    cache = tmp_path_factory.mktemp("user-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(cache))
        yield cache


@pytest.fixture(autouse=True)
def loop_guard() -> Iterator[LoopGuard]:
    """Fails any test during which scrubwatch code sent a query from a running event loop
    (README, "How it is built"); a test that provokes one on purpose clears `calls`."""
    with LoopGuard() as guard:
        yield guard
    assert not guard.calls, "database calls on the event loop:\n" + "\n".join(guard.calls)


@pytest.fixture
def outlet() -> Iterator[FakeOutlet]:
    with FakeOutlet() as fake:
        yield fake


@pytest.fixture
def hidden_outlet() -> Iterator[FakeOutlet]:
    """A fake outlet on 127.0.0.2 called outlet.test, answering the test proxies only
    (tests/proxy_support.py): an article that arrives came through a proxy."""
    with FakeOutlet(host=OUTLET_HOST, host_name=NAME, only_from=SOURCE) as fake:
        yield fake


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


class Cli:
    """Runs the real `scrubwatch` entry point in-process, with its own data dir."""

    def __init__(
        self, data_dir: Path, capsys: pytest.CaptureFixture[str], db: str | None = None
    ) -> None:
        self.data_dir = data_dir
        self.db = db
        self._capsys = capsys

    def __call__(self, *args: str) -> CliResult:
        from scrubwatch.cli import main

        argv = ["scrubwatch", "--data-dir", str(self.data_dir), *args]
        if self.db is not None:
            argv[1:1] = ["--db", self.db]
        self._capsys.readouterr()
        old_argv = sys.argv
        sys.argv = argv
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            sys.argv = old_argv
        captured = self._capsys.readouterr()
        return CliResult(code, captured.out, captured.err)


def _isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's real config and environment out of tests."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for key in list(os.environ):
        if key.startswith("SCRUBWATCH_"):
            monkeypatch.delenv(key)
    # The pause between requests to a web archive is for the public ones; the tests' archives
    # are pywb on loopback.
    monkeypatch.setenv("SCRUBWATCH_ARCHIVE_MIN_DELAY", "0")


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The CLI on the embedded default: SQLite in a fresh data dir."""
    _isolate(tmp_path, monkeypatch)
    return Cli(tmp_path / "data", capsys)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    """A fresh store on SQLite, then on PostgreSQL: one contract, so they cannot drift."""
    with database_url(request.param, tmp_path) as url:
        opened = SqlStore.open(url)
        yield opened
        opened.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def cli_on_each_db(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Cli]:
    """The CLI on SQLite, then on a fresh PostgreSQL schema: same commands, same results."""
    _isolate(tmp_path, monkeypatch)
    with database_url(request.param, tmp_path) as url:
        yield Cli(tmp_path / "data", capsys, db=None if request.param == "sqlite" else url)


@pytest.fixture(scope="session")
def change_schema() -> dict[str, Any]:
    return json.loads((FIXTURES / "contract" / "change.schema.json").read_text())


@pytest.fixture(scope="session")
def document_schema() -> dict[str, Any]:
    return json.loads((FIXTURES / "contract" / "document.schema.json").read_text())
