"""pywb, the reference replay tool, opens an evidence bundle and replays both captures.

pywb runs from its own virtualenv (tests/pywb_support.py says where it is found).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from articles import BYLINE, PARAGRAPHS, REMOVED_SENTENCE, SCRUBBED, TITLE
from conftest import Cli
from pywb_support import free_port, pywb_bin
from scrubwatch.demo.outlet import FakeOutlet

pytestmark = pytest.mark.slow


@pytest.fixture
def wayback(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A pywb root directory with an empty collection `ev`, and pywb's bin directory."""
    bin_dir = pywb_bin()
    root = tmp_path / "pywb"
    root.mkdir()
    subprocess.run([str(bin_dir / "wb-manager"), "init", "ev"], cwd=root, check=True, timeout=60)
    yield root, str(bin_dir)


def test_pywb_replays_both_captures(
    wayback: tuple[Path, str],
    outlet: FakeOutlet,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, bin_dir = wayback
    cli = Cli(tmp_path / "data", capsys)
    url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    assert cli("watch", url).code == 0
    assert cli("check", "--all").code == 0
    time.sleep(1.1)  # WARC dates have whole seconds: the two captures must not share one
    outlet.edit("aliyev-beijing", paragraphs=SCRUBBED)
    assert cli("check", "--all").code == 0
    change = cli("changes", "--json").json()[0]
    target = tmp_path / "change.wacz"
    made = cli("evidence", str(change["id"]), "-o", str(target), "--no-screenshots")
    assert made.code == 0, made.stderr

    manager = [f"{bin_dir}/wb-manager", "add", "ev", "--unpack-wacz", str(target)]
    subprocess.run(manager, cwd=root, check=True, timeout=120)
    port = free_port()
    server = subprocess.Popen(
        [f"{bin_dir}/wayback", "-p", str(port), "-b", "127.0.0.1"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        bodies = _replayed(f"http://127.0.0.1:{port}/ev", url)
    finally:
        server.terminate()
        server.wait(timeout=10)
    before, after = bodies
    assert REMOVED_SENTENCE in before and REMOVED_SENTENCE not in after
    assert "$3.2 billion" in after


def _replayed(base: str, url: str) -> list[str]:
    """The body of every capture of `url` the replay server lists, oldest first."""
    deadline = time.monotonic() + 30
    while True:
        try:
            listing = httpx.get(f"{base}/cdx", params={"url": url, "output": "json"}, timeout=5)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
    assert listing.status_code == 200, listing.text
    stamps = [json.loads(line)["timestamp"] for line in listing.text.splitlines() if line]
    assert len(stamps) == 2, listing.text
    bodies = []
    for stamp in sorted(stamps):
        replay = httpx.get(f"{base}/{stamp}id_/{url}", timeout=10)
        assert replay.status_code == 200
        bodies.append(replay.text)
    return bodies
