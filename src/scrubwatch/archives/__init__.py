"""Web archives made by others, read for `scrubwatch import`: WARC, WARC.gz and WACZ files.

An adapter like `store` and `fetch`: it reads files and knows nothing of articles or
versions. `scan_archive` tells what one file holds (`warcfile.FileScan`), never raising for
a bad file: a missing file, a file that is neither WARC nor WACZ, and a damaged one each
come back with a one-line `error` naming why, so an import of many files goes on with the
others. A WACZ (a zip of WARCs, as Browsertrix and ArchiveWeb.page write) has its WARC files
copied out into `workdir` first, since records are read back by offset.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path, PurePosixPath

from scrubwatch.archives.warcfile import (
    ArchivedBody,
    ArchivedCapture,
    FileScan,
    read_body,
    scan_warc,
)

__all__ = ["ArchivedBody", "ArchivedCapture", "FileScan", "read_body", "scan_archive"]

_ZIP_MAGIC = b"PK\x03\x04"


def scan_archive(source: str, workdir: Path) -> FileScan:
    """What the file named `source` holds; `workdir` receives the WARCs of a WACZ."""
    path = Path(source)
    try:
        with path.open("rb") as f:
            head = f.read(4)
    except FileNotFoundError:
        return FileScan(source, error="no such file")
    except IsADirectoryError:
        return FileScan(source, error="a directory, not a WARC or WACZ file")
    except OSError as exc:
        return FileScan(source, error=f"cannot read it: {exc.strerror or exc}")
    if head == _ZIP_MAGIC:
        return _scan_wacz(path, source, workdir)
    return scan_warc(path, source)


def _scan_wacz(path: Path, source: str, workdir: Path) -> FileScan:
    """The WARCs under `archive/` of a WACZ, scanned as one file."""
    scan = FileScan(source)
    try:
        with zipfile.ZipFile(path) as wacz:
            members = [m for m in wacz.infolist() if _is_warc_member(m.filename)]
            if not members:
                scan.error = "a zip file without WARC files under archive/ (not a WACZ)"
                return scan
            target = workdir / f"wacz-{len(list(workdir.iterdir()))}"
            target.mkdir(parents=True)
            for number, member in enumerate(members):
                copy = target / f"{number:04d}-{PurePosixPath(member.filename).name}"
                with wacz.open(member) as inner, copy.open("wb") as out:
                    shutil.copyfileobj(inner, out)
                _merge(scan, scan_warc(copy, source), member.filename)
                if scan.error is not None:
                    break
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        scan.error = f"a broken zip file ({exc})"
    except OSError as exc:
        scan.error = f"cannot read it: {exc.strerror or exc}"
    return scan


def _is_warc_member(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return (
        len(parts) == 2
        and parts[0] == "archive"
        and parts[1].lower().endswith((".warc", ".warc.gz"))
    )


def _merge(scan: FileScan, inner: FileScan, member: str) -> None:
    scan.records += inner.records
    scan.captures.extend(inner.captures)
    if inner.error is not None:
        scan.error = f"{member}: {inner.error}"
