"""The concurrency rule, watched while every test runs: no database call on an event loop.

Every SQL statement any SQLAlchemy engine sends passes `before_cursor_execute`, in the
thread that sends it. When that thread is running an event loop, the guard walks the stack
out from the driver to the first code that is neither SQLAlchemy's nor the store's own: if
that is scrubwatch code, the statement blocked the loop (every check, download and alert
of the process waited for it) and the guard writes down where it came from. A test's own
code may query on its loop (it sets up and inspects); scrubwatch code may not.

A runtime check rather than a lexical one: a store call hidden in a plain method that an
`async def` calls (`self._due()`) is caught as surely as one written in the coroutine.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from sqlalchemy import Engine, event

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "scrubwatch"
# Below the line: the store itself and the migrations it runs while opening.
STORE_SIDE = (str(SOURCE / "store") + "/", str(SOURCE / "migrations") + "/")
OUR_TESTS = (str(ROOT / "tests") + "/", str(ROOT / "bench") + "/")


class LoopGuard:
    """Collects the database calls scrubwatch code made on a running event loop."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __enter__(self) -> LoopGuard:
        event.listen(Engine, "before_cursor_execute", self._sent)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        event.remove(Engine, "before_cursor_execute", self._sent)

    def _sent(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # a worker thread (to_thread, run_in_executor, a threadpool): fine
        caller = offender(sys._getframe(1))
        if caller is not None:
            self.calls.append(f"{caller}: {' '.join(statement.split())[:80]}")


def offender(frame: FrameType | None) -> str | None:
    """Where scrubwatch code (outside the store) made this call, or None when the first
    code met outside the store and its libraries is a test's own."""
    while frame is not None:
        path = frame.f_code.co_filename
        if path.startswith(OUR_TESTS):
            return None
        if path.startswith(str(SOURCE)) and not path.startswith(STORE_SIDE):
            where = Path(path).relative_to(SOURCE)
            return f"{where}:{frame.f_lineno} in {frame.f_code.co_name}"
        frame = frame.f_back
    return None
