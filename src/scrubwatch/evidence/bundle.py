"""Putting an evidence bundle together: records, screenshots, index, pages, report, WACZ.

Layout of the WACZ:
    archive/captures.warc.gz     the captures' records, each the archive's own gzip member
                                 byte for byte (a revisit brings the response holding its
                                 body), after a warcinfo record of the bundle's own
    archive/screenshots.warc.gz  one `resource` record per capture (`urn:screenshot:<url>`)
    indexes/index.cdx            CDXJ over both WARCs
    pages/pages.jsonl            one page per capture, with its title and time
    evidence/evidence.json       the change and each capture's facts (times, final URLs,
                                 statuses, bodies' SHA-256, record IDs), which `verify` checks
    evidence/report.html         the report, also written beside the WACZ
    datapackage.json, datapackage-digest.json

scrubwatch writes response (and revisit) records only: there are no request records to
include, and the bundle says so rather than inventing any.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from scrubwatch import __version__
from scrubwatch.evidence.records import (
    RecordInfo,
    cdxj_line,
    only_record,
    read_records,
    screenshot_record,
    warcinfo_record,
)
from scrubwatch.evidence.report import render_report
from scrubwatch.evidence.screenshot import ArchivedPage, Renderer
from scrubwatch.evidence.select import Proof, Selection
from scrubwatch.evidence.signing import fingerprint, signer_for
from scrubwatch.evidence.snapshots import archived_page
from scrubwatch.evidence.wacz import PackageInfo, iso_z, pages_jsonl, write_wacz
from scrubwatch.serialize import change_to_json

CAPTURES_WARC = "archive/captures.warc.gz"
SCREENSHOTS_WARC = "archive/screenshots.warc.gz"
INDEX = "indexes/index.cdx"
PAGES = "pages/pages.jsonl"
METADATA = "evidence/evidence.json"
REPORT = "evidence/report.html"
REQUESTS = (
    "Each capture's WARC request record (the GET as sent, WARC-Concurrent-To its response) "
    "is included where the archive has one; captures archived before scrubwatch kept "
    "requests have none."
)


@dataclass(frozen=True, slots=True)
class BundleResult:
    """Where the bundle and its report went, and what they hold."""

    wacz: Path
    report: Path
    captures: int
    screenshots: int


def build_bundle(
    selection: Selection,
    target: Path,
    *,
    renderer: Renderer | None,
    now: datetime,
    key: ec.EllipticCurvePrivateKey | None = None,
    tsa_url: str | None = None,
) -> BundleResult:
    """Write `target` (a .wacz) and the report beside it (same name, .html); with a key,
    `datapackage-digest.json` carries an anonymous signature (see `signing`), and with a
    time-stamp authority an RFC 3161 timestamp of it."""
    captures = _captures_warc(selection.proofs, now)
    shots = renderer.render(pages_to_render(selection)) if renderer is not None else []
    files: dict[str, bytes] = {CAPTURES_WARC: captures}
    if shots:
        files[SCREENSHOTS_WARC] = _screenshots_warc(selection.proofs, shots, now)
    infos = {name: list(read_records(data)) for name, data in files.items()}
    files[INDEX] = _index(infos)
    files[PAGES] = pages_jsonl([_page(p) for p in selection.proofs])
    meta = _metadata(selection, infos, target.name, now)
    meta["signed_by"] = fingerprint(key.public_key()) if key is not None else None
    files[METADATA] = json.dumps(meta, indent=2, ensure_ascii=False).encode("utf-8")
    report = render_report(meta, selection.change, shots).encode("utf-8")
    files[REPORT] = report
    last = selection.proofs[-1]
    info = PackageInfo(
        title=f"scrubwatch evidence: {selection.url}",
        description=_description(selection),
        created=now,
        main_page_url=last.info.url,
        main_page_date=last.info.date,
    )
    signer = signer_for(key, iso_z(now), tsa_url) if key is not None else None
    write_wacz(target, files, info, signer)
    report_path = target.with_suffix(".html")
    report_path.write_bytes(report)
    return BundleResult(target, report_path, len(selection.proofs), len(shots))


def _captures_warc(proofs: tuple[Proof, ...], now: datetime) -> bytes:
    """The bundle's warcinfo, then each record once, originals before their revisits, each
    capture's request record after its response."""
    parts = [warcinfo_record(now, "captures.warc.gz", _warcinfo_fields())]
    seen: set[str] = set()
    for proof in proofs:
        pairs = [(proof.original, proof.original_info), (proof.record, proof.info)]
        for data, info in pairs:
            if data is None or info is None or info.record_id in seen:
                continue
            seen.add(info.record_id)
            parts.append(data)
            if info is proof.info and proof.request is not None:
                parts.append(proof.request)  # right after its response, as in the archive
    return b"".join(parts)


def _screenshots_warc(proofs: tuple[Proof, ...], shots: list[bytes], now: datetime) -> bytes:
    parts = [warcinfo_record(now, "screenshots.warc.gz", _warcinfo_fields())]
    for proof, png in zip(proofs, shots, strict=True):
        parts.append(screenshot_record(proof.info.url, proof.info.date, png))
    return b"".join(parts)


def _warcinfo_fields() -> dict[str, str]:
    return {
        "software": f"scrubwatch/{__version__} (warcio)",
        "format": "WARC File Format 1.0",
        "description": "scrubwatch evidence bundle. " + REQUESTS,
    }


def pages_to_render(selection: Selection) -> list[ArchivedPage]:
    """Each capture as the browser will see it, with the sentences to mark on it."""
    diff = selection.change.diff if selection.change is not None else None
    pages = []
    for proof in selection.proofs:
        if diff is not None and proof.role == "before":
            removed = diff.sentences_removed + tuple(p.before for p in diff.sentences_changed)
            pages.append(archived_page(proof, removed, "#d00000"))
        elif diff is not None and proof.role == "after":
            added = diff.sentences_added + tuple(p.after or "" for p in diff.sentences_changed)
            pages.append(archived_page(proof, added, "#008000"))
        else:
            pages.append(archived_page(proof))
    return pages


def _index(infos: dict[str, list[RecordInfo]]) -> bytes:
    lines = [
        cdxj_line(info, name.split("/", 1)[1])
        for name, records in infos.items()
        for info in records
        if info.record_type in ("response", "revisit", "resource")
    ]
    return "".join(line + "\n" for line in sorted(lines)).encode("utf-8")


def _page(proof: Proof) -> dict[str, object]:
    page: dict[str, object] = {
        "id": f"capture-{proof.capture.id}",
        "url": proof.info.url,
        "ts": iso_z(proof.info.date),
        "title": proof.title or f"HTTP {proof.info.status}",
    }
    if proof.info.status is not None:
        page["status"] = proof.info.status
    return page


def _metadata(
    selection: Selection, infos: dict[str, list[RecordInfo]], bundle: str, now: datetime
) -> dict[str, Any]:
    shots = [i for i in infos.get(SCREENSHOTS_WARC, []) if i.record_type == "resource"]
    captures = []
    for n, proof in enumerate(selection.proofs):
        entry = _capture_entry(proof)
        if shots:
            entry["screenshot"] = {
                "warc": SCREENSHOTS_WARC,
                "record_id": shots[n].record_id,
                "url": shots[n].url,
            }
        captures.append(entry)
    change = selection.change
    return {
        "tool": f"scrubwatch {__version__}",
        "created": iso_z(now),
        "bundle": bundle,
        "url": selection.url,
        "change": change_to_json(change) if change is not None else None,
        "request_records": REQUESTS,
        "captures": captures,
    }


def _capture_entry(proof: Proof) -> dict[str, Any]:
    c = proof.capture
    assert c.warc is not None
    return {
        "role": proof.role,
        "capture_id": c.id,
        "fetched_at": iso_z(c.fetched_at),
        "url": c.url,
        "final_url": c.final_url or proof.info.url,
        "status": c.status,
        "outcome": c.outcome.value,
        "title": proof.title,
        "body_sha256": c.body_sha256,
        "body_size": c.body_size,
        "warc": CAPTURES_WARC,
        "record_id": proof.info.record_id,
        "record_type": proof.info.record_type,
        "original_record_id": proof.original_info.record_id if proof.original_info else None,
        "request_record_id": only_record(proof.request).record_id if proof.request else None,
        "archived_at": {"file": c.warc.filename, "offset": c.warc.offset, "length": c.warc.length},
        # Imported from someone else's web archive (that file), not fetched by scrubwatch.
        "source": c.source,
    }


def _description(selection: Selection) -> str:
    change = selection.change
    if change is None:
        return f"Every archived capture of {selection.url}"
    return f"Change {change.id} ({change.kind.value}) of {change.url}: {change.summary}"
