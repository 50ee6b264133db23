"""The command line: parses, calls the core, prints. No logic of its own lives here."""

import scrubwatch.cli.alerts  # noqa: F401  (the `alerts` sub-app registers on `app`)
from scrubwatch.cli import demo, reading, scale, serve, watching, waves  # noqa: F401  (they register)
from scrubwatch.cli.app import app, main

__all__ = ["app", "main"]
