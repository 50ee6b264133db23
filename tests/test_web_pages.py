"""HTML pages, forms and defences (CSRF, SSRF, token), through the ASGI transport over a
store the real pipeline filled; plus `serve` refusing an open bind without a token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from articles import REMOVED_SENTENCE
from conftest import Cli
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.errors import ConfigError
from scrubwatch.store import open_store
from scrubwatch.store.search import match_query
from scrubwatch.web import create_app
from web_support import Client, Scene, build_scene

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    with FakeOutlet() as outlet:
        built = build_scene(tmp_path_factory.mktemp("pages") / "data", outlet)
        yield built
        built.store.close()


@pytest.fixture
def client(scene: Scene) -> Client:
    return Client(create_app(scene.settings, store=scene.store))


def _id(scene: Scene, url: str) -> int:
    article = scene.store.article(url)
    assert article is not None and article.id is not None
    return article.id


def _csrf(client: Client, page: str = "/outlets") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(page).text)
    assert found is not None
    return found.group(1)


def test_changes_page_lists_and_filters(client: Client, scene: Scene) -> None:
    page = client.get("/").text
    assert scene.scrubbed_url in page and scene.deleted_url in page
    assert "DELETED (http_404)" in page
    only_deleted = client.get("/?kind=deleted").text
    assert scene.deleted_url in only_deleted and scene.scrubbed_url not in only_deleted
    by_term = client.get("/?term=Zangezur").text
    assert scene.scrubbed_url in by_term and scene.deleted_url not in by_term
    assert "No changes match" in client.get("/?day=1999-01-01").text
    assert client.get("/?kind=nonsense&day=garbage").status_code == 200  # ignored, not a crash


def test_diff_page_highlights_removed_sentences(client: Client, scene: Scene) -> None:
    article_id = _id(scene, scene.scrubbed_url)
    page = client.get(f"/articles/{article_id}/diff?from=1&to=2").text
    assert f'<del class="removed">{REMOVED_SENTENCE}</del>' in page
    assert "$3.2 billion" in page and "Liu Jianchao" in page
    assert client.get(f"/articles/{article_id}/diff?from=1&to=7").status_code == 404


def test_article_page_shows_timeline_and_captures(client: Client, scene: Scene) -> None:
    article_id = _id(scene, scene.deleted_url)
    page = client.get(f"/articles/{article_id}").text
    assert "DELETED (http_404)" in page and "version 1 first seen" in page
    assert "404" in page
    by_url = client.get("/article", params={"url": scene.deleted_url})
    assert by_url.status_code == 303
    assert by_url.headers["location"].endswith(f"/articles/{article_id}")


def test_hostile_article_is_escaped_everywhere(client: Client, scene: Scene) -> None:
    article_id = _id(scene, scene.hostile_url)
    for path in [
        f"/articles/{article_id}",
        f"/articles/{article_id}/diff?from=1&to=2",
        "/",
        "/search?q=ministry",
        "/outlets",
    ]:
        page = client.get(path).text
        assert "<script" not in page.lower(), path
        assert "<img" not in page.lower(), path
    assert (
        "&lt;script&gt;window.__pwned = 1&lt;/script&gt;"
        in client.get(f"/articles/{article_id}").text
    )


def test_search_page_both_modes(client: Client, scene: Scene) -> None:
    found = client.get("/search?q=Zangezur").text
    assert "<mark>Zangezur</mark>" in found and "not the latest" in found
    removed = client.get("/search", params={"q": "Zangezur corridor", "mode": "removed"}).text
    assert "last said in version 1" in removed and "See the diff" in removed


def test_outlets_page_shows_health(client: Client, scene: Scene) -> None:
    page = client.get("/outlets").text
    host = scene.store.outlets()[0].host
    assert host in page and "0% of 6" in page


def test_forms_need_the_csrf_token(client: Client) -> None:
    token = _csrf(client)
    assert client.post("/watches", data={"url": "https://example.org/"}).status_code == 403
    assert client.post("/watches", data={"url": "x", "csrf": "forged"}).status_code == 403
    foreign = client.post(
        "/watches/remove",
        data={"host": "x", "csrf": token},
        headers={"origin": "https://evil.example"},
    )
    assert foreign.status_code == 403


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:8080/",
        "http://localhost/feed.xml",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "file:///etc/passwd",
    ],
)
def test_internal_targets_are_refused(client: Client, target: str) -> None:
    response = client.post("/watches", data={"url": target, "csrf": _csrf(client)})
    assert response.status_code == 400
    assert "no public address" in response.text or "only http" in response.text


def test_watch_and_unwatch_through_the_forms(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", web_allow_private_targets=True)
    store = open_store(settings)
    with FakeOutlet() as outlet:
        outlet.publish("first-story", "A first story", ["One sentence here.", "Two more."])
        client = Client(create_app(settings, store=store))
        added = client.post("/watches", data={"url": outlet.base_url, "csrf": _csrf(client)})
        assert added.status_code == 303, added.text
        page = client.get(added.headers["location"]).text
        assert "1 new article" in page
        [article] = store.articles()
        assert article.next_check_at is not None
        host = article.outlet_host
        removed = client.post("/watches/remove", data={"host": host, "csrf": _csrf(client)})
        assert removed.status_code == 303
    [article] = store.articles()
    assert article.next_check_at is None  # no longer due; its record stays
    outlet_row = store.outlet(host)
    assert outlet_row is not None and not outlet_row.feeds and outlet_row.homepage is None
    store.close()


def test_token_is_required_when_set(scene: Scene) -> None:
    settings = replace(scene.settings, web_token="s3cret-token-for-the-desk")
    client = Client(create_app(settings, store=scene.store))
    assert client.get("/api/changes").status_code == 401
    assert client.get("/api/changes", headers={"authorization": "Bearer wrong"}).status_code == 401
    ok = client.get("/api/changes", headers={"authorization": "Bearer s3cret-token-for-the-desk"})
    assert ok.status_code == 200
    login = client.get("/?token=s3cret-token-for-the-desk&kind=deleted")
    assert login.status_code == 303 and "token" not in login.headers["location"]
    assert client.get("/").status_code == 200  # the cookie carries it from now on


def test_the_token_login_stays_on_this_site_and_any_bearer_case_works(scene: Scene) -> None:
    token = "s3cret-token-for-the-desk"
    client = Client(create_app(replace(scene.settings, web_token=token), store=scene.store))
    login = client.get(f"//evil.example/p?token={token}&q=a%26b%3Dc")
    target = login.headers["location"]
    assert login.status_code == 303 and target.startswith("/") and not target.startswith("//")
    assert "q=a%26b%3Dc" in target  # the query encoded again, "&" and "=" kept as data
    bearer = {"authorization": f"bearer {token}"}
    assert (
        Client(create_app(replace(scene.settings, web_token=token), store=scene.store))
        .get("/api/changes", headers=bearer)
        .status_code
        == 200
    )


@pytest.mark.parametrize("token", ["", "   ", "short-token"])
def test_a_blank_or_short_token_is_refused_not_ignored(scene: Scene, token: str) -> None:
    with pytest.raises(ConfigError, match="at least 16 characters"):
        create_app(replace(scene.settings, web_token=token), store=scene.store)


@pytest.mark.parametrize("target", ["http://news.example:99999/", "http://a:b:c/", "http://[::1"])
def test_a_malformed_watch_target_is_a_form_error_not_a_crash(client: Client, target: str) -> None:
    response = client.post("/watches", data={"url": target, "csrf": _csrf(client)})
    assert 400 <= response.status_code < 500
    assert response.headers["x-content-type-options"] == "nosniff"


def test_serve_refuses_an_open_bind_without_token(cli: Cli) -> None:
    result = cli("serve", "--host", "0.0.0.0", "--port", "1")
    assert result.code == 2
    assert "token" in result.stderr


def test_user_input_never_reaches_fts_syntax() -> None:
    assert match_query('zangezur OR "x" NEAR(a b)', phrase=False) == (
        '"zangezur" "OR" "x" "NEAR" "a" "b"'
    )
    assert match_query("Zangezur corridor", phrase=True) == '"Zangezur corridor"'
    assert match_query("*:^", phrase=False) is None
