"""The Typer application, its global options and the error contract.

Exit status 0 on success, 2 for bad usage, 1 for other errors, with a one-line message on
stderr and no traceback unless `--debug`.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from scrubwatch.config import Settings, load_settings
from scrubwatch.errors import ScrubwatchError, UsageError
from scrubwatch.language_model import use_user_cache

app = typer.Typer(
    name="scrubwatch",
    help="Watch news outlets for stealth edits and deletions, keep every version as evidence.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@dataclass
class _State:
    debug: bool = False


_state = _State()
out = Console(soft_wrap=False)
err = Console(stderr=True)


@app.callback()
def _global_options(
    ctx: typer.Context,
    db: Annotated[
        str | None, typer.Option(help="Database URL (default: SQLite file in the data dir).")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Where the database and WARC files live.")
    ] = None,
    config: Annotated[Path | None, typer.Option(help="A TOML settings file.")] = None,
    debug: Annotated[bool, typer.Option(help="Show tracebacks and debug logs.")] = False,
) -> None:
    _state.debug = debug
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    ctx.obj = load_settings({"db": db, "data_dir": data_dir, "debug": debug}, config_file=config)
    use_user_cache()  # half a second less for every command that detects a language


def settings_of(ctx: typer.Context) -> Settings:
    """The Settings built by the global options."""
    settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except UsageError as exc:
        _fail(exc, 2)
    except ScrubwatchError as exc:
        _fail(exc, 1)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


def _fail(exc: Exception, status: int) -> None:
    if _state.debug:
        raise exc
    message = " ".join(str(exc).split())  # one line, whatever the error's text holds
    err.print(f"scrubwatch: error: {message}", markup=False, highlight=False, soft_wrap=True)
    sys.exit(status)
