"""A wave as the faces show it, and its JSON shape (`waves --json`, `GET /api/waves`).

One place turns a wave into plain data, so the CLI and the web API cannot disagree on field
names. Fields may be added; the ones here are not renamed or dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote


@dataclass(frozen=True, slots=True)
class WaveMember:
    """One change of a wave: which outlet removed what, and when."""

    change_id: int
    article_id: int
    url: str
    outlet: str
    kind: str
    detected_at: datetime
    title: str | None
    removed: str  # the start of what the change removed
    from_version: int | None
    to_version: int | None

    @property
    def diff_path(self) -> str:
        """The web UI's page for this change: its diff when it has two versions."""
        if self.from_version and self.to_version:
            return f"/articles/{self.article_id}/diff?from={self.from_version}&to={self.to_version}"
        return f"/articles/{self.article_id}"


@dataclass(frozen=True, slots=True)
class WaveRecord:
    """A wave with its members (oldest first) and the URLs that still carry its story."""

    id: int
    started_at: datetime
    ended_at: datetime
    updated_at: datetime
    title: str | None
    outlets: tuple[str, ...]
    terms: tuple[str, ...]
    size: int
    members: tuple[WaveMember, ...]
    still_published: tuple[str, ...]


def wave_to_json(wave: WaveRecord, base_url: str = "") -> dict[str, Any]:
    """The JSON object of a wave; `base_url` makes the diff links absolute."""
    base = base_url.rstrip("/")
    return {
        "id": wave.id,
        "started_at": wave.started_at.isoformat(),
        "ended_at": wave.ended_at.isoformat(),
        "updated_at": wave.updated_at.isoformat(),
        "title": wave.title,
        "outlets": list(wave.outlets),
        "terms": list(wave.terms),
        "size": wave.size,
        "changes": [
            {
                "id": m.change_id,
                "url": m.url,
                "outlet": m.outlet,
                "kind": m.kind,
                "detected_at": m.detected_at.isoformat(),
                "title": m.title,
                "removed": m.removed,
                "diff": base + m.diff_path,
            }
            for m in wave.members
        ],
        "still_published": list(wave.still_published),
    }


def article_link(base_url: str, url: str) -> str:
    """The web UI's page of an article known by URL."""
    return f"{base_url.rstrip('/')}/article?url={quote(url, safe='')}"
