"""Layers point one way (DESIGN.md): pure modules do no I/O, the core never imports a face,
adapters never import orchestration, and `model` imports nothing of ours.

Imports are read from the source, in every form that loads a module: `import x`, `from x
import y` (relative ones resolved against the file's own package), and string calls to
`importlib.import_module` or `__import__`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "scrubwatch"
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
    "network",
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
    "scrubwatch.exchange",
    "scrubwatch.connections",
    "scrubwatch.language_model",
    "scrubwatch.store",
    "scrubwatch.pipeline",
    "scrubwatch.runner",
    "scrubwatch.discover",
    "scrubwatch.evidence",
    "scrubwatch.archives",
}
# Layer 3 talks to the world; layer 4 decides what runs when (DESIGN.md, README "How it is
# built"). Orchestration uses adapters, never the other way round.
ADAPTERS = [
    "fetch",
    "exchange",
    "connections",
    "language_model",
    "politeness",
    "robots",
    "discover",
    "store",
    "alerts",
    "archives",
]
ORCHESTRATION = {
    "scrubwatch.pipeline",
    "scrubwatch.runner",
    "scrubwatch.workers",
    "scrubwatch.evidence",
}
IMPORTERS = {"import_module", "__import__"}


def _module_of(path: Path) -> str:
    """`scrubwatch.store.sql` for src/scrubwatch/store/sql.py (a package for __init__.py)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(path: Path) -> str:
    module = _module_of(path)
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _absolute(name: str, level: int, package: str) -> str:
    """The absolute module a (maybe relative) import names, as Python resolves it."""
    if level == 0:
        return name
    base = package.split(".")
    if level - 1 >= len(base):
        raise ValueError(f"relative import beyond the top package: {'.' * level}{name}")
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _string_import(node: ast.Call, package: str) -> str | None:
    """The module of `importlib.import_module("x")` / `__import__("x")` with a literal name."""
    func = node.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if called not in IMPORTERS or not node.args:
        return None
    first = node.args[0]
    if not isinstance(first, ast.Constant) or not isinstance(first.value, str):
        return None
    name = first.value
    level = len(name) - len(name.lstrip("."))
    return _absolute(name.lstrip("."), level, package)


def imports_of(path: Path) -> set[str]:
    """Every module a file of the package imports."""
    return imports_in(path.read_text(), _package_of(path))


def imports_in(source: str, package: str) -> set[str]:
    """Every module `source` (a module of `package`) imports, absolute; `from a import b`
    gives `a` and `a.b` (b may be a submodule)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module or "", node.level, package)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call):
            found = _string_import(node, package)
            if found is not None:
                names.add(found)
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
        assert not _hits(imports_of(path), IO_MODULES | FACES | PROJECT_IO), path


def test_nothing_below_the_faces_imports_a_face() -> None:
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).parts
        if relative[0] in ("cli", "web", "demo", "__main__.py"):
            continue
        assert not _hits(imports_of(path), FACES), path


@pytest.mark.parametrize("module", ADAPTERS)
def test_adapters_never_import_orchestration(module: str) -> None:
    files = _files(module)
    assert files, f"{module} not found"
    for path in files:
        assert not _hits(imports_of(path), ORCHESTRATION), path


def test_model_imports_nothing_of_ours() -> None:
    ours = {i for i in imports_of(PACKAGE / "model.py") if i.split(".")[0] == "scrubwatch"}
    assert ours == set()


def test_the_store_protocol_and_its_records_need_no_database_library() -> None:
    """Callers see the store through these two modules: no table, no SQLAlchemy."""
    for name in ("interface", "records"):
        path = PACKAGE / "store" / f"{name}.py"
        assert not _hits(imports_of(path), IO_MODULES | ORCHESTRATION), path
        store_parts = {i.split(".")[2] for i in _hits(imports_of(path), {"scrubwatch.store"})}
        assert store_parts <= {"interface", "records"}, path


def test_only_config_reads_the_environment() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.name == "config.py":
            continue
        text = path.read_text()
        assert "os.environ" not in text and "getenv" not in text, path


def _absolute_shared_paths(source: str) -> list[str]:
    """String literals (docstrings too) that name shared data by an absolute path."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += re.findall(r"(?<![\w.:/])/(?:work|[\w./-]*/shared)\b[\w./-]*", node.value)
    return found


def test_tests_and_benchmarks_find_shared_data_beside_the_repository() -> None:
    """../shared is found from the repository root (`Path(__file__).resolve().parents[2] /
    "shared"`), never at an absolute path: a checkout anywhere else must find it too."""
    for folder in ("tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            assert _absolute_shared_paths(path.read_text()) == [], path
    root = "/"  # kept apart, or this very file would be an offender
    bad = f'DATA = Path("{root}work/shared/data")\nSEED = "{root}home/me/shared/seed"\n'
    good = 'DATA = ROOT.parent / "shared" / "data"  # "../shared/data"\nURL = "http://x/shared"\n'
    expected = {f"{root}work/shared/data", f"{root}home/me/shared/seed"}
    assert set(_absolute_shared_paths(bad)) == expected
    assert _absolute_shared_paths(good) == []


def test_the_reader_resolves_relative_imports_and_import_module_calls() -> None:
    source = (
        "from . import sql\n"
        "from .records import CheckRecord\n"
        "from ..runner import Runner\n"
        "import importlib\n"
        "importlib.import_module('scrubwatch.pipeline.check')\n"
        "__import__('scrubwatch.workers')\n"
        "importlib.import_module('..evidence', __package__)\n"
    )
    found = imports_in(source, "scrubwatch.store")
    assert found == {
        "importlib",
        "scrubwatch.store",
        "scrubwatch.store.sql",
        "scrubwatch.store.records",
        "scrubwatch.store.records.CheckRecord",
        "scrubwatch.runner",
        "scrubwatch.runner.Runner",
        "scrubwatch.pipeline.check",
        "scrubwatch.workers",
        "scrubwatch.evidence",
    }
    assert _module_of(PACKAGE / "store" / "__init__.py") == "scrubwatch.store"
    assert _package_of(PACKAGE / "store" / "sql.py") == "scrubwatch.store"
    with pytest.raises(ValueError, match="beyond the top package"):
        imports_in("from ... import x\n", "scrubwatch.store")
