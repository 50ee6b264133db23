"""The command line: parses, calls the core, prints. No logic of its own lives here."""

import scrubwatch.cli.alerts  # noqa: F401  (the `alerts` sub-app registers on `app`)
from scrubwatch.cli import (  # noqa: F401  (they register)
    demo,
    doctor,
    evidence,
    importing,
    outlets,
    reading,
    scale,
    serve,
    watching,
    waves,
)
from scrubwatch.cli.app import app, main

__all__ = ["app", "main"]
