"""`doctor URL`: fetch one page the way its outlet's settings say, and explain what came.

Setting up a hard outlet (a proxy, a consent cookie, a user agent) is trial and error; this
makes each try one command: which route the request took (the proxy, redacted), the
redirects, the status, whether a wall answered instead of the article (the same judgement
as a check's, scrubwatch.interstitial), and the title and first lines extracted. Nothing is
stored or archived.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from scrubwatch.browser import BrowserPool
from scrubwatch.errors import FetchError
from scrubwatch.fetch import Fetcher, Response
from scrubwatch.model import Document
from scrubwatch.network import OutletNetwork
from scrubwatch.pipeline.analysis import Page, analyse

FIRST_LINES = 3
LINE_CHARS = 200


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """What one fetch of one page showed, and what a check would make of it."""

    url: str
    outlet: str
    watched: bool
    network: dict[str, Any]  # OutletNetwork.described(): nothing secret
    verdict: str  # "article", "blocked: consent wall", "gone: http_404", "failed: ..."
    response: Response | None = None
    title: str | None = None
    first_lines: tuple[str, ...] = ()
    sent: tuple[str, ...] = field(default=())  # request header names (values may be secret)

    @property
    def ok(self) -> bool:
        """Whether the article itself came back."""
        return self.verdict == "article"


async def diagnose(
    fetcher: Fetcher,
    url: str,
    *,
    outlet: str,
    watched: bool,
    previous: Document | None = None,
    browser: BrowserPool | None = None,
) -> Diagnosis:
    """Fetch `url` through `fetcher` (the outlet's view) and judge the answer; with
    `browser` (an outlet with `fetcher = "browser"`), judge the page as rendered."""
    network = (fetcher.network or OutletNetwork(host=outlet)).described()
    base = Diagnosis(url, outlet, watched, network, verdict="")
    try:
        response = await fetcher.fetch(url)
        body, content_type = response.body, response.content_type
        if browser is not None and response.status == 200:
            rendered = await browser.render(response, fetcher)
            body, content_type = rendered.html, "text/html; charset=utf-8"
            network = {**network, "rendered": len(rendered.fetched)}
    except FetchError as exc:
        return _with(base, verdict=f"failed: {exc}")
    base = _with(base, network=network)
    page = Page(response.status, url, response.final_url, body, content_type, previous)
    analysis = analyse(page)
    document = analysis.document
    if analysis.blocked:
        verdict = f"blocked: {analysis.blocked}"
    elif analysis.gone:
        verdict = f"gone: {analysis.gone[0].value}"
    elif analysis.error:
        verdict = f"no article: {analysis.error}"
    else:
        verdict = "article"
    lines = tuple(_cut(p) for p in (document.paragraphs if document else ())[:FIRST_LINES])
    sent = tuple(name for name, _ in response.request_headers)
    return _with(
        base,
        verdict=verdict,
        response=response,
        title=document.title if document else None,
        first_lines=lines,
        sent=sent,
    )


def _with(base: Diagnosis, **changes: Any) -> Diagnosis:
    return replace(base, **changes)


def _cut(text: str) -> str:
    return text if len(text) <= LINE_CHARS else text[: LINE_CHARS - 1] + "…"


def diagnosis_to_json(d: Diagnosis) -> dict[str, Any]:
    """What `doctor --json` prints."""
    r = d.response
    return {
        "url": d.url,
        "outlet": d.outlet,
        "watched": d.watched,
        "network": d.network,
        "proxy_used": r.proxy if r else None,
        "status": r.status if r else None,
        "final_url": r.final_url if r else None,
        "redirects": list(r.redirects) if r else [],
        "content_type": r.content_type if r else None,
        "bytes": len(r.body) if r else 0,
        "seconds": round(r.elapsed, 3) if r else None,
        "request_headers": list(d.sent),
        "verdict": d.verdict,
        "ok": d.ok,
        "title": d.title,
        "first_lines": list(d.first_lines),
    }
