"""The web face: HTML pages, the JSON API under `/api` and Atom feeds, over one store.

Build it with `create_app(settings)`; `scrubwatch serve` runs it with uvicorn.
"""

from scrubwatch.web.app import create_app

__all__ = ["create_app"]
