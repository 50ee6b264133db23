"""Screenshots in evidence bundles: rendered by Debian's chromium (through Playwright) from
the archived bytes alone. The fake outlet must receive no request while they are made, the
pictures are real PNGs that differ, stored as `urn:screenshot:` resource records, and an
altered picture makes `verify` fail.

Without playwright or chromium these tests skip, except under CI (`CI=true`), where a
missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Cli
from evidence_support import members, replace_in_gzip_members, reseal, rewrite
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.evidence import verify_bundle
from scrubwatch.evidence.records import read_records
from scrubwatch.evidence.screenshot import ArchivedPage, Renderer
from scrubwatch.web import create_app
from web_support import Client, Scene, build_scene

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")


def _chromium() -> Path:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "playwright is not installed (pip install playwright)"
    else:
        found = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
        if found:
            return Path(found)
        missing = "chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"screenshot tests cannot run under CI: {missing}")
    pytest.skip(missing)


@pytest.fixture(scope="module")
def chromium() -> Path:
    return _chromium()


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory, chromium: Path) -> Iterator[Scene]:
    with FakeOutlet() as outlet:
        built = build_scene(tmp_path_factory.mktemp("shots") / "data", outlet)
        yield built
        built.store.close()


@pytest.fixture(scope="module")
def bundle(
    scene: Scene, chromium: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, int]:
    """One bundle with screenshots, and how many requests the outlet got while it was made."""
    from scrubwatch.cli import main

    change = next(c for c in scene.store.changes() if c.url == scene.scrubbed_url)
    target = tmp_path_factory.mktemp("bundle") / "scrub.wacz"
    before = len(scene.outlet.requests)
    argv = ["scrubwatch", "--data-dir", str(scene.settings.data_dir), "evidence"]
    argv += [str(change.id), "-o", str(target), "--chromium", str(chromium)]
    with pytest.MonkeyPatch.context() as patch, pytest.raises(SystemExit) as exited:
        patch.setattr("sys.argv", argv)
        main()
    assert exited.value.code in (0, None)
    return target, len(scene.outlet.requests) - before


def _screenshot_records(path: Path) -> list[tuple[str, str, bytes]]:
    data = members(path)["archive/screenshots.warc.gz"]
    return [(r.url, r.mime, r.payload) for r in read_records(data) if r.record_type == "resource"]


def test_screenshots_are_rendered_without_the_network(
    bundle: tuple[Path, int], scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    path, requests_while_rendering = bundle
    assert requests_while_rendering == 0
    shots = _screenshot_records(path)
    assert [(url, mime) for url, mime, _ in shots] == [
        (f"urn:screenshot:{scene.scrubbed_url}", "image/png")
    ] * 2
    before, after = (png for _, _, png in shots)
    assert before.startswith(b"\x89PNG\r\n\x1a\n") and after.startswith(b"\x89PNG\r\n\x1a\n")
    assert before != after
    report = path.with_suffix(".html").read_text()
    assert report.count('src="data:image/png;base64,') == 2
    meta = json.loads(members(path)["evidence/evidence.json"])
    assert all(c["screenshot"]["url"].startswith("urn:screenshot:") for c in meta["captures"])
    verified = Cli(scene.settings.data_dir, capsys)("verify", str(path))
    assert verified.code == 0, verified.stdout


def test_an_altered_screenshot_fails_verify(
    bundle: tuple[Path, int], scene: Scene, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = tmp_path / "forged.wacz"
    shutil.copy(bundle[0], forged)
    shutil.copy(bundle[0].with_suffix(".html"), forged.with_suffix(".html"))
    rewrite(
        forged,
        "archive/screenshots.warc.gz",
        lambda data: replace_in_gzip_members(data, b"IEND", b"IENE"),
    )
    cli = Cli(scene.settings.data_dir, capsys)
    result = cli("verify", str(forged))
    assert result.code == 1
    assert "FAIL  archive/screenshots.warc.gz SHA-256 and size" in result.stdout
    reseal(forged)  # a forger who also rewrites the manifest is caught by the record digests
    result = cli("verify", str(forged))
    assert result.code == 1
    failures = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert any("archive/screenshots.warc.gz: digests of resource" in f for f in failures)
    assert all("screenshots.warc.gz" in f for f in failures), failures


def test_the_router_refuses_everything_but_the_archived_page(
    chromium: Path, outlet: FakeOutlet
) -> None:
    """A page pointing at images, styles, scripts and frames on a live server gets none of
    them: each is refused, and the server sees no request."""
    live = outlet.base_url
    html = (
        f'<html><head><link rel="stylesheet" href="{live}/style.css">'
        f'<script src="{live}/app.js"></script></head><body>'
        f'<p>Officials said the corridor would be built.</p><img src="{live}/photo.jpg">'
        f'<iframe src="{live}/frame"></iframe>'
        f"<script>fetch('{live}/beacon')</script></body></html>"
    ).encode()
    page = ArchivedPage(
        url=f"{live}/news/archived",
        status=200,
        content_type="text/html; charset=utf-8",
        body=html,
        mark=("Officials said the corridor would be built.",),
    )
    renderer = Renderer(chromium, timeout_s=20)
    (png,) = renderer.render([page])
    assert png.startswith(b"\x89PNG")
    assert outlet.requests == []
    assert renderer.log.served == [page.url]
    refused = {url.removeprefix(live) for url in renderer.log.refused}
    assert {"/style.css", "/app.js", "/photo.jpg", "/frame"} <= refused
    assert renderer.log.marked == [1]


def test_the_web_api_renders_screenshots_too(scene: Scene, tmp_path: Path) -> None:
    """`/api/changes/{id}/evidence` renders in FastAPI's worker thread, from the archive."""
    change = next(c for c in scene.store.changes() if c.url == scene.deleted_url)
    client = Client(create_app(scene.settings, store=scene.store))
    before = len(scene.outlet.requests)
    response = client.get(f"/api/changes/{change.id}/evidence")
    assert response.status_code == 200, response.text
    assert len(scene.outlet.requests) == before
    path = tmp_path / "web.wacz"
    path.write_bytes(response.content)
    assert verify_bundle(path).ok
    assert len(_screenshot_records(path)) == 2


def test_odd_urls_and_endless_pages_render(chromium: Path, outlet: FakeOutlet) -> None:
    """A host without a path, a non-ASCII path, and a page taller than the height cap: each
    rendered from its archived bytes, the tall one cut at the cap."""
    tall = b"<html><body><div style='height:30000px'>top</div>bottom</body></html>"
    pages = [
        ArchivedPage(outlet.base_url, 200, "text/html", b"<h1>Home</h1>"),
        ArchivedPage(f"{outlet.base_url}/news/зангезур", 404, "text/html", b"<h1>Not found</h1>"),
        ArchivedPage(f"{outlet.base_url}/news/tall", 200, "text/html", tall),
    ]
    renderer = Renderer(chromium, timeout_s=20)
    shots = renderer.render(pages)
    assert outlet.requests == []
    heights = [int.from_bytes(png[20:24], "big") for png in shots]  # PNG IHDR height
    assert heights[0] > 0 and heights[1] > 0
    assert heights[2] == 20_000


def test_a_capture_screenshot_on_demand_is_rendered_once(scene: Scene) -> None:
    """The article page links each archived capture's picture; the first request renders it
    from the archive, later ones read the kept file."""
    article = scene.store.article(scene.scrubbed_url)
    assert article is not None and article.id is not None
    capture = next(c for c in scene.store.captures(article.id) if c.warc is not None)
    client = Client(create_app(scene.settings, store=scene.store))
    page = client.get(f"/articles/{article.id}").text
    assert f"/api/captures/{capture.id}/screenshot.png" in page
    before = len(scene.outlet.requests)
    first = client.get(f"/api/captures/{capture.id}/screenshot.png")
    assert first.status_code == 200 and first.headers["content-type"] == "image/png"
    assert first.content.startswith(b"\x89PNG")
    kept = scene.settings.data_dir / "screenshots" / f"capture-{capture.id}.png"
    assert kept.read_bytes() == first.content
    assert client.get(f"/api/captures/{capture.id}/screenshot.png").content == first.content
    assert len(scene.outlet.requests) == before
    assert client.get("/api/captures/99999/screenshot.png").status_code == 404
