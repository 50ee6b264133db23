"""RFC 3161 timestamps of a bundle's signature, from a local time-stamp authority: `openssl
ts -reply` behind an HTTP server on loopback, with its own root and TSA certificates.

`verify --tsa-root` checks the TSA's signature; a timestamp from another TSA, or a bundle
whose signature was replaced, fails. Without openssl these tests skip, except under CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from articles import BYLINE, PARAGRAPHS, SCRUBBED, TITLE
from conftest import Cli
from evidence_support import members, rewrite
from scrubwatch.demo.outlet import FakeOutlet

pytestmark = pytest.mark.slow

_CONFIG = """
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = scrubwatch test TSA
[ root_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign
subjectKeyIdentifier = hash
[ tsa_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = {serial}
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ess_cert_id_alg = sha256
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


def _make_authority(where: Path) -> None:
    """A root certificate and a TSA certificate under it, made with openssl."""
    where.mkdir()
    (where / "serial").write_text("01\n")
    (where / "tsa.cnf").write_text(_CONFIG.format(serial=where / "serial"))
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *ec, "-keyout", "root.key", "-out", "root.pem", "-days", "2",
             "-subj", "/CN=test TSA root", "-config", "tsa.cnf", "-extensions", "root_ext",
             cwd=where)  # fmt: skip
    _openssl("req", "-new", *ec, "-keyout", "tsa.key", "-out", "tsa.csr",
             "-subj", "/CN=test TSA", "-config", "tsa.cnf", cwd=where)  # fmt: skip
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "root.pem", "-CAkey", "root.key",
             "-CAcreateserial", "-out", "tsa.pem", "-days", "2", "-extfile", "tsa.cnf",
             "-extensions", "tsa_ext", cwd=where)  # fmt: skip


class _Authority(BaseHTTPRequestHandler):
    """Answers each timestamp query with `openssl ts -reply`."""

    directory: Path

    def do_POST(self) -> None:
        query = self.rfile.read(int(self.headers["Content-Length"]))
        with tempfile.TemporaryDirectory() as scratch:
            (Path(scratch) / "q.tsq").write_bytes(query)
            reply = Path(scratch) / "r.tsr"
            d = self.directory
            _openssl("ts", "-reply", "-queryfile", "q.tsq", "-signer", str(d / "tsa.pem"),
                     "-inkey", str(d / "tsa.key"), "-config", str(d / "tsa.cnf"),
                     "-out", str(reply), cwd=Path(scratch))  # fmt: skip
            body = reply.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(directory: Path) -> Iterator[str]:
    handler = type("Authority", (_Authority,), {"directory": directory})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def authorities(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("timestamp tests cannot run under CI: openssl is not installed")
        pytest.skip("openssl is not installed")
    base = tmp_path_factory.mktemp("tsa")
    _make_authority(base / "ours")
    _make_authority(base / "other")
    return base / "ours", base / "other"


@pytest.fixture
def tsa(authorities: tuple[Path, Path]) -> Iterator[str]:
    yield from _serve(authorities[0])


@pytest.fixture
def signed_bundle(tsa: str, outlet: FakeOutlet, tmp_path: Path, capsys: Any) -> tuple[Cli, Path]:
    cli = Cli(tmp_path / "data", capsys)
    url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    assert cli("watch", url).code == 0
    assert cli("check", "--all").code == 0
    outlet.edit("aliyev-beijing", paragraphs=SCRUBBED)
    assert cli("check", "--all").code == 0
    change = cli("changes", "--json").json()[0]
    key = tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(key)],
        check=True,
        timeout=30,
    )
    target = tmp_path / "stamped.wacz"
    made = cli("evidence", str(change["id"]), "-o", str(target), "--no-screenshots",
               "--sign-key", str(key), "--tsa", tsa)  # fmt: skip
    assert made.code == 0, made.stderr
    return cli, target


def test_a_timestamped_bundle_verifies_under_its_tsa_root(
    signed_bundle: tuple[Cli, Path], authorities: tuple[Path, Path]
) -> None:
    cli, target = signed_bundle
    signed = json.loads(members(target)["datapackage-digest.json"])["signedData"]
    assert signed["timeSignature"] and "BEGIN CERTIFICATE" in signed["timestampCert"]

    plain = cli("verify", str(target))
    assert plain.code == 0, plain.stdout
    assert "RFC 3161 timestamp of the signature" in plain.stdout
    assert "note  the timestamp's TSA was not checked" in plain.stdout

    ours = cli("verify", str(target), "--tsa-root", str(authorities[0] / "root.pem"))
    assert ours.code == 0, ours.stdout
    assert "ok    datapackage-digest.json timestamp signed under a trusted TSA root" in ours.stdout

    other = cli("verify", str(target), "--tsa-root", str(authorities[1] / "root.pem"))
    assert other.code == 1
    assert "FAIL  datapackage-digest.json timestamp signed under a trusted TSA root" in (
        other.stdout
    )


def test_a_timestamp_of_another_signature_fails(signed_bundle: tuple[Cli, Path]) -> None:
    """Moving a timestamp onto a bundle it was not made for does not work: it covers a
    signature the bundle does not carry."""
    cli, target = signed_bundle

    def swap_signature(data: bytes) -> bytes:
        digest = json.loads(data)
        signature = digest["signedData"]["signature"]
        digest["signedData"]["signature"] = signature[:-8] + "AAAAAAA="
        return json.dumps(digest).encode()

    rewrite(target, "datapackage-digest.json", swap_signature)
    result = cli("verify", str(target))
    assert result.code == 1
    assert "FAIL  datapackage-digest.json RFC 3161 timestamp of the signature" in result.stdout


def test_a_bundle_without_a_timestamp_fails_when_one_is_required(
    authorities: tuple[Path, Path], outlet: FakeOutlet, tmp_path: Path, capsys: Any
) -> None:
    cli = Cli(tmp_path / "data", capsys)
    assert cli("evidence", "1", "--no-screenshots", "--tsa", "http://127.0.0.1:9/").code == 2
    url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    assert cli("watch", url).code == 0
    assert cli("check", "--all").code == 0
    outlet.edit("aliyev-beijing", paragraphs=SCRUBBED)
    assert cli("check", "--all").code == 0
    change = cli("changes", "--json").json()[0]
    target = tmp_path / "plain.wacz"
    assert cli("evidence", str(change["id"]), "-o", str(target), "--no-screenshots").code == 0
    result = cli("verify", str(target), "--tsa-root", str(authorities[0] / "root.pem"))
    assert result.code == 1
    assert "FAIL  datapackage-digest.json carries an RFC 3161 timestamp" in result.stdout
