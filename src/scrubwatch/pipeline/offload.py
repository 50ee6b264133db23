"""Page analysis in worker processes, for passes big enough to pay for them.

Extraction is pure Python and C under the GIL: in one process it takes turns with the event
loop and the database writes however many threads there are. A worker process runs it on
another core while this process fetches, archives and records; on two cores the first pass
over many new articles goes much faster.

The workers are plain child processes (`python -m scrubwatch.pipeline.offload`) fed over
their stdin and answering on their stdout, both driven by the event loop: no thread in this
process has to win the GIL to hand a worker its next page, so a worker never idles while
pages wait (with `ProcessPoolExecutor`, whose feeding threads wait for the GIL, it did).

Starting a worker costs about a second of imports, so the runner uses workers only on passes
of `MIN_PASS_ARTICLES` or more, starts them when the first page needs analysis (a pass of
unchanged pages starts none), analyses pages in the processing thread until one is up, and
stops them at the end of the pass. A worker that dies (a page that crashes the parser or
exhausts memory) costs the checks in flight a `WorkerDied`, recorded as a failed capture and
retried later like any failed fetch; the next page starts a fresh worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import struct
import sys
from collections.abc import Callable
from typing import IO, Any

from scrubwatch.language_model import use_user_cache
from scrubwatch.pipeline.analysis import Analysis, Page, analyse

log = logging.getLogger(__name__)
MIN_PASS_ARTICLES = 100  # smaller passes analyse in the processing thread: not worth a worker
_FRAME = struct.Struct("!Q")  # every message: its length, then a pickle
_STOP_GRACE = 5.0  # seconds a worker gets to exit after its input closes
MAX_RESTARTS = 10  # then pages are analysed in the processing thread for the pool's life


class WorkerDied(Exception):
    """The worker process died while analysing a page."""


class AnalysisPool:
    """Worker processes that analyse pages; started on first use, restarted after a crash.

    Used from one event loop only.
    """

    def __init__(self, workers: int, *, task: Callable[[Page], Analysis] = analyse) -> None:
        """`task` (a module-level function, so a worker can import it) analyses one page."""
        if workers < 1:
            raise ValueError("an analysis pool needs at least one worker")
        self.analysed = 0  # pages analysed in a worker, for reports and tests
        self._task = task
        self._workers: list[_Worker | None] = [None] * workers
        self._retired: list[_Worker] = []
        self._starts = 0

    def ready(self) -> bool:
        """True when a worker is up; the first call starts them (and returns False)."""
        for i, worker in enumerate(self._workers):
            if worker is not None and not worker.dead:
                continue
            if worker is not None:
                self._retired.append(worker)
            if self._starts >= len(self._workers) + MAX_RESTARTS:
                self._workers[i] = None  # workers keep dying: stay in the processing thread
                continue
            self._starts += 1
            self._workers[i] = _Worker(self._task)
        return any(w is not None and w.ready for w in self._workers)

    async def wait_ready(self) -> None:
        """Start the workers if none is up, and wait until they are."""
        self.ready()
        await asyncio.gather(*(w.up.wait() for w in self._workers if w is not None))

    async def analyse(self, page: Page) -> Analysis:
        """Analyse `page` in the least busy worker; `WorkerDied` if that worker dies first."""
        up = [w for w in self._workers if w is not None and w.ready]
        if not up:
            raise WorkerDied("no page analysis worker is running")
        analysis = await min(up, key=lambda w: w.pending).analyse(page)
        self.analysed += 1
        return analysis

    async def close(self) -> None:
        """Stop the workers, waiting for them; the pool can start again afterwards."""
        workers = [w for w in (*self._workers, *self._retired) if w is not None]
        self._workers, self._retired = [None] * len(self._workers), []
        await asyncio.gather(*(w.close() for w in workers))


class _Worker:
    """One child process and the pages it was handed, answered in order."""

    def __init__(self, task: Callable[[Page], Analysis]) -> None:
        self.ready = False
        self.dead = False
        self._waiting: list[asyncio.Future[Analysis]] = []
        self._process: asyncio.subprocess.Process | None = None
        self.up = asyncio.Event()  # set once the worker is ready, or failed to start
        self._life = asyncio.ensure_future(self._run(task))

    @property
    def pending(self) -> int:
        return len(self._waiting)

    async def analyse(self, page: Page) -> Analysis:
        if self.dead or self._process is None or self._process.stdin is None:
            raise WorkerDied("page analysis worker died")
        answer: asyncio.Future[Analysis] = asyncio.get_running_loop().create_future()
        self._waiting.append(answer)
        stdin = self._process.stdin
        stdin.write(_frame(page))
        with contextlib.suppress(ConnectionError):  # a dead worker fails `answer` instead
            await stdin.drain()
        return await answer

    async def _run(self, task: Callable[[Page], Analysis]) -> None:
        try:
            # -P: a file in the working directory named like a module is not imported.
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-P",
                "-m",
                __name__,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            stdin, stdout = self._process.stdin, self._process.stdout
            assert stdin is not None and stdout is not None
            # The worker imports what this process can (the task may live anywhere), then
            # the task, and logs as this process does.
            stdin.write(_frame(list(sys.path)))
            stdin.write(_frame((logging.getLogger().getEffectiveLevel(), task)))
            await _read_frame(stdout)  # the worker's imports are done
            self.ready = True
        except Exception as exc:  # pages go on being analysed in the processing thread
            log.warning("page analysis worker did not start: %r", exc)
            self.dead = True
            self._kill()
            return
        finally:
            self.up.set()
        await self._answer(stdout)

    async def _answer(self, stdout: asyncio.StreamReader) -> None:
        """Hand each answer to the page that waits for it, until the worker exits."""
        try:
            while True:
                ok, result = await _read_frame(stdout)
                answer = self._waiting.pop(0)
                if answer.done():  # its check was cancelled
                    continue
                if ok:
                    answer.set_result(result)
                else:
                    answer.set_exception(result)
        except (asyncio.IncompleteReadError, EOFError):
            pass  # the worker exited
        except Exception as exc:  # an answer that cannot be read: stop trusting this worker
            log.warning("page analysis worker gave an unreadable answer: %r", exc)
            self._kill()
        finally:
            self.ready, self.dead = False, True
            for answer in self._waiting:
                if not answer.done():
                    answer.set_exception(WorkerDied("page analysis worker died"))
            self._waiting.clear()

    async def close(self) -> None:
        process = self._process
        if process is not None and process.stdin is not None:
            process.stdin.close()  # the worker exits when its input ends
            try:
                await asyncio.wait_for(process.wait(), _STOP_GRACE)
            except TimeoutError:
                self._kill()
                await process.wait()
        with contextlib.suppress(asyncio.CancelledError):
            await self._life

    def _kill(self) -> None:
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()


def default_workers() -> int:
    """Worker processes worth running here: one core stays with this process; 0 means none."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(0, min(cores - 1, 2))


def _frame(message: object) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _FRAME.pack(len(data)) + data


async def _read_frame(stream: asyncio.StreamReader) -> Any:
    (size,) = _FRAME.unpack(await stream.readexactly(_FRAME.size))
    return pickle.loads(await stream.readexactly(size))


def _read_blocking(stream: IO[bytes]) -> Any:
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        raise EOFError
    (size,) = _FRAME.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def _serve() -> None:
    """The worker: answer pages read from stdin on stdout until stdin ends."""
    # Ctrl-C (or a service manager's SIGTERM) may reach the whole process group: the parent
    # finishes its checks, then closes our input, and we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    requests = os.fdopen(0, "rb")
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not corrupt the answers
    try:
        sys.path[:] = _read_blocking(requests)
        level, task = _read_blocking(requests)
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        use_user_cache()
        answers.write(_frame("ready"))
        answers.flush()
        while True:
            page = _read_blocking(requests)
            answers.write(_frame(_run(task, page)))
            answers.flush()
    except EOFError:
        return


def _run(task: Callable[[Page], Analysis], page: Page) -> tuple[bool, object]:
    try:
        return True, task(page)
    except Exception as exc:  # the caller gets it raised, as if analysed in its own thread
        try:
            pickle.dumps(exc)
        except Exception:
            return False, RuntimeError(f"page analysis failed: {exc!r}")
        return False, exc


if __name__ == "__main__":
    _serve()
