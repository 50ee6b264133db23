"""`waves`: scrubs of one story or term group by several outlets, grouped as one event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Group, RenderableType
from rich.text import Text

from scrubwatch.cli.app import app, out, settings_of
from scrubwatch.cli.reading import parse_since, print_json
from scrubwatch.cli.render import safe
from scrubwatch.cli.session import store_session
from scrubwatch.clock import SystemClock

if TYPE_CHECKING:
    from scrubwatch.waves import WaveRecord


@app.command()
def waves(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="A JSON array, most recently active first.")
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(help="Only waves still active at or after this ISO-8601 time."),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 100,
) -> None:
    """Scrub waves: one story or watched term removed by several outlets within a window.

    Waves are brought up to date with what was recorded since the last pass first (cheap:
    only the new changes are looked at), so the list is current even when checks run in
    other processes.
    """
    from scrubwatch.alerts.delivery import base_url_of
    from scrubwatch.pipeline.waves import update_waves
    from scrubwatch.waves import wave_to_json

    settings = settings_of(ctx)
    with store_session(settings) as store:
        update_waves(store, settings, SystemClock().now())
        found = store.wave_list(since=parse_since(since) if since else None, limit=limit)
    if as_json:
        print_json([wave_to_json(w, base_url_of(settings)) for w in found])
        return
    if not found:
        out.print("No scrub waves found.", markup=False)
    for wave in found:
        out.print(render_wave(wave))
        out.print()


def render_wave(wave: WaveRecord) -> RenderableType:
    """A wave: heading, headline, terms, one line per member, then who still publishes."""
    when = f"{wave.started_at:%Y-%m-%d %H:%M} → {wave.ended_at:%Y-%m-%d %H:%M} UTC"
    heading = Text(f"WAVE {wave.id} ", style="bold")
    heading.append(f"{when}  {len(wave.outlets)} outlets: {', '.join(map(safe, wave.outlets))}")
    lines: list[RenderableType] = [heading]
    if wave.title:
        lines.append(Text(f"  {safe(wave.title)}"))
    if wave.terms:
        lines.append(Text(f"  removed: {', '.join(map(safe, wave.terms))}", style="yellow"))
    for m in wave.members:
        lines.append(
            Text(
                f"  {m.detected_at:%Y-%m-%d %H:%M} {m.kind.upper()} {safe(m.url)}"
                f"  (change {m.change_id})",
                style="red",
            )
        )
    for url in wave.still_published:
        lines.append(Text(f"  still published: {safe(url)}", style="green"))
    return Group(*lines)
