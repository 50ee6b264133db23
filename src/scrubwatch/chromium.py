"""Where Chromium is and how it is started: shared by browser fetching and screenshots.

Both drive Debian's Chromium (`chromium`; `chromium-browser` on Ubuntu) through Playwright,
headless and without network of its own: every request it makes is answered by the caller
or dies at a proxy address where nothing listens.
"""

from __future__ import annotations

import shutil
from pathlib import Path

CANDIDATES = (Path("/usr/bin/chromium"), Path("/usr/bin/chromium-browser"))
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    # Nothing listens on port 9 (discard): a request the router missed dies here.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--js-flags=--max-old-space-size=256",
]


def locate() -> Path | None:
    """Debian's Chromium, or one on PATH; None when there is none."""
    for candidate in CANDIDATES:
        if candidate.exists():
            return candidate
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None
