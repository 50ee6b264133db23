"""The human side of an evidence bundle: one self-contained HTML page.

An editor or a court opens this, not the WACZ: it says what changed in plain words, shows
both pictures, and lists what an expert needs to check the claim (capture times, final
URLs, statuses, the bodies' SHA-256, WARC record IDs, the tool's version) and how.

Article text is untrusted (outlets can put markup in a headline), so every string is
escaped, and a Content-Security-Policy allows no script, no fetch and no frame: the page
is inert even if escaping were ever missed. Screenshots are embedded as data: URLs so the
file stands alone.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from scrubwatch.model import Change

_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'"
_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;max-width:1400px;margin:2em auto;padding:0 1em;color:#111}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.3em .6em;
vertical-align:top;text-align:left}code{font-size:13px;word-break:break-all}
.shots{display:flex;gap:1em;align-items:flex-start}.shots figure{flex:1;margin:0}
.shots img{width:100%;border:1px solid #999}.removed{background:#fdd}.added{background:#dfd}
pre{background:#f4f4f4;padding:.8em;overflow-x:auto}
"""


def render_report(meta: Mapping[str, Any], change: Change | None, shots: Sequence[bytes]) -> str:
    """The report page for a bundle's metadata (`evidence/evidence.json`) and screenshots."""
    title = f"Evidence: {meta['url']}"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Evidence bundle for <code>{escape(str(meta['url']))}</code></h1>",
        _change_section(change, meta["captures"]),
        _captures_table(meta["captures"]),
        _screenshots(meta["captures"], shots),
        _verify_section(meta),
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p)


def _change_section(change: Change | None, captures: Sequence[Mapping[str, Any]]) -> str:
    if change is None:
        return "<p>Every archived capture of this article, oldest first.</p>"
    window = f"after {captures[0]['fetched_at']} and by {captures[-1]['fetched_at']}"
    when = change.detected_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    lines = [
        f"<h2>{escape(change.kind.value.upper())} (change {change.id}), detected {when}</h2>",
        f"<p>{escape(change.summary)}</p>",
        f"<p>It happened between the two captures below: {escape(window)}.</p>",
    ]
    if change.source:
        lines.append(
            f"<p>Rebuilt from the web archive {escape(change.source)}: these captures were "
            "made by whoever made that archive, at the times it records, and copied from it "
            "by scrubwatch (bodies decoded).</p>"
        )
    diff = change.diff
    if diff is not None:
        if diff.title is not None:
            lines.append(
                f"<p>Headline: <span class=removed>{escape(diff.title.before)}</span> → "
                f"<span class=added>{escape(diff.title.after or '')}</span></p>"
            )
        lines += _sentences("Removed", "removed", diff.sentences_removed)
        lines += _sentences("Added", "added", diff.sentences_added)
        changed = [f"{p.before} → {p.after or ''}" for p in diff.sentences_changed]
        lines += _sentences("Rewritten", "", changed)
    return "\n".join(lines)


def _sentences(label: str, css: str, sentences: Sequence[str]) -> list[str]:
    if not sentences:
        return []
    items = "".join(f"<li class='{css}'>{escape(s)}</li>" for s in sentences)
    return [f"<h3>{label}</h3><ul>{items}</ul>"]


def _captures_table(captures: Sequence[Mapping[str, Any]]) -> str:
    head = (
        "<tr><th>capture</th><th>time (UTC)</th><th>final URL</th><th>status</th>"
        "<th>title</th><th>body SHA-256</th><th>WARC record</th></tr>"
    )
    rows = []
    for c in captures:
        record = escape(str(c["record_id"]))
        if c.get("original_record_id"):
            record += f"<br>body in {escape(str(c['original_record_id']))}"
        rows.append(
            f"<tr><td>{escape(str(c['role']))} #{c['capture_id']}</td>"
            f"<td>{escape(str(c['fetched_at']))}</td>"
            f"<td><code>{escape(str(c['final_url']))}</code></td>"
            f"<td>{escape(str(c['status']))}</td><td>{escape(str(c.get('title') or ''))}</td>"
            f"<td><code>{escape(str(c['body_sha256']))}</code></td>"
            f"<td><code>{record}</code></td></tr>"
        )
    return f"<h2>Captures</h2><table>{head}{''.join(rows)}</table>"


def _screenshots(captures: Sequence[Mapping[str, Any]], shots: Sequence[bytes]) -> str:
    if not shots:
        return "<h2>Screenshots</h2><p>This bundle was made without screenshots.</p>"
    figures = []
    for capture, png in zip(captures, shots, strict=True):
        data = base64.b64encode(png).decode("ascii")
        caption = f"{capture['role']} #{capture['capture_id']}, {capture['fetched_at']}"
        figures.append(
            f'<figure><img alt="{escape(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{escape(caption)}</figcaption></figure>"
        )
    note = (
        "<p>Rendered in headless Chromium from the archived bytes only (no request reached "
        "the network; images and styles that were not archived are missing). Removed "
        "sentences are outlined in red on the earlier picture, added ones in green on the "
        "later one.</p>"
    )
    return f"<h2>Screenshots</h2>{note}<div class=shots>{''.join(figures)}</div>"


def _verify_section(meta: Mapping[str, Any]) -> str:
    name = escape(str(meta["bundle"]))
    return (
        "<h2>How to verify</h2>"
        f"<p>Made by {escape(str(meta['tool']))} at {escape(str(meta['created']))}. "
        f"{escape(str(meta['request_records']))}</p>"
        f"{_signature_note(meta.get('signed_by'))}"
        f"<pre>scrubwatch verify {name}</pre>"
        "<p>recomputes the SHA-256 of every file against <code>datapackage.json</code> and "
        "of that against <code>datapackage-digest.json</code>, every WARC record's block and "
        "payload digests, the bodies' SHA-256 listed above, and checks that the index points "
        "at the records. Without scrubwatch: the bundle is a ZIP (WACZ 1.1.1); "
        "<code>sha256sum</code> of each file must match <code>datapackage.json</code>, and "
        "ReplayWeb.page or pywb replay it. This page is also inside the bundle as "
        "<code>evidence/report.html</code>; the two must be identical.</p>"
    )


def _signature_note(signed_by: object) -> str:
    if not signed_by:
        return "<p>The bundle is not signed.</p>"
    return (
        "<p>The bundle is signed (WACZ anonymous signature) by the key with fingerprint "
        f"<code>{escape(str(signed_by))}</code>; <code>verify</code> prints the fingerprint "
        "of the key that signed it, which must be this one.</p>"
    )
