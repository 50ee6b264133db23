"""`GET /api/changes/{id}/evidence`: the same WACZ bundle `scrubwatch evidence` writes;
`GET /api/captures/{id}/screenshot.png`: one capture's picture, rendered from the archive.

Built on demand into a temporary directory and streamed as a download; the directory goes
when the response is sent. Screenshots need Chromium: without it the answer is a 503 that
says so, unless `?screenshots=false` asks for a bundle without them (as the CLI's
`--no-screenshots`). The route is synchronous on purpose: FastAPI runs it in a worker
thread, where Playwright's synchronous API may start its own event loop.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from scrubwatch.errors import EvidenceError, UsageError
from scrubwatch.evidence import Renderer, build_bundle, change_selection, find_chromium
from scrubwatch.evidence.snapshots import capture_screenshot
from scrubwatch.store.warc import WarcArchive
from scrubwatch.web.deps import web_of

router = APIRouter(prefix="/api", tags=["api"])

WACZ_MEDIA_TYPE = "application/wacz"


@router.get(
    "/changes/{change_id}/evidence",
    summary="A verifiable WACZ evidence bundle of one change (as `scrubwatch evidence`)",
    response_class=FileResponse,
)
def api_change_evidence(request: Request, change_id: int, screenshots: bool = True) -> FileResponse:
    web = web_of(request)
    try:
        renderer = Renderer(find_chromium()) if screenshots else None
        selection = change_selection(web.store, WarcArchive(web.settings.archive_dir), change_id)
    except UsageError as exc:
        raise HTTPException(404, str(exc)) from exc
    except EvidenceError as exc:
        raise HTTPException(503, str(exc)) from exc
    workdir = Path(tempfile.mkdtemp(prefix="scrubwatch-evidence-"))
    target = workdir / f"scrubwatch-change-{change_id}.wacz"
    try:
        build_bundle(selection, target, renderer=renderer, now=web.clock.now())
    except EvidenceError as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        raise HTTPException(503, str(exc)) from exc
    return FileResponse(
        target,
        media_type=WACZ_MEDIA_TYPE,
        filename=target.name,
        background=BackgroundTask(shutil.rmtree, workdir, ignore_errors=True),
    )


@router.get(
    "/captures/{capture_id}/screenshot.png",
    summary="A full-page picture of one capture, rendered from its archived response",
    response_class=Response,
)
def api_capture_screenshot(request: Request, capture_id: int) -> Response:
    web = web_of(request)
    archive = WarcArchive(web.settings.archive_dir)
    cache = web.settings.data_dir / "screenshots"
    try:
        png = capture_screenshot(
            web.store, archive, capture_id, lambda: Renderer(find_chromium()), cache
        )
    except UsageError as exc:
        raise HTTPException(404, str(exc)) from exc
    except EvidenceError as exc:
        raise HTTPException(503, str(exc)) from exc
    # Archived bytes never change, so neither does their picture.
    return Response(png, media_type="image/png", headers={"Cache-Control": "max-age=86400"})
