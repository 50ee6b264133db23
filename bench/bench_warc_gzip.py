"""What a WARC record costs to write, by zlib level: CPU per record and bytes on disk.

Every capture is archived as one gzip member (`store/warc.py`). warcio compresses at level 9;
this compares that with the levels below it on real pages (`../shared/data`, found relative to
the repository), each page serialised as a response record the way the archive does it.

Usage: .venv/bin/python bench/bench_warc_gzip.py [LEVEL ...]   (default: 9 6 1)
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from scrubwatch.store import warc, warc_records

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pages() -> list[bytes]:
    found = sorted(DATA.glob("*/**/*.html"))
    if not found:
        sys.exit(f"no pages under {DATA}")
    return [path.read_bytes() for path in found]


def cost(level: int, bodies: list[bytes], directory: Path) -> tuple[float, int]:
    """CPU seconds per record and bytes written for every body archived at `level`."""
    archive = warc.WarcArchive(directory / str(level))
    moment = datetime(2026, 12, 3, tzinfo=UTC)
    warc_records.GZIP_LEVEL = level  # read by every record written from here on
    start = time.process_time()
    for n, body in enumerate(bodies):
        archive.write_response(
            url=f"https://outlet.example/{n}",
            fetched_at=moment,
            status=200,
            reason="OK",
            headers=[("Content-Type", "text/html; charset=utf-8")],
            body=body,
        )
    spent = time.process_time() - start
    archive.close()
    size = sum(f.stat().st_size for f in (directory / str(level)).iterdir())
    return spent / len(bodies), size


def main(levels: list[int]) -> None:
    bodies = pages()
    raw = sum(map(len, bodies))
    print(f"{len(bodies)} pages, {raw / len(bodies) / 1024:.0f} KiB on average\n")
    print("| zlib level | ms per record | bytes on disk | of the raw pages |")
    print("|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for level in levels:
            per_record, size = cost(level, bodies, Path(tmp))
            print(f"| {level} | {per_record * 1000:.2f} | {size:,} | {size / raw:.1%} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [9, 6, 1])
