"""Helpers for the evidence tests: reading a WACZ and altering it as a forger would.

A forger who edits a member of the ZIP rewrites the ZIP too (or its CRC gives the edit
away at once); `rewrite` does that. `reseal` goes further and recomputes the manifest and
its digest, so only the checks inside the files (WARC digests, bodies' SHA-256) remain.
This module holds no tests.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path


def members(path: Path) -> dict[str, bytes]:
    """Every file of a ZIP, in order."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rewrite(path: Path, name: str, change: Callable[[bytes], bytes]) -> None:
    """Replace one member's bytes, writing a ZIP whose CRCs are consistent again."""
    files = members(path)
    files[name] = change(files[name])
    _write(path, files)


def reseal(path: Path) -> None:
    """Recompute `datapackage.json` hashes and `datapackage-digest.json` after an edit."""
    files = members(path)
    manifest = json.loads(files["datapackage.json"])
    for resource in manifest["resources"]:
        data = files[resource["path"]]
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        resource["bytes"] = len(data)
    files["datapackage.json"] = json.dumps(manifest, indent=2).encode()
    digest = {"path": "datapackage.json", "hash": "sha256:" + _sha(files["datapackage.json"])}
    files["datapackage-digest.json"] = json.dumps(digest).encode()
    _write(path, files)


def flip_byte(data: bytes, position: int) -> bytes:
    """The same bytes with one of them changed."""
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


def replace_in_gzip_members(data: bytes, old: bytes, new: bytes) -> bytes:
    """Edit text inside a multi-member .warc.gz, recompressing member by member (so it stays
    a seekable WARC) and leaving the records' digests stale, as a careless forger would."""
    out = []
    rest = data
    while rest:
        inflater = zlib.decompressobj(wbits=31)
        plain = inflater.decompress(rest)
        rest = inflater.unused_data
        out.append(gzip.compress(plain.replace(old, new)))
    forged = b"".join(out)
    assert forged != data and old not in gzip.decompress(forged), "nothing to replace"
    return forged


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write(path: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
