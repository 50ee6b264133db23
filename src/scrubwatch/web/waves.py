"""Scrub waves on the web: the Waves page (a timeline per wave), `/api/waves` and an Atom
feed of waves.

Waves are read as the store has them; `update_waves` runs after every pass of checks (and
before `scrubwatch waves`), so the web app never writes. Article text (headlines, removed
passages) goes through autoescaping templates or ElementTree, never into markup by hand.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from scrubwatch.serialize import iso
from scrubwatch.waves import WaveRecord, wave_to_json
from scrubwatch.web.api import utc
from scrubwatch.web.deps import MAX_PAGE_SIZE, web_of
from scrubwatch.web.feeds import ATOM, ATOM_TYPE, EPOCH, FEED_SIZE, ID_BASE, atom_text

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["api"])
WAVES_SHOWN = 50


@router.get("/waves")
def waves_page(request: Request) -> Response:
    web = web_of(request)
    found = web.store.wave_list(limit=WAVES_SHOWN)
    return web.render(request, "waves.html", {"waves": found, "wave": None})


@router.get("/waves/{wave_id}")
def wave_page(request: Request, wave_id: int) -> Response:
    web = web_of(request)
    wave = web.store.wave(wave_id)
    if wave is None:
        raise HTTPException(404, f"no wave {wave_id}")
    return web.render(request, "waves.html", {"waves": [wave], "wave": wave})


@api_router.get("/waves", summary="Scrub waves, most recently active first (`waves --json`)")
def api_waves(
    request: Request,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="At most this many.")] = 100,
) -> JSONResponse:
    found = web_of(request).store.wave_list(since=utc(since), limit=limit)
    base = str(request.base_url)
    return JSONResponse([wave_to_json(w, base) for w in found])


@router.get("/feeds/waves.atom")
def waves_feed(request: Request) -> Response:
    found = web_of(request).store.wave_list(limit=FEED_SIZE)
    return Response(_atom(request, found), media_type=ATOM_TYPE)


def _atom(request: Request, found: list[WaveRecord]) -> bytes:
    """One entry per wave. A wave that grows gets a new `updated`, so readers show it again;
    its id stays, so they show it once."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    atom_text(feed, "title", "scrubwatch: scrub waves")
    atom_text(feed, "id", f"{ID_BASE}:waves")
    atom_text(feed, "updated", iso(max((w.updated_at for w in found), default=EPOCH)))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=str(request.url))
    atom_text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", "scrubwatch")
    for wave in found:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        atom_text(entry, "id", f"{ID_BASE}:wave:{wave.id}")
        outlets = ", ".join(wave.outlets)
        atom_text(entry, "title", f"WAVE: {wave.title or 'untitled'} ({outlets})")
        atom_text(entry, "updated", iso(wave.updated_at))
        link = str(request.url_for("wave_page", wave_id=wave.id))
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=link)
        atom_text(entry, "content", _entry_text(wave)).set("type", "text")
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


def _entry_text(wave: WaveRecord) -> str:
    lines: list[Any] = [f"{len(wave.outlets)} outlets removed this story"]
    if wave.terms:
        lines.append("removed: " + ", ".join(wave.terms))
    lines += [f"{iso(m.detected_at)} {m.kind.upper()} {m.url}" for m in wave.members]
    lines += [f"still published: {url}" for url in wave.still_published]
    return "\n".join(lines)
