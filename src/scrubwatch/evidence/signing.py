"""Signing a bundle the way the WACZ signing spec's "anonymous" signature does.

Hashes prove a bundle was not altered after its manifest was written; they do not say who
wrote it. A signature over `datapackage-digest.json`'s hash by a key the newsroom publishes
does. The spec's anonymous form carries the public key beside the signature, so anyone can
check the signature, and whether the key is the newsroom's is checked out of band (here:
its SHA-256 fingerprint, which `verify` prints, or `verify --public-key`).

ECDSA over P-256 with SHA-256, signing the hash string itself (ASCII) with a DER-encoded,
base64 signature, as Webrecorder's authsign does for its domain signatures; the public key
is the base64 of its DER SubjectPublicKeyInfo. A key is made with
`openssl ecparam -name prime256v1 -genkey -noout -out evidence-key.pem`.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from scrubwatch import __version__
from scrubwatch.errors import EvidenceError
from scrubwatch.evidence.timestamp import request_timestamp


def load_private_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """An unencrypted PEM EC private key, or an error that says what is wrong with it."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise EvidenceError(f"cannot use {path} as a signing key: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise EvidenceError(f"{path} is not an EC (ECDSA) private key")
    return key


def load_public_key(path: Path) -> ec.EllipticCurvePublicKey:
    """A PEM public key (or the public half of a PEM private key)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EvidenceError(f"cannot read {path}: {exc}") from exc
    if b"PRIVATE KEY" in data:
        return load_private_key(path).public_key()
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise EvidenceError(f"cannot use {path} as a public key: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise EvidenceError(f"{path} is not an EC (ECDSA) public key")
    return key


def fingerprint(public_key: ec.EllipticCurvePublicKey) -> str:
    """`sha256:` and the hex SHA-256 of the key's DER form: what a newsroom publishes."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "sha256:" + hashlib.sha256(der).hexdigest()


def sign(hash_tag: str, created: str, key: ec.EllipticCurvePrivateKey) -> dict[str, str]:
    """The `signedData` of an anonymous signature over the manifest's hash."""
    signature = key.sign(hash_tag.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {
        "hash": hash_tag,
        "created": created,
        "software": "scrubwatch",
        "version": __version__,
        "signature": base64.b64encode(signature).decode("ascii"),
        "publicKey": base64.b64encode(public).decode("ascii"),
    }


def signer_for(
    key: ec.EllipticCurvePrivateKey, created: str, tsa_url: str | None = None
) -> Callable[[str], dict[str, str]]:
    """What turns the manifest's hash into `signedData`: the signature, and with a TSA an
    RFC 3161 timestamp of that signature (see `timestamp`)."""

    def signed_data(hash_tag: str) -> dict[str, str]:
        signed = sign(hash_tag, created, key)
        if tsa_url is not None:
            signed.update(request_timestamp(tsa_url, signed["signature"].encode("ascii")))
        return signed

    return signed_data


def check(
    signed: Mapping[str, Any], expected_hash: str
) -> tuple[bool, ec.EllipticCurvePublicKey | None]:
    """Whether `signed` is a valid signature of `expected_hash`, and by which key."""
    try:
        der = base64.b64decode(str(signed["publicKey"]), validate=True)
        signature = base64.b64decode(str(signed["signature"]), validate=True)
        key = serialization.load_der_public_key(der)
    except (KeyError, ValueError) as exc:
        del exc
        return False, None
    if not isinstance(key, ec.EllipticCurvePublicKey) or signed.get("hash") != expected_hash:
        return False, None
    try:
        key.verify(signature, expected_hash.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False, key
    return True, key
