"""Every setting is documented, in one place (docs/configuration.md), as the code has it.

Like datasette's test of its settings: a new field of `Settings` or `OutletPolicy` fails here
until it has a row with its environment name, type, default and purpose; a row for a
setting that is gone fails too, and so does a default or type the code no longer has. The
environment name in each row is tried for real, and every `SCRUBWATCH_*` name the code
reads or the tests and benchmarks use must be listed.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, Field, fields
from pathlib import Path
from typing import Any

import pytest

from scrubwatch.config import ENV_PREFIX, OutletPolicy, Settings, load_settings
from scrubwatch.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "configuration.md"
# How the page spells each annotation; a field with a type not here fails until it is added.
TYPE_WORDS = {
    "Path": "path",
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "str | None": "str or none",
    "float | None": "float or none",
    "tuple[str, ...]": "list of str",
    "Mapping[str, OutletPolicy]": "table of outlet policies",
}
TOML_ONLY = "TOML only"


def _sections() -> dict[str, dict[str, list[str]]]:
    """Each `## ` section's table, as {first cell without backticks: the row's cells}."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    last = ""
    for line in DOC.read_text().splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip(), {})
        elif line.startswith("| ---"):
            del current[last]  # that was the header
        elif line.startswith("| "):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            last = cells[0].strip("`")
            current[last] = cells
    return sections


def _default(field: Field[Any]) -> Any:
    if field.default is not MISSING:
        return field.default
    assert field.default_factory is not MISSING
    return field.default_factory()


def _as_documented(value: Any) -> str:
    """A default as the page writes it."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, int | float):
        return f"`{value!r}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, tuple | dict) and not value:
        return "empty"
    raise AssertionError(f"no documented form for the default {value!r}")


def _check_row(row: list[str] | None, field: Field[Any], *, type_at: int) -> None:
    assert row is not None, f"{field.name} is not documented in {DOC.name}"
    assert row[type_at] == TYPE_WORDS[str(field.type)], f"{field.name}: type"
    default = _default(field)
    if isinstance(default, Path):  # per machine: the platform's user data directory
        assert "scrubwatch" in row[type_at + 1], f"{field.name}: default"
    else:
        assert row[type_at + 1] == _as_documented(default), f"{field.name}: default"
    assert len(row[-1]) > 20, f"{field.name}: say what it does"


def test_every_setting_is_documented_with_its_type_and_default() -> None:
    rows = _sections()["Settings"]
    for field in fields(Settings):
        _check_row(rows.get(field.name), field, type_at=2)
    assert set(rows) == {f.name for f in fields(Settings)}, "a documented setting is gone"


def test_every_outlet_policy_key_is_documented_with_its_type_and_default() -> None:
    rows = _sections()["Outlet policies"]
    for field in fields(OutletPolicy):
        _check_row(rows.get(field.name), field, type_at=1)
    assert set(rows) == {f.name for f in fields(OutletPolicy)}, "a documented key is gone"


# A value unlike the default, per documented type, to show an environment name takes effect.
_SAMPLES = {"int": "7", "float": "7.5", "str": "x", "str or none": "x", "list of str": "a,b"}
_SAMPLE_OF = {"web_allowed_networks": "10.20.0.0/16"}  # settings whose values are checked


@pytest.mark.parametrize("field", fields(Settings), ids=lambda f: f.name)
def test_each_documented_environment_name_sets_its_setting(
    field: Field[Any], tmp_path: Path
) -> None:
    name, (kind, env) = field.name, _kind_and_env(field.name)
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    if env == TOML_ONLY:
        with pytest.raises(ConfigError):
            load_settings(environ={ENV_PREFIX + name.upper(): "x"}, config_file=empty)
        return
    assert env == f"`{ENV_PREFIX}{name.upper()}`"
    default = getattr(Settings(), name)
    samples = {**_SAMPLES, "bool": "no" if default else "yes", "path": str(tmp_path)}
    sample = _SAMPLE_OF.get(name) or samples[kind]
    loaded = load_settings(environ={env.strip("`"): sample}, config_file=empty)
    assert getattr(loaded, name) != default


def _kind_and_env(name: str) -> tuple[str, str]:
    """The documented type and environment name of a setting."""
    row = _sections()["Settings"][name]
    return row[2], row[1]


def test_every_scrubwatch_environment_name_in_use_is_listed() -> None:
    """Names the code, tests and benchmarks read: settings, or the page's other table."""
    listed = {row[1].strip("`") for row in _sections()["Settings"].values()}
    listed |= set(_sections()["Environment variables that are not settings"])
    used: set[str] = set()
    for folder in ("src", "tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            used.update(re.findall(r"\bSCRUBWATCH_[A-Z][A-Z_]*[A-Z]\b", path.read_text()))
    used -= {"SCRUBWATCH_CONCURENCY"}  # the misspelling a config test feeds in on purpose
    assert used <= listed, f"not in {DOC.name}: {sorted(used - listed)}"


def test_the_readme_points_to_the_page() -> None:
    assert "docs/configuration.md" in (ROOT / "README.md").read_text()
