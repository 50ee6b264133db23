"""A picture of one capture on demand, rendered from the archive and kept.

The web UI shows what a page looked like at any capture, not only in bundles. Archived
bytes never change, so a capture's picture is rendered once and kept as
`DATA_DIR/screenshots/capture-<id>.png`; later requests read the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from scrubwatch.errors import UsageError
from scrubwatch.evidence.screenshot import ArchivedPage, Renderer
from scrubwatch.evidence.select import Proof, proof_of
from scrubwatch.store import Store
from scrubwatch.store.warc import WarcArchive


def archived_page(
    proof: Proof, mark: tuple[str, ...] = (), colour: str = "#d00000"
) -> ArchivedPage:
    """A capture as the browser will be given it: its URL, status, type and body."""
    return ArchivedPage(
        url=proof.info.url,
        status=proof.info.status or 200,
        content_type=proof.info.content_type,
        body=proof.body,
        mark=mark,
        mark_colour=colour,
    )


def capture_screenshot(
    store: Store,
    archive: WarcArchive,
    capture_id: int,
    renderer: Callable[[], Renderer],
    cache: Path,
) -> bytes:
    """The full-page PNG of one archived capture, from the cache or rendered now (the
    renderer is only made, and Chromium only needed, when there is something to render)."""
    kept = cache / f"capture-{capture_id}.png"
    if kept.exists():
        return kept.read_bytes()
    capture = store.capture(capture_id)
    if capture is None or capture.warc is None:
        raise UsageError(f"capture {capture_id} does not exist or kept no response")
    proof = proof_of(store, archive, "capture", capture, {})
    (png,) = renderer().render([archived_page(proof)])
    cache.mkdir(parents=True, exist_ok=True)
    partial = kept.with_name(f"{kept.name}.{os.getpid()}.partial")
    partial.write_bytes(png)
    partial.replace(kept)  # two renders of one capture at once: either file is right
    return png
