"""Commands import only what they use: every `scrubwatch` call is a fresh process, so a
command that loads the web framework, the database layer or the extractor without needing
them pays for it on every call (bench/bench_startup.py measures the CPU)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# What each library costs to import, roughly, on the CI machine kind: 0.1-0.5 s each.
HEAVY = (
    "alembic",
    "apprise",
    "charset_normalizer",
    "courlan",
    "fastapi",
    "feedparser",
    "htmldate",
    "httpx",
    "numpy",
    "playwright",
    "procrastinate",
    "py3langid",
    "pydantic",
    "sqlalchemy",
    "trafilatura",
    "warcio",
)

# Runs a scrubwatch entry point in a fresh interpreter, then prints the heavy modules loaded.
_PROBE = """
import atexit, json, sys
heavy = {heavy!r}
atexit.register(lambda: print("LOADED=" + json.dumps([m for m in heavy if m in sys.modules])))
{code}
"""


def _loaded(code: str, tmp_path: Path) -> list[str]:
    run = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=HEAVY, code=code)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"SCRUBWATCH_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    line = [x for x in run.stdout.splitlines() if x.startswith("LOADED=")]
    assert line, run.stdout + run.stderr
    return list(json.loads(line[-1].removeprefix("LOADED=")))


def test_starting_the_cli_loads_no_heavy_library(tmp_path: Path) -> None:
    assert _loaded("import scrubwatch.cli", tmp_path) == []


def test_extracting_a_file_loads_the_extractor_only(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><article><h1>Talks</h1><p>Talks resume.</p></article></body>")
    code = (
        "import sys\nfrom scrubwatch.cli import main\n"
        f"sys.argv = ['scrubwatch', 'extract', {str(page)!r}, '--json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
    )
    extractor = _loaded("import trafilatura, htmldate", tmp_path)  # and what they import
    assert {"htmldate", "trafilatura"} <= set(extractor)
    assert sorted(_loaded(code, tmp_path)) == sorted(extractor)


def test_the_runner_loads_the_extractor_only_for_a_page_to_analyse(tmp_path: Path) -> None:
    """A pass of unchanged pages, or one whose pages go to analysis workers, never needs
    trafilatura in the main process."""
    loaded = _loaded("import scrubwatch.runner", tmp_path)
    assert "trafilatura" not in loaded and "htmldate" not in loaded
    assert "alembic" not in loaded  # only when a schema needs migrating
    # a feed's parser, a URL's file-type filter, a charset guesser: when a page needs them
    assert not {"feedparser", "courlan", "charset_normalizer"} & set(loaded)
    assert "sqlalchemy" in loaded  # the store it cannot do without (the probe sees imports)
    code = (
        "import scrubwatch.runner\n"
        "from scrubwatch.pipeline.analysis import Page, analyse\n"
        "analyse(Page(200, 'http://a.test/x', 'http://a.test/x', b'<p>Text.</p>', 'text/html'))"
    )
    assert "trafilatura" in _loaded(code, tmp_path)


def test_a_command_does_not_load_a_validation_library(tmp_path: Path) -> None:
    """click parses the options; typer 0.29 and later would add pydantic to every call."""
    code = (
        "import sys\nfrom scrubwatch.cli import main\n"
        "sys.argv = ['scrubwatch', 'changes', '--json', '--limit', '5']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
    )
    loaded = _loaded(code, tmp_path)
    assert "sqlalchemy" in loaded  # the command ran to the store
    assert "pydantic" not in loaded
