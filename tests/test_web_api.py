"""The JSON API and Atom feeds, through the ASGI test client, over a store the real
pipeline filled from the fake outlet."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from articles import REMOVED_SENTENCE
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.serialize import change_to_json
from scrubwatch.store import SqlStore
from scrubwatch.web import create_app
from web_support import PAYLOAD_TITLE, Client, Scene, build_scene

pytestmark = pytest.mark.slow
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    with FakeOutlet() as outlet:
        built = build_scene(tmp_path_factory.mktemp("web") / "data", outlet)
        yield built
        built.store.close()


@pytest.fixture(scope="module")
def client(scene: Scene) -> Client:
    return Client(create_app(scene.settings, store=scene.store))


def _id(scene: Scene, url: str) -> int:
    article = scene.store.article(url)
    assert article is not None and article.id is not None
    return article.id


def test_changes_are_the_cli_contract(
    client: Client, scene: Scene, change_schema: dict[str, Any]
) -> None:
    response = client.get("/api/changes")
    assert response.status_code == 200
    data = response.json()
    assert data == [change_to_json(c) for c in scene.store.changes()]
    assert len(data) == 3
    for change in data:
        jsonschema.validate(change, change_schema)
    scrub = next(c for c in data if c["url"] == scene.scrubbed_url)
    assert REMOVED_SENTENCE in scrub["sentences"]["removed"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=deleted", ["baku-port"]),
        ("severity=substantive", ["aliyev-beijing", "hostile"]),
        ("term=zangezur", ["aliyev-beijing"]),
        ("term=Liu%20Jianchao", ["aliyev-beijing"]),
        ("since=2999-01-01T00:00:00Z", []),
        ("until=2000-01-01", []),
        ("outlet=elsewhere.example", []),
    ],
)
def test_change_filters(client: Client, query: str, expected: list[str]) -> None:
    data = client.get(f"/api/changes?{query}").json()
    assert sorted(c["url"].rsplit("/", 1)[1] for c in data) == expected


def test_bad_filter_is_a_422_not_a_crash(client: Client) -> None:
    assert client.get("/api/changes?kind=vanished").status_code == 422
    assert client.get("/api/changes?limit=0").status_code == 422


def test_pagination_follows_link_headers(client: Client) -> None:
    seen: list[int] = []
    url: str | None = "/api/changes?limit=2"
    while url:
        response = client.get(url)
        seen += [c["id"] for c in response.json()]
        link = response.headers.get("link")
        url = link.split(">")[0].lstrip("<") if link else None
    assert sorted(seen) == sorted(c["id"] for c in client.get("/api/changes").json())
    assert len(seen) == len(set(seen)) == 3


def test_versions_carry_text_and_captures_carry_evidence(client: Client, scene: Scene) -> None:
    article_id = _id(scene, scene.scrubbed_url)
    article = client.get(f"/api/articles/{article_id}").json()
    assert article["url"] == scene.scrubbed_url
    assert [v["number"] for v in article["versions"]] == [1, 2]
    versions = client.get(f"/api/articles/{article_id}/versions").json()
    assert REMOVED_SENTENCE in versions[0]["text"]
    assert REMOVED_SENTENCE not in versions[1]["text"]
    one = client.get(f"/api/articles/{article_id}/versions/1").json()
    assert one["text"] == versions[0]["text"]
    captures = client.get(f"/api/articles/{article_id}/captures").json()
    assert [c["status"] for c in captures] == [200, 200]
    assert all(len(c["body_sha256"]) == 64 and c["warc"]["filename"] for c in captures)
    gone = client.get(f"/api/articles/{_id(scene, scene.deleted_url)}/captures").json()
    assert [c["outcome"] for c in gone] == ["new_version", "gone"]
    assert gone[-1]["status"] == 404


def test_unknown_things_are_404(client: Client, scene: Scene) -> None:
    assert client.get("/api/articles/999999").status_code == 404
    article_id = _id(scene, scene.scrubbed_url)
    assert client.get(f"/api/articles/{article_id}/versions/9").status_code == 404
    assert client.get("/feeds/outlets/nowhere.example.atom").status_code == 404


def test_diff_endpoint_explains(client: Client, scene: Scene) -> None:
    article_id = _id(scene, scene.scrubbed_url)
    diff = client.get(f"/api/articles/{article_id}/diff?from=1&to=2").json()
    assert REMOVED_SENTENCE in diff["sentences"]["removed"]
    assert client.get(f"/api/articles/{article_id}/diff?from=2&to=2").json() is None


def test_search_finds_text_of_earlier_versions(client: Client, scene: Scene) -> None:
    hits = client.get("/api/search?q=Zangezur").json()
    assert [(h["url"], h["version"]) for h in hits] == [(scene.scrubbed_url, 1)]
    assert "Zangezur" in hits[0]["matches"]
    # Diacritics and case do not matter; FTS5 syntax typed by a user is just words.
    assert client.get("/api/search?q=ZANGEZÜR").json() == hits
    for hostile in ['"OR NEAR(', "title:*", "AND", "'); DROP TABLE versions; --"]:
        assert client.get("/api/search", params={"q": hostile}).status_code == 200


def test_removed_text_mode(client: Client, scene: Scene) -> None:
    removed = client.get("/api/search?mode=removed&q=Zangezur corridor").json()
    assert [(r["url"], r["last_version_with"], r["latest_version"]) for r in removed] == [
        (scene.scrubbed_url, 1, 2)
    ]
    assert removed[0]["removed_at"] is not None and not removed[0]["gone"]
    # Still said in the latest version: not removed.
    assert client.get("/api/search?mode=removed&q=Ilham Aliyev").json() == []
    # A deleted article stopped saying everything it said.
    gone = client.get("/api/search?mode=removed&q=Middle Corridor").json()
    assert [(r["url"], r["gone"]) for r in gone] == [(scene.deleted_url, True)]
    # The words in another order are not the phrase.
    assert client.get("/api/search?mode=removed&q=corridor Zangezur").json() == []


def test_outlet_health(client: Client, scene: Scene) -> None:
    [outlet] = client.get("/api/outlets").json()
    assert outlet["articles"] == 3 and outlet["changes"] == 3
    assert outlet["recent_captures"] == 6 and outlet["failure_rate"] == 0.0
    assert outlet["last_checked_at"] is not None


def test_openapi_is_served_and_documented_locally(client: Client) -> None:
    spec = client.get("/api/openapi.json").json()
    assert {"/api/changes", "/api/search", "/api/articles/{article_id}/captures"} <= set(
        spec["paths"]
    )
    page = client.get("/api/docs")
    assert page.status_code == 200 and "/api/changes" in page.text
    assert "cdn" not in page.text.lower() and "<script" not in page.text
    assert client.get("/docs").status_code == 404  # the CDN-loading stock page is off


def _entries(body: bytes) -> list[ET.Element]:
    root = ET.fromstring(body)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def test_atom_feeds(client: Client, scene: Scene) -> None:
    everything = client.get("/feeds/changes.atom")
    assert everything.headers["content-type"].startswith("application/atom+xml")
    entries = _entries(everything.content)
    assert len(entries) == 3
    ids = {e.findtext(f"{ATOM}id") for e in entries}
    assert len(ids) == 3
    host = scene.store.outlets()[0].host
    assert len(_entries(client.get(f"/feeds/outlets/{host}.atom").content)) == 3
    article_id = _id(scene, scene.hostile_url)
    [entry] = _entries(client.get(f"/feeds/articles/{article_id}.atom").content)
    assert entry.findtext(f"{ATOM}id") in ids  # the same change keeps its id in every feed
    assert "The ministry said <script>window." in (entry.findtext(f"{ATOM}content") or "")


def test_hostile_text_stays_data_in_json(client: Client, scene: Scene) -> None:
    article_id = _id(scene, scene.hostile_url)
    versions = client.get(f"/api/articles/{article_id}/versions").json()
    assert versions[0]["title"] == PAYLOAD_TITLE


def test_every_response_has_the_security_headers(client: Client) -> None:
    for path in ["/", "/api/changes", "/feeds/changes.atom", "/static/style.css", "/nope"]:
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "unsafe-inline" not in csp
        assert "script-src" not in csp  # no script source at all: default-src 'none' rules
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_settings_path_is_used_when_no_store_is_given(scene: Scene, tmp_path: Path) -> None:
    own = Client(create_app(scene.settings))
    assert len(own.get("/api/changes").json()) == 3


def test_only_our_own_host_names_are_answered(tmp_path: Path) -> None:
    """DNS rebinding: a page whose name now points at us sends that name as Host, and gets
    nothing; loopback names, IP addresses, base_url's host and web_hosts are answered."""
    settings = Settings(
        data_dir=tmp_path, base_url="https://scrubs.example.org/", web_hosts=("desk.lan",)
    )
    app = create_app(settings)
    for host in (
        "127.0.0.1:8686",
        "localhost",
        "[::1]:8686",
        "10.0.0.7",
        "desk.lan",
        "scrubs.example.org",
        "SCRUBS.example.org:443",
    ):
        answer = Client(app, base_url=f"http://{host}").get("/api/changes")
        assert answer.status_code == 200, host
    for host in ("rebind.attacker.example", "rebind.attacker.example:8686", "desk.lan.evil"):
        answer = Client(app, base_url=f"http://{host}").get("/api/changes")
        assert answer.status_code == 400, host
        assert answer.headers["x-content-type-options"] == "nosniff"  # headers as always


@pytest.mark.parametrize(
    "path",
    [
        "/articles/99999999999999999999",
        "/api/articles/2147483648",  # past PostgreSQL's integer
        "/api/articles/9223372036854775808",  # past SQLite's
        "/?day=9999-12-31",
        "/api/changes?since=0001-01-01T00:00:00%2B14:00",
        "/?page=99999999999999999999",
        "/api/changes?offset=99999999999999999999",
        "/feeds/articles/99999999999999999999.atom",
        "/search?q=a%00b",
        "/api/search?q=a%00b",
        "/api/changes?outlet=a%00b",
        "/api/changes?url=http://x.example/a%00b",
    ],
)
def test_values_out_of_range_are_bad_requests_with_the_usual_headers(
    store: SqlStore, tmp_path: Path, path: str
) -> None:
    client = Client(create_app(Settings(data_dir=tmp_path), store=store))
    answer = client.get(path)
    assert answer.status_code in (200, 400, 404), (path, answer.status_code)
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in answer.headers
