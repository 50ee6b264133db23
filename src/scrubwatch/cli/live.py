"""What `scrubwatch run` shows while it watches: a live status panel on a terminal, plain
log lines otherwise (a service manager's journal, a file)."""

from __future__ import annotations

from collections import deque
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from scrubwatch.cli.render import change_heading, safe
from scrubwatch.model import CaptureOutcome, Change

if TYPE_CHECKING:
    from scrubwatch.pipeline import CheckResult
    from scrubwatch.pipeline.report import PassReport

RECENT = 8  # changes kept on screen


def failed_text(failed: int, blocked: int) -> str:
    """ "3 failed (2 blocked)": a wall is a failure, named apart because its remedy differs
    (a proxy, a word with the site) from a server's that is down."""
    return f"{failed} failed ({blocked} blocked)" if blocked else f"{failed} failed"


class RunDisplay:
    """Collects what the runner reports and renders it."""

    def __init__(self, console: Console, now: datetime) -> None:
        self.console = console
        self.started = now
        self.passes = 0
        self.checked = 0
        self.failed = 0
        self.blocked = 0
        self.changes: deque[Change] = deque(maxlen=RECENT)
        self.last_pass: datetime | None = None

    def on_result(self, result: CheckResult) -> None:
        self.checked += 1
        self.failed += result.capture.outcome.is_failure
        self.blocked += result.capture.outcome == CaptureOutcome.BLOCKED
        if result.change is not None:
            self.changes.appendleft(result.change)

    def on_pass(self, report: PassReport, now: datetime) -> None:
        self.passes += 1
        self.last_pass = now

    def log_line(self, report: PassReport, now: datetime) -> str:
        """One plain line per pass, for logs."""
        return (
            f"{now.isoformat(timespec='seconds')} pass: {report.checked} checked, "
            f"{report.new_articles} new, {failed_text(report.failed, report.blocked)}, "
            f"{len(report.changes)} changes"
        )

    def __rich__(self) -> RenderableType:
        table = Table.grid(padding=(0, 2))
        table.add_row("watching since", self.started.strftime("%Y-%m-%d %H:%M:%S UTC"))
        last = self.last_pass.strftime("%H:%M:%S UTC") if self.last_pass else "running"
        table.add_row("passes", f"{self.passes} (last: {last})")
        table.add_row("checks", f"{self.checked} ({failed_text(self.failed, self.blocked)})")
        parts: list[RenderableType] = [table, Text("")]
        if self.changes:
            parts.append(Text("recent changes", style="bold"))
            for change in self.changes:
                parts.append(change_heading(change))
                parts.append(Text("  " + safe(change.summary)))
        else:
            parts.append(Text("no changes yet", style="dim"))
        parts.append(Text("stop with Ctrl-C", style="dim"))
        return Group(*parts)
