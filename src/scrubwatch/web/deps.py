"""What every route needs, reached from the request: settings, store, clock, templates.

Routes take a `Web` through `web_of(request)` instead of module globals, so two apps (two
tests) in one process never share a store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from scrubwatch.clock import Clock
from scrubwatch.config import Settings
from scrubwatch.store import Store
from scrubwatch.web.security import csrf_token, remember_csrf

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Web:
    """The app's collaborators."""

    settings: Settings
    store: Store
    clock: Clock
    templates: Jinja2Templates

    def render(
        self, request: Request, name: str, context: dict[str, Any], status: int = 200
    ) -> Response:
        """A page from `templates/`, with the CSRF token every form needs."""
        token = csrf_token(request)
        response = self.templates.TemplateResponse(
            request, name, {**context, "csrf": token}, status_code=status
        )
        remember_csrf(request, response, token)
        return response


def web_of(request: Request) -> Web:
    """The `Web` of the app serving this request."""
    web = request.app.state.web
    assert isinstance(web, Web)
    return web
