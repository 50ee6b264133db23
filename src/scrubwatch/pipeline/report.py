"""What one pass of checks did: the summary `check`, `run` and the demo print."""

from __future__ import annotations

from dataclasses import dataclass, field

from scrubwatch.model import CaptureOutcome, Change
from scrubwatch.pipeline.services import CheckResult
from scrubwatch.pipeline.waves import WaveUpdate


@dataclass
class PassReport:
    """What one pass did."""

    new_articles: int = 0
    results: list[CheckResult] = field(default_factory=list)
    archive_changes: list[Change] = field(default_factory=list)  # watched archives forgot
    waves: WaveUpdate | None = None  # None when updating the scrub waves failed

    @property
    def checked(self) -> int:
        return len(self.results)

    @property
    def failed(self) -> int:
        """Checks that did not see the article: failed or blocked."""
        return sum(1 for r in self.results if r.capture.outcome.is_failure)

    @property
    def blocked(self) -> int:
        """Checks that met a wall (bot challenge, consent, login, paywall): part of `failed`."""
        return sum(1 for r in self.results if r.capture.outcome == CaptureOutcome.BLOCKED)

    @property
    def internal_errors(self) -> list[CheckResult]:
        """Checks that hit a bug rather than a bad page (recorded as failed captures)."""
        return [r for r in self.results if r.internal_error is not None]

    @property
    def fast(self) -> int:
        """Checks the fast re-check path settled without extraction."""
        return sum(1 for r in self.results if r.fast_path)

    @property
    def changes(self) -> list[Change]:
        return [r.change for r in self.results if r.change is not None] + self.archive_changes
