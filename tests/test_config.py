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


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CONCURRENCY", "0", "concurrency: '0' (must be at least 1)"),
        ("PER_HOST_CONCURRENCY", "-2", "per_host_concurrency"),
        ("HORIZON_DAYS", "1e308", "must be at most"),
        ("READ_TIMEOUT", "nan", "must be a finite number"),
        ("TOTAL_TIMEOUT", "0", "must be above zero"),
        ("WEB_PORT", "99999", "port number"),
        ("USER_AGENT", "scrubwatch\r\nX-Injected: 1", "one line"),
        ("MAX_REDIRECTS", "-1", "must not be negative"),
    ],
)
def test_values_that_cannot_work_fail_at_start_naming_the_setting(
    name: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(environ={f"SCRUBWATCH_{name}": value})


def test_a_config_file_named_in_the_environment_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(environ={"SCRUBWATCH_CONFIG": str(tmp_path / "missing.toml")})


def test_a_config_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"contact = \xff\n")
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(environ={}, config_file=path)


def test_an_unknown_scrubwatch_variable_is_warned_about(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = load_settings(
        environ={"SCRUBWATCH_CONCURENCY": "3", "SCRUBWATCH_TEST_POSTGRES": "postgresql://x"}
    )
    assert settings.concurrency == Settings().concurrency
    warned = [r.getMessage() for r in caplog.records]
    assert warned == ["ignoring SCRUBWATCH_CONCURENCY: there is no setting 'concurency'"]
