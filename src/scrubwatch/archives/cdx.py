"""Wayback-style CDX servers: what an archive lists for a URL pattern, and where its bytes are.

An adapter like `archives.warcfile`: it speaks the formats and URL conventions and knows
nothing of articles. Two servers matter and answer `output=json` differently:

- the Internet Archive's CDX API: one JSON array of arrays, the first row naming the fields
  (urlkey, timestamp, original, mimetype, statuscode, digest, length);
- pywb's CDX server (also OutbackCDX, in its JSON mode): one JSON object per line.

The classic plain answer (space-separated, those seven fields in that order) is read too.
Rows are matched by field name, never by position, where the server names them.

The Internet Archive's index is asked one page at a time (`limit` with `showResumeKey`): an
unbounded query for a whole section makes it build the entire answer first, and it often
times out. A page that is not the last ends with an empty row and a row holding the key to
ask for the next (`resumeKey`). pywb reads `limit` as "at most that many, then stop", with no
key, so other servers are asked for everything at once.

A capture's original bytes come from the replay's `id_` mode, `REPLAY/TIMESTAMPid_/URL`,
which serves the archived status, headers and body without rewriting. The replay prefix is
derived from the CDX URL (`.../cdx/search/cdx` -> `.../web/`, `.../COLL/cdx` -> `.../COLL/`)
unless given.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrubwatch.errors import ArchiveError

PLAIN_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
# Field names as pywb and OutbackCDX spell them, mapped to the Internet Archive's.
_ALIASES = {"url": "original", "mime": "mimetype", "status": "statuscode"}
_TIMESTAMP = re.compile(r"\d{4,14}")
_REPLAY = re.compile(r"/(\d{4,14})(?:[a-z]{2}_)?/(https?://.+)$", re.IGNORECASE)
_USABLE_MIME = ("html", "xml", "warc/revisit", "unk")
USABLE_STATUSES = frozenset({200, 301, 302, 303, 307, 308, 404, 410})


@dataclass(frozen=True, slots=True)
class CdxCapture:
    """One line of an archive's index: a capture it lists."""

    url: str  # the original URL
    timestamp: str  # 14 digits, as the archive names the capture
    status: int | None  # None where the archive gives "-" (a revisit: the replay tells)
    mimetype: str | None
    digest: str | None  # of the payload, as the archive computed it (SHA-1, base 32)

    @property
    def date(self) -> datetime:
        return timestamp_date(self.timestamp)


def timestamp_date(timestamp: str) -> datetime:
    """The moment an archive's 14-digit capture timestamp names (UTC)."""
    return datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def query(
    pattern: str,
    since: str | None = None,
    until: str | None = None,
    *,
    page_rows: int | None = None,
    resume_key: str | None = None,
) -> dict[str, str]:
    """The CDX query for a URL or a `*` prefix pattern, optionally between two timestamps;
    with `page_rows`, one page of a server that pages by resume key (`pages_by_resume_key`)."""
    params = {"url": pattern, "output": "json"}
    if since:
        params["from"] = since
    if until:
        params["to"] = until
    if page_rows is not None:
        params["limit"] = str(page_rows)
        params["showResumeKey"] = "true"
    if resume_key is not None:
        params["resumeKey"] = resume_key
    return params


def pages_by_resume_key(cdx_url: str) -> bool:
    """Whether the server is the Internet Archive's CDX API, which pages by resume key."""
    return urlsplit(cdx_url).path.rstrip("/").endswith("/cdx/search/cdx")


def cdx_timestamp(text: str) -> str:
    """A date as the CDX `from`/`to` want it: "2025-07-01" or "2025-07-01T14:05" ->
    "20250701" / "202507011405". Raises ValueError naming what is wrong."""
    digits = re.sub(r"[-:T ]", "", text.strip().removesuffix("Z"))
    if not _TIMESTAMP.fullmatch(digits):
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD, optionally with THH:MM)")
    return digits


def parse(text: str) -> list[CdxCapture]:
    """The captures of one CDX answer, in any of the three formats."""
    return parse_page(text)[0]


def parse_page(text: str) -> tuple[list[CdxCapture], str | None]:
    """The captures of one CDX answer, in any of the three formats, and the key to the next
    page where the server says there is one (the Internet Archive's JSON table).

    Raises ArchiveError when the answer is neither; rows without a usable timestamp or URL
    are left out (a damaged line is one capture lost, not the listing).
    """
    body = text.strip()
    if not body:
        return [], None
    key = None
    if body.startswith("["):
        rows, key = _ia_rows(body)
    elif body.startswith("{"):
        rows = _json_lines(body)
    else:
        rows = [dict(zip(PLAIN_FIELDS, line.split(), strict=False)) for line in body.splitlines()]
    captures = [c for c in (_capture(row) for row in rows) if c is not None]
    if rows and not captures and not body.startswith("["):
        # Lines, and not one capture among them: an HTML page or an error text, not an index.
        raise ArchiveError(f"not a CDX answer (it begins {body[:60]!r})")
    return captures, key


def usable(capture: CdxCapture) -> bool:
    """Worth fetching for an import: pages, 404/410 answers and redirects."""
    if capture.status is not None and capture.status not in USABLE_STATUSES:
        return False
    if capture.status not in (None, 200):
        return True  # a redirect, a 404 or a 410: whatever its type
    mime = (capture.mimetype or "unk").lower()
    return any(m in mime for m in _USABLE_MIME)


def replay_prefix(cdx_url: str) -> str:
    """Where the replay lives, from the CDX server's URL (ending in "/")."""
    parts = urlsplit(cdx_url)
    path = parts.path.rstrip("/")
    if path.endswith("/cdx/search/cdx"):  # the Internet Archive
        path = path.removesuffix("/cdx/search/cdx") + "/web"
    elif path.endswith("/cdx"):  # pywb: COLLECTION/cdx
        path = path.removesuffix("/cdx")
    else:
        raise ArchiveError(f"cannot tell the replay address from {cdx_url} (give it with --replay)")
    return urlunsplit((parts.scheme, parts.netloc, path + "/", "", ""))


def replay_url(prefix: str, capture: CdxCapture) -> str:
    """The capture's original bytes, unrewritten."""
    return f"{prefix}{capture.timestamp}id_/{capture.url}"


def original_of(location: str) -> tuple[str, str | None]:
    """An archive-rewritten Location back to the URL it names, and the timestamp it names.

    ("https://web.archive.org/web/20250701100000id_/https://a.example/x" ->
    ("https://a.example/x", "20250701100000")); a plain URL comes back as it is.
    """
    found = _REPLAY.search(urlsplit(location)._replace(query="", fragment="").geturl())
    if found is None:
        return location, None
    query_part = urlsplit(location).query
    target = found.group(2) + (f"?{query_part}" if query_part else "")
    return target, found.group(1)


def _ia_rows(body: str) -> tuple[list[dict[str, Any]], str | None]:
    """The rows of the Internet Archive's table by field name, and its resume key if any."""
    try:
        table = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ArchiveError(f"a CDX answer that is not JSON ({exc})") from exc
    if not isinstance(table, list) or not table:
        return [], None
    header, *rows = table
    if not isinstance(header, list) or not all(isinstance(name, str) for name in header):
        raise ArchiveError("a CDX answer without a header row")
    key = None
    if len(rows) >= 2 and rows[-2] == [] and _is_key_row(rows[-1]):
        key = str(rows[-1][0])
        rows = rows[:-2]
    names = [_ALIASES.get(str(n), str(n)) for n in header]
    return [dict(zip(names, row, strict=False)) for row in rows if isinstance(row, list)], key


def _is_key_row(row: object) -> bool:
    return isinstance(row, list) and len(row) == 1 and isinstance(row[0], str) and bool(row[0])


def _json_lines(body: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for line in body.splitlines():
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue  # one damaged line
        if isinstance(row, dict):
            rows.append({_ALIASES.get(str(k), str(k)): v for k, v in row.items()})
    if not rows:
        raise ArchiveError("a CDX answer in no format known here")
    return rows


def _capture(row: dict[str, Any]) -> CdxCapture | None:
    stamp = str(row.get("timestamp") or "")
    url = str(row.get("original") or "")
    if not re.fullmatch(r"\d{14}", stamp) or not url.startswith(("http://", "https://")):
        return None
    status = str(row.get("statuscode") or "")
    mime, digest = row.get("mimetype"), row.get("digest")
    return CdxCapture(
        url=url,
        timestamp=stamp,
        status=int(status) if status.isdigit() else None,
        mimetype=str(mime) if mime and mime != "-" else None,
        digest=str(digest) if digest and digest != "-" else None,
    )
