"""`scrubwatch serve`: the web UI and JSON API on uvicorn.

Loopback by default. Binding anywhere else exposes the evidence database and the watch form
to the network, so it needs a token (`web_token`), checked on every request.
"""

from __future__ import annotations

from typing import Annotated

import typer

from scrubwatch.cli.app import app, err, settings_of
from scrubwatch.errors import UsageError


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(min=0, max=65535, help="Port (default 8686).")] = None,
) -> None:
    """Web UI, JSON API and Atom feeds."""
    # Imported here: FastAPI and uvicorn cost every other command (a worker, a scheduler,
    # `scrubwatch changes`) a quarter of a second of start-up they would never use.
    import uvicorn

    from scrubwatch.web import create_app
    from scrubwatch.web.security import LOOPBACK_HOSTS, check_token

    settings = settings_of(ctx)
    bind = host or settings.web_host
    chosen = port if port is not None else settings.web_port
    if settings.web_token is not None:
        check_token(settings.web_token)  # a blank or short token is refused, never ignored
    if bind not in LOOPBACK_HOSTS and not settings.web_token:
        raise UsageError(
            f"refusing to serve on {bind} without a token: set web_token "
            "(SCRUBWATCH_WEB_TOKEN) or bind 127.0.0.1"
        )
    err.print(f"scrubwatch: serving on http://{bind}:{chosen}/", markup=False, highlight=False)
    uvicorn.run(create_app(settings), host=bind, port=chosen, log_level="warning")
