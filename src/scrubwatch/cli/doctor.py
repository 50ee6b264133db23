"""`doctor URL`: one page fetched as its outlet's settings say, and what came back."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer

from scrubwatch.cli.app import app, out, settings_of
from scrubwatch.cli.outlets import network_lines
from scrubwatch.cli.reading import print_json
from scrubwatch.cli.render import safe
from scrubwatch.cli.session import store_session
from scrubwatch.config import Settings
from scrubwatch.errors import UsageError
from scrubwatch.model import Document, Outlet

if TYPE_CHECKING:  # the fetcher, browser and store are loaded when the command runs
    from scrubwatch.pipeline.doctor import Diagnosis
    from scrubwatch.store import Store

HINTS = {
    "blocked": "a wall answered instead of the article: try a consent cookie, a user agent "
    "or a proxy in the outlet's settings (docs/configuration.md, Outlet policies)",
    "failed": "no answer: check the proxy, or whether the site is reachable from here",
    "gone": "the page is not there (or a not-found page): is the URL right?",
}


@app.command()
def doctor(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="An article (or any page) of the outlet.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Fetch one page as its outlet's settings say and explain what came back.

    Shows the route (proxy, redacted), redirects, status, whether a wall answered, and the
    title and first lines extracted; exits 1 when the article itself did not come back.
    """
    from scrubwatch.discover import host_of
    from scrubwatch.pipeline.doctor import diagnosis_to_json

    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise UsageError(f"not an http(s) URL: {url}")
    settings = settings_of(ctx)
    host = host_of(url)
    with store_session(settings) as store:
        outlet = store.outlet(host)
        previous = _latest_document(store, url)
    diagnosis = asyncio.run(_diagnose(settings, url, host, outlet, previous))
    if as_json:
        print_json(diagnosis_to_json(diagnosis))
    else:
        for line in doctor_lines(diagnosis):
            out.print(line, markup=False, highlight=False, soft_wrap=True)
    if not diagnosis.ok:
        raise typer.Exit(1)


def _latest_document(store: Store, url: str) -> Document | None:
    """The watched article's latest version, so an emptied page is told as such."""
    article = store.article(url)
    if article is None or article.id is None or not article.latest_version:
        return None
    version = store.version(article.id, article.latest_version)
    return version.document if version else None


async def _diagnose(
    settings: Settings, url: str, host: str, outlet: Outlet | None, previous: Document | None
) -> Diagnosis:
    from scrubwatch.browser import BrowserPool
    from scrubwatch.fetch import Fetcher
    from scrubwatch.pipeline.doctor import diagnose

    rendering = settings.policy_for(host).fetcher == "browser"
    async with (
        Fetcher(settings) as fetcher,
        BrowserPool(
            total_timeout=settings.total_timeout, max_bytes=settings.max_body_bytes
        ) as browser,
    ):
        view = fetcher.for_outlet(
            bool(outlet and outlet.web_added), host=host, proxy=outlet.proxy if outlet else None
        )
        return await diagnose(
            view,
            url,
            outlet=host,
            watched=outlet is not None,
            previous=previous,
            browser=browser if rendering else None,
        )


def doctor_lines(d: Diagnosis) -> list[str]:
    """The diagnosis as a person reads it, one fact per line."""
    r = d.response
    lines = [f"url      {safe(d.url)}", f"outlet   {safe(d.outlet)}" + _watched(d)]
    route = f"via proxy {r.proxy}" if r and r.proxy else "direct"
    if not r and d.network.get("proxies"):
        route = "via proxy " + ", then ".join(d.network["proxies"])
    lines.append(f"route    {route}")
    lines += [f"         {safe(part)}" for part in network_lines(d.network) if "proxy" not in part]
    if r is not None:
        lines += [f"redirect {safe(hop)} →" for hop in r.redirects]
        lines.append(
            f"status   {r.status} {safe(r.reason)}, {len(r.body):,} bytes "
            f"{safe(r.content_type or 'no content type')} in {r.elapsed:.2f} s, "
            f"from {safe(r.final_url)}"
        )
        lines.append("sent     " + ", ".join(safe(name) for name in d.sent))
    hint = HINTS.get(d.verdict.split(":")[0])
    lines.append(f"verdict  {safe(d.verdict)}" + (f" ({hint})" if hint else ""))
    if d.title:
        lines.append(f"title    {safe(d.title)}")
    lines += [f"text     {safe(line)}" for line in d.first_lines]
    return lines


def _watched(d: Diagnosis) -> str:
    return " (watched)" if d.watched else " (not watched: its settings file table applies)"
