"""Checking an evidence bundle: recompute every hash, follow every index line.

A bundle is only worth something if anyone can show it was not altered since it was made.
`verify_bundle` recomputes, and trusts nothing it did not recompute:
- the ZIP's own CRCs (a flipped byte in any member);
- `datapackage-digest.json` → `datapackage.json` → every file's SHA-256 and size, and no
  file left out of the manifest;
- every WARC record's block and payload digests (warcio checks them as it reads);
- every index line: the record at that offset of that file is the one the line names;
- every page of `pages/pages.jsonl` is in the index;
- `evidence/evidence.json`: each capture's record is in the bundle and its body's SHA-256
  is the one listed (and shown in the report), each screenshot record is there;
- the report beside the bundle, when there is one, is the one inside it.
Each check is reported by name, so a failure says exactly what does not hold.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from scrubwatch.evidence.bundle import INDEX, METADATA, PAGES, REPORT
from scrubwatch.evidence.records import RecordInfo, parse_cdxj, read_records, sha256_hex
from scrubwatch.evidence.signing import check as check_signature
from scrubwatch.evidence.signing import fingerprint
from scrubwatch.evidence.timestamp import check_timestamp
from scrubwatch.evidence.wacz import DIGEST, MANIFEST, sha256_tag
from scrubwatch.store.warc_records import payload_digest


@dataclass
class Verification:
    """Every check made, with its outcome."""

    public_key: ec.EllipticCurvePublicKey | None = None  # the signature must be by this key
    tsa_roots: list[x509.Certificate] | None = None  # a timestamp must chain to one of these
    checks: list[tuple[bool, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be checked, and why

    def add(self, ok: bool, what: str) -> None:
        self.checks.append((ok, what))

    @property
    def failures(self) -> list[str]:
        return [what for ok, what in self.checks if not ok]

    @property
    def ok(self) -> bool:
        return bool(self.checks) and not self.failures


def verify_bundle(
    path: Path,
    report: Path | None = None,
    public_key: ec.EllipticCurvePublicKey | None = None,
    tsa_roots: list[x509.Certificate] | None = None,
) -> Verification:
    """Check a WACZ (and the report beside it, when given and present).

    With `public_key` the bundle must also be signed by that key; with `tsa_roots` its
    signature must carry an RFC 3161 timestamp from a TSA under one of those roots.
    """
    result = Verification(public_key, tsa_roots)
    try:
        files = _read_members(path, result)
    except (OSError, zipfile.BadZipFile) as exc:
        result.add(False, f"{path.name}: not a readable ZIP ({exc})")
        return result
    if not _check_manifest(files, result):
        return result
    warcs = {name: _records(name, data, result) for name, data in files.items() if ".warc" in name}
    _check_index(files, warcs, result)
    _check_pages(files, result)
    _check_metadata(files, warcs, result)
    if report is not None and report.exists():
        same = report.read_bytes() == files.get(REPORT)
        result.add(same, f"{report.name} is identical to {REPORT} inside the bundle")
    return result


def _read_members(path: Path, result: Verification) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as archive:
        for entry in archive.infolist():
            try:
                files[entry.filename] = archive.read(entry)
            except zipfile.BadZipFile as exc:
                result.add(False, f"{entry.filename}: altered inside the ZIP ({exc})")
    return files


def _check_manifest(files: dict[str, bytes], result: Verification) -> bool:
    """The digest file vouches for the manifest, the manifest for every other file."""
    manifest_bytes, digest_bytes = files.get(MANIFEST), files.get(DIGEST)
    if manifest_bytes is None or digest_bytes is None:
        result.add(False, f"{MANIFEST} and {DIGEST} are present")
        return False
    try:
        digest = json.loads(digest_bytes)
        manifest = json.loads(manifest_bytes)
        resources = manifest["resources"]
    except (ValueError, KeyError, TypeError) as exc:
        result.add(False, f"{MANIFEST} / {DIGEST} are readable JSON ({exc})")
        return False
    result.add(digest.get("hash") == sha256_tag(manifest_bytes), f"{MANIFEST} SHA-256")
    _check_signature(digest, sha256_tag(manifest_bytes), manifest.get("created"), result)
    listed = set()
    for resource in resources:
        name = str(resource.get("path"))
        listed.add(name)
        data = files.get(name)
        ok = data is not None and resource.get("hash") == sha256_tag(data)
        ok = ok and data is not None and resource.get("bytes") == len(data)
        result.add(ok, f"{name} SHA-256 and size")
    for name in sorted(set(files) - listed - {MANIFEST, DIGEST}):
        result.add(False, f"{name} is listed in {MANIFEST}")
    return True


def _check_signature(
    digest: dict[str, Any], manifest_hash: str, created: object, result: Verification
) -> None:
    """An anonymous WACZ signature, when there is one (or when a key is required)."""
    signed = digest.get("signedData")
    if signed is None:
        if result.public_key is not None:
            result.add(False, f"{DIGEST} is signed by {fingerprint(result.public_key)}")
        if result.tsa_roots:
            result.add(False, f"{DIGEST} carries an RFC 3161 timestamp")
        else:
            result.notes.append("the bundle is not signed")
        return
    if not isinstance(signed, dict):
        result.add(False, f"{DIGEST} signedData is an object")
        return
    ok, key = check_signature(signed, manifest_hash)
    by = fingerprint(key) if key is not None else "an unreadable key"
    result.add(ok, f"{DIGEST} signature of the {MANIFEST} hash by key {by}")
    result.add(signed.get("created") == created, f"{DIGEST} signature time is the bundle's")
    if result.public_key is not None:
        wanted = fingerprint(result.public_key)
        result.add(key is not None and fingerprint(key) == wanted, f"{DIGEST} signed by {wanted}")
    _check_timestamp(signed, result)


def _check_timestamp(signed: dict[str, Any], result: Verification) -> None:
    """The RFC 3161 timestamp of the signature, when there is one (or when one is required)."""
    stamp = signed.get("timeSignature")
    if not isinstance(stamp, str):
        if result.tsa_roots:
            result.add(False, f"{DIGEST} carries an RFC 3161 timestamp")
        return
    found = check_timestamp(
        stamp, str(signed.get("signature", "")).encode("ascii"), result.tsa_roots
    )
    when = f"{found.time:%Y-%m-%d %H:%M:%S} UTC" if found.time else "an unreadable time"
    result.add(found.covers_data, f"{DIGEST} RFC 3161 timestamp of the signature, {when}")
    if found.verified is None:
        result.notes.append("the timestamp's TSA was not checked (give --tsa-root)")
    else:
        detail = f" ({found.detail})" if found.detail else ""
        result.add(found.verified, f"{DIGEST} timestamp signed under a trusted TSA root{detail}")


def _records(name: str, data: bytes, result: Verification) -> list[RecordInfo]:
    try:
        infos = list(read_records(data))
    except Exception as exc:  # warcio fails in many ways on altered bytes; all mean the same
        result.add(False, f"{name}: readable WARC ({type(exc).__name__}: {exc})")
        return []
    for info in infos:
        ok = info.digests_ok is not False
        if info.record_type in ("response", "resource"):
            ok = ok and info.payload_digest == payload_digest(info.payload)
        result.add(ok, f"{name}: digests of {info.record_type} {info.record_id} ({info.url})")
    return infos


def _check_index(
    files: dict[str, bytes], warcs: dict[str, list[RecordInfo]], result: Verification
) -> None:
    """Each index line must land on the record it names, in the file it names."""
    for line in _lines(files.get(INDEX, b"")):
        try:
            _key, stamp, fields = parse_cdxj(line)
            name = f"archive/{fields['filename']}"
            offset, length = int(str(fields["offset"])), int(str(fields["length"]))
        except (ValueError, KeyError) as exc:
            result.add(False, f"{INDEX}: readable line ({exc})")
            continue
        found = next((i for i in warcs.get(name, []) if i.offset == offset), None)
        ok = (
            found is not None
            and found.length == length
            and found.url == fields.get("url")
            and found.record_id == fields.get("recordId")
            and found.date.strftime("%Y%m%d%H%M%S") == stamp
        )
        result.add(ok, f"{INDEX}: {fields.get('url')} at {name}:{offset}")


def _check_pages(files: dict[str, bytes], result: Verification) -> None:
    indexed = set()
    for line in _lines(files.get(INDEX, b"")):
        try:
            _key, stamp, fields = parse_cdxj(line)
        except ValueError:
            continue
        indexed.add((str(fields.get("url")), stamp))
    for n, line in enumerate(_lines(files.get(PAGES, b""))):
        page = json.loads(line)
        if n == 0:
            result.add(page.get("format") == "json-pages-1.0", f"{PAGES}: header line")
            continue
        stamp = str(page.get("ts", "")).replace("-", "").replace(":", "").replace("T", "")
        key = (str(page.get("url")), stamp.rstrip("Z"))
        result.add(key in indexed, f"{PAGES}: {page.get('url')} is in the index")


def _check_metadata(
    files: dict[str, bytes], warcs: dict[str, list[RecordInfo]], result: Verification
) -> None:
    """Each capture's body hash and record, and each screenshot, as the report lists them."""
    try:
        meta = json.loads(files[METADATA])
        captures: list[dict[str, Any]] = meta["captures"]
    except (KeyError, ValueError) as exc:
        result.add(False, f"{METADATA}: present and readable ({exc})")
        return
    by_id = {i.record_id: i for records in warcs.values() for i in records}
    report = files.get(REPORT, b"").decode("utf-8", errors="replace")
    for capture in captures:
        _check_capture(capture, by_id, report, result)


def _check_capture(
    capture: dict[str, Any], by_id: dict[str, RecordInfo], report: str, result: Verification
) -> None:
    what = f"capture {capture.get('capture_id')} ({capture.get('role')})"
    shown = all(escape(str(capture.get(k))) in report for k in ("body_sha256", "record_id"))
    result.add(shown, f"{REPORT} shows {what}'s body SHA-256 and record ID")
    record = by_id.get(str(capture.get("record_id")))
    result.add(record is not None, f"{what}: WARC record {capture.get('record_id')}")
    # A revisit's body is in the response record it refers to.
    body_from = by_id.get(str(capture.get("original_record_id") or capture.get("record_id")))
    expected = capture.get("body_sha256")
    body_ok = body_from is not None and sha256_hex(body_from.payload) == expected
    result.add(body_ok, f"{what}: body SHA-256 {expected}")
    shot = capture.get("screenshot")
    if shot is not None:
        found = by_id.get(str(shot.get("record_id")))
        ok = found is not None and found.mime == "image/png" and found.payload[:4] == b"\x89PNG"
        result.add(ok, f"{what}: screenshot record {shot.get('record_id')}")


def _lines(data: bytes) -> Iterator[str]:
    for line in data.decode("utf-8", errors="replace").splitlines():
        if line.strip():
            yield line
