"""The command line: parses, calls the core, prints. No logic of its own lives here."""

from scrubwatch.cli import demo, reading, serve, watching  # noqa: F401  (commands register on `app`)
from scrubwatch.cli.app import app, main

__all__ = ["app", "main"]
