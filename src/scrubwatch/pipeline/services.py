"""What a check needs (built once per process) and what it gives back."""

from __future__ import annotations

import random
from concurrent.futures import Executor
from dataclasses import dataclass, field

from scrubwatch.browser import BrowserPool
from scrubwatch.clock import Clock
from scrubwatch.config import Settings
from scrubwatch.fetch import Fetcher
from scrubwatch.model import Article, Capture, Change
from scrubwatch.pipeline.chrome import ChromeModels
from scrubwatch.pipeline.offload import AnalysisPool
from scrubwatch.pipeline.probe import NotFoundProbes
from scrubwatch.store import Store
from scrubwatch.store.warc import WarcArchive


@dataclass
class Services:
    """Per-process resources shared by every check."""

    settings: Settings
    store: Store
    fetcher: Fetcher
    archive: WarcArchive
    clock: Clock
    executor: Executor  # one processing thread: extraction, comparison, database writes
    probes: NotFoundProbes
    chrome: ChromeModels
    rng: random.Random = field(default_factory=random.Random)
    pages: AnalysisPool | None = None  # worker processes for page analysis (big passes)
    # Headless Chromium for outlets with `fetcher = "browser"`, started on first use.
    browser: BrowserPool | None = None


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What one check found, for progress reports."""

    article: Article
    capture: Capture
    change: Change | None
    fast_path: bool = False  # decided unchanged without extraction (fast re-check path)
    # Set when the check hit a bug rather than a bad page ("IntegrityError: ..."): the
    # capture is a failure like any other, but `check` owes its user an exit status of 1.
    internal_error: str | None = None
