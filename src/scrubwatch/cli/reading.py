"""Commands that read what was recorded, or extract without recording:
`changes`, `history`, `diff`, `extract`."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from scrubwatch.cli.app import app, out, settings_of
from scrubwatch.cli.render import print_diff, render_change, render_versions, safe
from scrubwatch.cli.session import store_session
from scrubwatch.config import Settings
from scrubwatch.errors import FetchError, ScrubwatchError, UsageError
from scrubwatch.model import Article, ChangeKind, Document
from scrubwatch.serialize import change_to_json, document_to_json, version_to_json

if TYPE_CHECKING:  # imported where used: each command pays only for what it needs
    from scrubwatch.fetch import Fetcher
    from scrubwatch.store import Store


class KindOption(StrEnum):
    edited = "edited"
    deleted = "deleted"
    restored = "restored"


@app.command()
def changes(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array, newest first.")] = False,
    since: Annotated[
        str | None, typer.Option(help="Only changes detected at or after this ISO-8601 time.")
    ] = None,
    url: Annotated[str | None, typer.Option(help="Only changes of this article.")] = None,
    kind: Annotated[KindOption | None, typer.Option(help="Only this kind of change.")] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, max=1_000_000_000, help="At most this many.")
    ] = None,
) -> None:
    """List detected changes, newest first."""
    with store_session(settings_of(ctx)) as store:
        found = store.changes(
            since=parse_since(since) if since else None,
            url=url,
            kind=ChangeKind(kind.value) if kind else None,
            limit=limit,
        )
    if as_json:
        print_json([change_to_json(c) for c in found])
        return
    if not found:
        out.print("No changes recorded.", markup=False)
    for change in found:
        out.print(render_change(change))
        out.print()


@app.command()
def history(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The article URL.")],
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array, oldest first.")] = False,
) -> None:
    """Every version of one article."""
    with store_session(settings_of(ctx)) as store:
        article = _article(store, url)
        assert article.id is not None
        versions = store.versions(article.id)
    if as_json:
        print_json([version_to_json(v) for v in versions])
        return
    out.print(render_versions(article.url, versions))


@app.command()
def diff(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The article URL.")],
    from_: Annotated[int | None, typer.Option("--from", help="Older version number.")] = None,
    to: Annotated[int | None, typer.Option("--to", help="Newer version number.")] = None,
) -> None:
    """A readable diff of two versions (default: the last two the page showed).

    By default the version the page shows now is compared with the one it showed before,
    which after a flip-back is not the number below it (see `compare.pairs`).
    """
    from scrubwatch.compare import compare_documents
    from scrubwatch.compare.pairs import version_before

    settings = settings_of(ctx)
    with store_session(settings) as store:
        article = _article(store, url)
        assert article.id is not None
        versions = {v.number: v for v in store.versions(article.id)}
        highest = max(versions, default=0)
        new_number = to if to is not None else article.latest_version or 0
        old_number = from_
        if old_number is None:
            before = version_before(new_number, store.changes(url=article.url), versions)
            old_number = before or 0
    if highest < 2 and from_ is None and to is None:
        raise UsageError(f"{url} has {highest} version(s) so far: nothing to compare yet")
    old, new = versions.get(old_number), versions.get(new_number)
    if old is None or new is None:
        missing = old_number if old is None else new_number
        raise UsageError(f"{url} has no version {missing} (it has 1 to {highest})")
    found = compare_documents(old.document, new.document, settings.watch_terms)
    print_diff(out, article.url, old, new, found)


@app.command()
def extract(
    ctx: typer.Context,
    sources: Annotated[list[str], typer.Argument(help="HTML files or http(s) URLs.")],
    url: Annotated[
        str | None, typer.Option(help="The page's URL, for files (resolves relative links).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines, one per input.")] = False,
) -> None:
    """Extract articles from files or URLs without recording anything."""
    results = asyncio.run(_extract_all(settings_of(ctx), sources, url))
    for source, document, error in results:
        if as_json:
            line = document_to_json(document, source, error)
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        else:
            _print_document(source, document, error)
    if any(error for _, _, error in results):
        raise typer.Exit(1)


async def _extract_all(
    settings: Settings, sources: list[str], url: str | None
) -> list[tuple[str, Document, str | None]]:
    if not any(_is_url(source) for source in sources):  # files only: no HTTP client
        return [await _extract_result(None, source, url) for source in sources]
    from scrubwatch.fetch import Fetcher

    async with Fetcher(settings) as fetcher:
        return [await _extract_result(fetcher, source, url) for source in sources]


async def _extract_result(
    fetcher: Fetcher | None, source: str, url: str | None
) -> tuple[str, Document, str | None]:
    try:
        document = await _extract_one(fetcher, source, url)
    except (OSError, ScrubwatchError) as exc:
        return source, Document(), str(exc)
    return source, document, "no article text found" if document.is_empty else None


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


async def _extract_one(fetcher: Fetcher | None, source: str, url: str | None) -> Document:
    from scrubwatch.extract.document import extract_document

    if _is_url(source):
        assert fetcher is not None
        from scrubwatch.discover import host_of

        # the outlet's own route (proxy, cookies) from the settings file, never around it
        response = await fetcher.for_outlet(host=host_of(source)).fetch(source)
        if response.status != 200:
            raise FetchError(f"HTTP {response.status}")
        return extract_document(response.body, response.final_url, response.content_type)
    body = Path(source).read_bytes()
    return extract_document(body, url, None)


def _print_document(source: str, document: Document, error: str | None) -> None:
    out.print(Text(safe(source), style="bold cyan"))
    if error:
        out.print(Text(f"  error: {error}", style="red"))
        if document.is_empty:
            return
    meta = [
        ("title", document.title),
        ("byline", document.byline),
        ("published", document.published),
        ("updated", document.updated),
        ("language", document.language),
        ("url", document.canonical_url),
    ]
    for label, value in meta:
        if value:
            out.print(Text(f"  {label}: {safe(value)}"))
    for paragraph in document.paragraphs:
        out.print(Text(safe(paragraph)))
        out.print()


def _article(store: Store, url: str) -> Article:
    article = store.article(url.strip())
    if article is None:
        raise UsageError(f"not a watched article: {url}")
    return article


def parse_since(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"--since wants an ISO-8601 time, got {value!r}") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def print_json(data: Any) -> None:
    """Plain JSON on stdout: no wrapping, no colour, whatever the terminal."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
