"""`create_app(settings)`: the FastAPI application, its templates, assets and defences.

The app owns the store it opens (closed on shutdown); tests may hand in their own store and
clock instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.exceptions import HTTPException

from scrubwatch.clock import Clock, SystemClock
from scrubwatch.config import Settings
from scrubwatch.serialize import archive_of, window_text
from scrubwatch.store import Store, open_store
from scrubwatch.web import alerts, api, evidence, feeds, pages, waves
from scrubwatch.web.deps import Web
from scrubwatch.web.security import (
    HostAllowList,
    SecurityHeaders,
    TokenGate,
    allowed_host_names,
    check_token,
)

HERE = Path(__file__).parent


def create_app(
    settings: Settings, *, store: Store | None = None, clock: Clock | None = None
) -> FastAPI:
    """The web UI, JSON API and feeds over the store `settings` point at."""
    owned = store is None
    the_store = store if store is not None else open_store(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            the_store.close()

    app = FastAPI(
        title="scrubwatch",
        summary="Stealth edits and deletions of news articles, with every version as evidence.",
        version="0.1",
        # The stock docs pages load scripts from a CDN: refused by our CSP and useless offline.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.web = Web(settings, the_store, clock or SystemClock(), _templates())
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(evidence.router)
    app.include_router(feeds.router)
    app.include_router(alerts.router)
    app.include_router(waves.router)
    app.include_router(waves.api_router)
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    token = settings.web_token
    if token is not None:  # a blank one is refused, never taken for "no token"
        check_token(token)
        app.add_middleware(TokenGate, token=token)
    names = allowed_host_names(settings.base_url, settings.web_hosts)
    app.add_middleware(HostAllowList, names=names)  # before the token: rebinding gets nothing
    app.add_middleware(SecurityHeaders)  # outermost: even a 400 or 401 carries the headers
    return app


def _templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,  # article text is hostile: everything is escaped, always
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["q"] = lambda value: quote(str(value), safe="")
    env.filters["window"] = window_text
    env.filters["archive"] = archive_of
    return Jinja2Templates(env=env)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "never"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/feeds/"))


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
    web = request.app.state.web
    assert isinstance(web, Web)
    context = {"status": exc.status_code, "message": str(exc.detail)}
    return web.render(request, "error.html", context, status=exc.status_code)


async def _invalid(request: Request, exc: RequestValidationError) -> Response:
    detail = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
    if _wants_json(request):
        return JSONResponse({"detail": detail}, status_code=422)
    web = request.app.state.web
    assert isinstance(web, Web)
    message = "; ".join(f"{'.'.join(map(str, d['loc']))}: {d['msg']}" for d in detail)
    return web.render(request, "error.html", {"status": 422, "message": message}, status=422)
