"""Web archives written by the tests, as a crawler would: WARC files (warcio) and WACZ zips."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from articles import PARAGRAPHS, SCRUBBED, TITLE


@dataclass(frozen=True)
class Archived:
    """One HTTP response to archive."""

    url: str
    date: datetime
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None


def article_html(title: str, paragraphs: Sequence[str], byline: str = "Test Reporter") -> bytes:
    """A plain news article page, with a little chrome around it."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title><meta property='og:type' content='article'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news/'>News</a></nav>"
        f"<article><h1>{title}</h1><p class='byline'>By {byline}</p>{body}</article>"
        "<footer>© Example News</footer></body></html>"
    ).encode()


def not_found_html() -> bytes:
    return b"<html><head><title>404 Not Found</title></head><body>Not found</body></html>"


def write_warc(path: Path, records: Sequence[Archived], *, gzip: bool = True) -> Path:
    """A WARC file of response records, in the order given."""
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=gzip)
        for rec in records:
            headers = [("Content-Type", rec.content_type), ("Content-Length", str(len(rec.body)))]
            reasons = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found"}
            if rec.location:
                headers.append(("Location", rec.location))
            http = StatusAndHeaders(
                f"{rec.status} {reasons.get(rec.status, 'Gone')}", headers, protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                rec.url,
                "response",
                payload=io.BytesIO(rec.body),
                length=len(rec.body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": warc_date(rec.date)},
            )
            writer.write_record(record)
    return path


def write_wacz(path: Path, warcs: Sequence[Path]) -> Path:
    """A minimal WACZ: the WARCs under archive/ and a datapackage.json."""
    with zipfile.ZipFile(path, "w") as wacz:
        for warc in warcs:
            wacz.write(warc, f"archive/{warc.name}", compress_type=zipfile.ZIP_STORED)
        package = {"profile": "data-package", "wacz_version": "1.1.1", "resources": []}
        wacz.writestr("datapackage.json", json.dumps(package))
    return path


def warc_date(moment: datetime) -> str:
    return str(datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None)))


def write_revisits(
    path: Path, url: str, first: datetime, second: datetime, *, gzip: bool = True
) -> Path:
    """An article archived once in full, then as a revisit record (identical payload)."""
    body = article_html("A headline for a revisit test", ("One sentence here.",) * 20)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=gzip)
        response = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": warc_date(first)},
        )
        writer.write_record(response)
        digest = response.rec_headers.get_header("WARC-Payload-Digest")
        revisit = writer.create_revisit_record(
            url,
            digest,
            url,
            warc_date(first),
            http_headers=StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
            ),
            warc_headers_dict={"WARC-Date": warc_date(second)},
        )
        writer.write_record(revisit)
    return path


SITE = "https://news.example"
URL = f"{SITE}/politics/2025/04/21/chinese-companies-to-build-zangezur-corridor"
T0 = datetime(2025, 4, 21, 9, 30, tzinfo=UTC)
V1, V2, GONE = T0 + timedelta(hours=2), T0 + timedelta(hours=5), T0 + timedelta(hours=9)


def scrub_records(url: str = URL) -> list[Archived]:
    """The day of a scrub, as a crawler kept it: v1 twice, v2 without the corridor, a 404;
    around them the homepage, a stylesheet and an image that are no article."""
    v1, v2 = article_html(TITLE, PARAGRAPHS), article_html(TITLE, SCRUBBED)
    home = b"<html><head><title>Example News</title></head><body><a href='/x'>x</a></body></html>"
    return [
        Archived(f"{SITE}/", T0, body=home),
        Archived(url, T0, body=v1),
        Archived(f"{SITE}/style.css", T0, body=b"body{}", content_type="text/css"),
        Archived(url, V1, body=v1),
        Archived(f"{SITE}/logo.png", V1, body=b"\x89PNG", content_type="image/png"),
        Archived(url, V2, body=v2),
        Archived(url, GONE, status=404, body=not_found_html()),
    ]
