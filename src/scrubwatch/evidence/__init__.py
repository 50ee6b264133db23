"""Evidence bundles: one verifiable WACZ file (and a readable report) per change.

A database cannot be handed to an editor or a court; a WACZ can. `select` picks the
captures that prove a change, `screenshot` renders them from the archived bytes alone,
`bundle` writes the WACZ and the report, `verify` recomputes every hash in one.
"""

from __future__ import annotations

from scrubwatch.evidence.bundle import BundleResult, build_bundle
from scrubwatch.evidence.screenshot import Renderer, find_chromium
from scrubwatch.evidence.select import article_selection, change_selection
from scrubwatch.evidence.verify import Verification, verify_bundle

__all__ = [
    "BundleResult",
    "Renderer",
    "Verification",
    "article_selection",
    "build_bundle",
    "change_selection",
    "find_chromium",
    "verify_bundle",
]
