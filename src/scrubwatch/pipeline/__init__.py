"""Check one article: fetch → archive → extract → compare → store.

`check_article` is the unit of work whatever runs it (the local asyncio runner today,
procrastinate workers in scale-out). The network part is async; the CPU part (extraction,
comparison) and the database writes run in the runner's processing thread so they never
block the event loop, and on big passes the page analysis runs in a worker process
(`offload`).

The names below load on first use: a worker process that only analyses pages imports
`analysis` and never the fetcher, the store or the database driver.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrubwatch.pipeline.check import check_article
    from scrubwatch.pipeline.chrome import ChromeModels
    from scrubwatch.pipeline.probe import NotFoundProbes
    from scrubwatch.pipeline.services import CheckResult, Services

__all__ = ["CheckResult", "ChromeModels", "NotFoundProbes", "Services", "check_article"]

_HOMES = {
    "check_article": "check",
    "ChromeModels": "chrome",
    "NotFoundProbes": "probe",
    "CheckResult": "services",
    "Services": "services",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
