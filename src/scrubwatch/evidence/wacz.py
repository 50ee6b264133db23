"""Writing a WACZ 1.1.1 package: a ZIP of WARCs, index, pages and a hashed manifest.

WACZ (Webrecorder's format, opened by ReplayWeb.page and pywb) is a ZIP whose
`datapackage.json` lists every file with its SHA-256 and size, and whose
`datapackage-digest.json` holds the SHA-256 of that manifest, so one hash vouches for all.
Every member is stored uncompressed: the spec requires it for WARCs (replay tools seek into
them by offset), and the rest is small. Member times are the bundle's creation time, so the
same evidence written twice gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from scrubwatch import __version__

WACZ_VERSION = "1.1.1"
MANIFEST = "datapackage.json"
DIGEST = "datapackage-digest.json"
# Turns the manifest's hash into a `signedData` object (see `signing`).
Signer = Callable[[str], dict[str, str]]
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}


@dataclass(frozen=True, slots=True)
class PackageInfo:
    """What the manifest says about the package as a whole."""

    title: str
    description: str
    created: datetime
    main_page_url: str
    main_page_date: datetime


def sha256_tag(data: bytes) -> str:
    """A hash as the manifest writes it: `sha256:` and the hex digest."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def iso_z(moment: datetime) -> str:
    """A UTC time as WACZ files write it: `2026-12-02T14:05:34Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def manifest(files: Mapping[str, bytes], info: PackageInfo) -> bytes:
    """The `datapackage.json` of these files."""
    resources = [
        {
            "name": Path(path).name,
            "path": path,
            "hash": sha256_tag(data),
            "bytes": len(data),
        }
        for path, data in files.items()
    ]
    package = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": info.title,
        "description": info.description,
        "created": iso_z(info.created),
        "modified": iso_z(info.created),
        "software": f"scrubwatch {__version__}",
        "mainPageUrl": info.main_page_url,
        "mainPageDate": iso_z(info.main_page_date),
        "resources": resources,
    }
    return json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")


def digest_file(manifest_bytes: bytes, signer: Signer | None = None) -> bytes:
    """The `datapackage-digest.json` vouching for the manifest, signed when a signer is
    given (it turns the manifest's hash into the spec's `signedData`)."""
    digest: dict[str, object] = {"path": MANIFEST, "hash": sha256_tag(manifest_bytes)}
    if signer is not None:
        digest["signedData"] = signer(str(digest["hash"]))
    return json.dumps(digest, indent=2).encode("utf-8")


def pages_jsonl(pages: list[dict[str, object]]) -> bytes:
    """`pages/pages.jsonl`: the header line, then one line per page (url, ts, title...)."""
    lines = [PAGES_HEADER, *pages]
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in lines).encode("utf-8")


def write_wacz(
    target: Path, files: Mapping[str, bytes], info: PackageInfo, signer: Signer | None = None
) -> None:
    """Write the package: the files, then their manifest and its digest.

    Written to a temporary name and renamed, so a failed run never leaves a half-written
    file that looks like evidence.
    """
    manifest_bytes = manifest(files, info)
    members = {**files, MANIFEST: manifest_bytes, DIGEST: digest_file(manifest_bytes, signer)}
    stamp = info.created.astimezone(UTC).timetuple()[:6]
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
        for path, data in members.items():
            entry = zipfile.ZipInfo(path, date_time=stamp)
            entry.compress_type = zipfile.ZIP_STORED
            archive.writestr(entry, data)
    partial.replace(target)
