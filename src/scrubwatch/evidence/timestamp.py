"""RFC 3161 timestamps: a third party's word on when a bundle's signature existed.

A signature says who made a bundle, but its `created` time is the signer's own claim. A
Time-Stamp Authority (any RFC 3161 service, or an in-house one) signs "this signature
existed at T", so a bundle cannot be back-dated after the fact. As the WACZ signing spec
does for its domain signatures, the TSA timestamps the `signature` string, and the reply
goes into `signedData` as `timeSignature` (base64 DER), with the certificates the TSA sent
as `timestampCert` (PEM).

Checking the TSA's signature needs a root certificate the reader trusts (`verify
--tsa-root`); without one, `verify` can still check that the timestamp covers this
signature, and says that the TSA itself was not checked. Requests and replies are parsed
and verified by `rfc3161-client`.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from scrubwatch.errors import EvidenceError

_TIMEOUT_S = 30.0
_MAX_REPLY_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class TimestampCheck:
    """What a timestamp says, and how far it could be checked."""

    covers_data: bool  # the timestamp's message imprint is the SHA-256 of the signature
    verified: bool | None  # the TSA's signature against a trusted root; None: no root given
    time: datetime | None
    detail: str = ""


def request_timestamp(url: str, data: bytes) -> dict[str, str]:
    """Ask the TSA at `url` to timestamp `data`; the `timeSignature`/`timestampCert` fields."""
    request = (
        TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    try:
        reply = httpx.post(
            url,
            content=request.as_bytes(),
            headers={"Content-Type": "application/timestamp-query"},
            timeout=_TIMEOUT_S,
        )
    except httpx.HTTPError as exc:
        raise EvidenceError(f"time-stamp authority {url} unreachable: {exc}") from exc
    if reply.status_code != 200 or len(reply.content) > _MAX_REPLY_BYTES:
        raise EvidenceError(f"time-stamp authority {url} answered HTTP {reply.status_code}")
    try:
        response = decode_timestamp_response(reply.content)
    except ValueError as exc:
        raise EvidenceError(f"time-stamp authority {url} sent no timestamp: {exc}") from exc
    granted = response.status in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS)
    if not granted or response.tst_info.nonce != request.nonce:
        raise EvidenceError(f"time-stamp authority {url} refused: {response.status_string}")
    if response.tst_info.message_imprint.message != hashlib.sha256(data).digest():
        raise EvidenceError(f"time-stamp authority {url} timestamped something else")
    certs = [x509.load_der_x509_certificate(der) for der in response.signed_data.certificates]
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)
    return {
        "timeSignature": base64.b64encode(reply.content).decode("ascii"),
        "timestampCert": pem.decode("ascii"),
    }


def check_timestamp(
    time_signature: str, data: bytes, roots: list[x509.Certificate] | None
) -> TimestampCheck:
    """Whether `time_signature` timestamps `data`, and, given trusted roots, whether the
    TSA's signature holds."""
    try:
        response = decode_timestamp_response(base64.b64decode(time_signature, validate=True))
    except ValueError as exc:
        return TimestampCheck(False, False, None, f"unreadable timestamp: {exc}")
    info = response.tst_info
    covers = info.message_imprint.message == hashlib.sha256(data).digest()
    if not roots:
        return TimestampCheck(covers, None, info.gen_time)
    builder = VerifierBuilder()
    for root in roots:
        builder = builder.add_root_certificate(root)
    try:
        builder.build().verify_message(response, data)
    except VerificationError as exc:
        return TimestampCheck(covers, False, info.gen_time, str(exc))
    return TimestampCheck(covers, True, info.gen_time)


def load_roots(path: Path) -> list[x509.Certificate]:
    """Trusted TSA root certificates from a PEM file."""
    try:
        roots = x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise EvidenceError(f"cannot read TSA root certificates from {path}: {exc}") from exc
    return roots
