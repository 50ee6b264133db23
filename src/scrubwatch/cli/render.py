"""How changes, diffs and histories look in a terminal: plain words first, colour second.

Article text is untrusted: it is always printed as `rich.text.Text`, never parsed as markup,
so a headline like "[red]x[/red]" or an escape sequence cannot restyle the terminal.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from scrubwatch.model import Change, ChangeKind, Diff, Version
from scrubwatch.serialize import archive_of, window_text

KIND_STYLE = {
    ChangeKind.EDITED: "yellow",
    ChangeKind.DELETED: "red",
    ChangeKind.RESTORED: "green",
    ChangeKind.ARCHIVE_REMOVED: "magenta",
}


# Bidirectional overrides, embeddings and isolates: in a terminal they can reverse what
# follows them ("evil.example" shown as "elpmaxe.live"), so untrusted text loses them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def safe(text: str | None) -> str:
    """Strip control characters (C0, DEL and C1: terminal escape sequences) and bidi
    overrides from untrusted text."""
    if not text:
        return ""
    return "".join(
        ch
        for ch in text
        if ch in "\n\t" or (ord(ch) >= 32 and not 127 <= ord(ch) < 160 and ch not in _BIDI_CONTROLS)
    )


def change_heading(change: Change) -> Text:
    """One line: when, what kind, which article."""
    label = change.kind.value.upper()
    if change.kind == ChangeKind.EDITED and change.severity:
        label += f" ({change.severity.value})"
    if change.kind == ChangeKind.DELETED and change.deletion:
        label += f" ({change.deletion.value})"
    line = Text()
    line.append(change.detected_at.strftime("%Y-%m-%d %H:%M:%S UTC "), style="dim")
    line.append(label, style=f"bold {KIND_STYLE[change.kind]}")
    line.append(" ")
    line.append(safe(change.url), style="cyan")
    return line


def render_change(change: Change, *, details: bool = True) -> RenderableType:
    """A change: heading, summary line, and (optionally) what was removed and added."""
    parts: list[RenderableType] = [change_heading(change), Text("  " + safe(change.summary))]
    window = window_text(change)
    if window:
        parts.append(Text(f"  {window}", style="dim"))
    if change.redirect_to:
        parts.append(Text(f"  now redirects to {safe(change.redirect_to)}", style="dim"))
    if change.source:
        parts.append(Text(f"  rebuilt from {safe(change.source)}", style="dim"))
    archive = archive_of(change)
    if archive is not None:
        parts.append(Text(f"  index: {safe(archive.get('cdx_url'))}", style="dim"))
    if details and change.diff is not None:
        parts.append(render_diff_body(change.diff, indent="    "))
    return Group(*parts)


def render_diff_body(diff: Diff, *, indent: str = "") -> RenderableType:
    """Removed in red, added in green, rewritten as before → after, then named elements."""
    lines: list[Text] = []
    if diff.title:
        lines.append(_pair_line(indent, "headline", diff.title.before, diff.title.after))
    if diff.byline:
        lines.append(_pair_line(indent, "byline", diff.byline.before, diff.byline.after))
    for sentence in diff.sentences_removed:
        lines.append(Text(f"{indent}- {safe(sentence)}", style="red"))
    for sentence in diff.sentences_added:
        lines.append(Text(f"{indent}+ {safe(sentence)}", style="green"))
    for pair in diff.sentences_changed:
        lines.append(Text(f"{indent}~ {safe(pair.before)}", style="red"))
        lines.append(Text(f"{indent}  {safe(pair.after)}", style="green"))
    named = [
        ("quotes removed", list(diff.quotes_removed)),
        ("terms removed", list(diff.terms_removed)),
        ("numbers changed", [f"{p.before} → {p.after or '(gone)'}" for p in diff.numbers_changed]),
    ]
    for label, items in named:
        if items:
            text = Text(f"{indent}{label}: ", style="bold")
            text.append("; ".join(safe(i) for i in items), style="default")
            lines.append(text)
    return Group(*lines)


def _pair_line(indent: str, label: str, before: str, after: str | None) -> Text:
    text = Text(f"{indent}{label}: ", style="bold")
    text.append(safe(before), style="red")
    text.append(" → ")
    text.append(safe(after) or "(none)", style="green")
    return text


def render_versions(url: str, versions: list[Version]) -> RenderableType:
    """The history of one article as a table."""
    table = Table(title=Text(safe(url)), show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("first seen (UTC)")
    table.add_column("title")
    table.add_column("words", justify="right")
    for version in versions:
        doc = version.document
        table.add_row(
            str(version.number),
            version.first_seen.strftime("%Y-%m-%d %H:%M:%S"),
            Text(safe(doc.title)),
            str(len(doc.text.split())),
        )
    return table


def print_diff(console: Console, url: str, old: Version, new: Version, diff: Diff | None) -> None:
    """The `diff` command's output."""
    heading = Text(f"{safe(url)}\nversion {old.number} → version {new.number}")
    console.print(Panel(heading, expand=False))
    if diff is None:
        console.print("No change in the article between these versions.")
        return
    console.print(Text(safe(diff.summary), style="bold"))
    console.print(render_diff_body(diff))
