"""Settings layers: defaults < TOML file < SCRUBWATCH_* environment < CLI flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrubwatch.config import Settings, load_settings
from scrubwatch.errors import ConfigError


def test_defaults_put_the_database_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings({"data_dir": tmp_path}, environ={"XDG_CONFIG_HOME": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'scrubwatch.db'}"
    assert settings.archive_dir == tmp_path / "warc"


def test_layers_override_in_order(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('concurrency = 3\nmax_redirects = 4\ncontact = "mailto:a@b.example"\n')
    env = {"SCRUBWATCH_CONCURRENCY": "7", "SCRUBWATCH_WATCH_TERMS": "Zangezur, Liu Jianchao"}
    settings = load_settings({"concurrency": 9, "db": None}, environ=env, config_file=config)
    assert settings.concurrency == 9  # flag beats env beats file
    assert settings.max_redirects == 4  # file beats default
    assert settings.watch_terms == ("Zangezur", "Liu Jianchao")
    assert settings.contact == "mailto:a@b.example"
    assert settings.db is None


def test_env_selects_the_database() -> None:
    settings = load_settings(environ={"SCRUBWATCH_DB": "postgresql+psycopg://h/db"})
    assert settings.database_url == "postgresql+psycopg://h/db"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("concurrency = 'many'\n", "concurrency"),
        ("nonsense = 1\n", "unknown setting"),
        ("= broken", "cannot read"),
    ],
)
def test_bad_settings_are_config_errors(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_settings(environ={}, config_file=config)


def test_missing_explicit_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(environ={}, config_file=tmp_path / "nope.toml")


def test_settings_are_immutable() -> None:
    with pytest.raises(AttributeError):
        Settings().concurrency = 2  # type: ignore[misc]


def test_per_outlet_overrides_from_toml(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[outlets."sputnik.example"]\ninterval_scale = 0.5\nhorizon_days = 90\n'
        '[outlets."slow.example"]\nmin_host_delay = 2\n'
    )
    settings = load_settings(environ={}, config_file=config)
    assert settings.policy_for("www.sputnik.example").interval_scale == 0.5
    assert settings.policy_for("sputnik.example").horizon_days == 90
    assert settings.policy_for("slow.example").min_host_delay == 2
    assert settings.policy_for("other.example").interval_scale == 1.0


def test_unknown_outlet_override_is_an_error(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[outlets."a.example"]\nspeed = 3\n')
    with pytest.raises(ConfigError, match="known keys"):
        load_settings(environ={}, config_file=config)
