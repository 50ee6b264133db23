"""Shared fixtures: a fake outlet on loopback, a fresh data dir, and the CLI as users run it."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scrubwatch.demo.outlet import FakeOutlet

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def outlet() -> Iterator[FakeOutlet]:
    with FakeOutlet() as fake:
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

    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.data_dir = data_dir
        self._capsys = capsys

    def __call__(self, *args: str) -> CliResult:
        from scrubwatch.cli import main

        argv = ["scrubwatch", "--data-dir", str(self.data_dir), *args]
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


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    # Keep the user's real config and environment out of tests.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for key in list(os.environ):
        if key.startswith("SCRUBWATCH_"):
            monkeypatch.delenv(key)
    return Cli(tmp_path / "data", capsys)


@pytest.fixture(scope="session")
def change_schema() -> dict[str, Any]:
    return json.loads((FIXTURES / "contract" / "change.schema.json").read_text())


@pytest.fixture(scope="session")
def document_schema() -> dict[str, Any]:
    return json.loads((FIXTURES / "contract" / "document.schema.json").read_text())
