"""Layers point one way (DESIGN.md): pure modules do no I/O, the core never imports a face."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "src" / "scrubwatch"
PURE = [
    "model",
    "errors",
    "clock",
    "text",
    "compare",
    "deletion",
    "interstitial",
    "wall_phrases",
    "hosts",
    "schedule",
    "serialize",
    "extract",
    "alerts/rules",
    "alerts/message",
    "waves",
]
IO_MODULES = {"httpx", "sqlalchemy", "alembic", "warcio", "socket", "requests", "urllib.request"}
FACES = {"typer", "rich", "fastapi", "jinja2", "scrubwatch.cli", "scrubwatch.web"}
PROJECT_IO = {
    "scrubwatch.fetch",
    "scrubwatch.store",
    "scrubwatch.pipeline",
    "scrubwatch.runner",
    "scrubwatch.discover",
    "scrubwatch.evidence",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _files(module: str) -> list[Path]:
    single = PACKAGE / f"{module}.py"
    return [single] if single.exists() else sorted((PACKAGE / module).rglob("*.py"))


def _hits(imports: set[str], banned: set[str]) -> set[str]:
    return {i for i in imports for b in banned if i == b or i.startswith(b + ".")}


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_do_no_io(module: str) -> None:
    files = _files(module)
    assert files, f"{module} not found"
    for path in files:
        assert not _hits(_imports(path), IO_MODULES | FACES | PROJECT_IO), path


def test_nothing_below_the_faces_imports_a_face() -> None:
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).parts
        if relative[0] in ("cli", "web", "demo", "__main__.py"):
            continue
        assert not _hits(_imports(path), FACES), path


def test_only_config_reads_the_environment() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.name == "config.py":
            continue
        text = path.read_text()
        assert "os.environ" not in text and "getenv" not in text, path
