"""`evidence` and `verify` through the real CLI, on a history the real pipeline recorded
from the fake outlet over HTTP (real SQLite, real WARC files): the bundle passes `verify`
and py-wacz's validator, holds the archive's records byte for byte, and any altered byte
(a record, a page, the report, a body hash) makes `verify` exit 1 naming it.

Screenshots need Chromium and are tested in `test_evidence_screenshots`; these bundles are
made with `--no-screenshots`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from articles import BYLINE, PARAGRAPHS, REMOVED_SENTENCE, SCRUBBED, TITLE
from conftest import Cli
from evidence_support import (
    flip_byte,
    members,
    replace_in_gzip_members,
    reseal,
    rewrite,
)
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.evidence.records import read_records
from scrubwatch.model import Change, ChangeKind
from scrubwatch.store.warc import WarcArchive
from web_support import Scene, build_scene

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    with FakeOutlet() as outlet:
        built = build_scene(tmp_path_factory.mktemp("evidence") / "data", outlet)
        yield built
        built.store.close()


@pytest.fixture
def cli(scene: Scene, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(scene.settings.data_dir, capsys)


def _change(scene: Scene, url: str) -> Change:
    return next(c for c in scene.store.changes() if c.url == url)


def _bundle(cli: Cli, scene: Scene, url: str, target: Path) -> Path:
    change = _change(scene, url)
    made = cli("evidence", str(change.id), "-o", str(target), "--no-screenshots")
    assert made.code == 0, made.stderr
    assert target.exists() and target.with_suffix(".html").exists()
    return target


def _verify(cli: Cli, path: Path) -> tuple[int, str]:
    result = cli("verify", str(path))
    return result.code, result.stdout + result.stderr


def _failures(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("FAIL")]


def test_edit_bundle_verifies_and_holds_the_archived_records(
    cli: Cli, scene: Scene, tmp_path: Path
) -> None:
    path = _bundle(cli, scene, scene.scrubbed_url, tmp_path / "scrub.wacz")
    code, output = _verify(cli, path)
    assert code == 0, output
    assert not _failures(output)
    assert "all" in output and "checks hold" in output

    files = members(path)
    article = scene.store.article(scene.scrubbed_url)
    assert article is not None and article.id is not None
    meta = json.loads(files["evidence/evidence.json"])
    assert [c["role"] for c in meta["captures"]] == ["before", "after"]
    archive = WarcArchive(scene.settings.archive_dir)
    by_id = {c.id: c for c in scene.store.captures(article.id)}
    for entry in meta["captures"]:
        capture = by_id[entry["capture_id"]]
        assert capture.warc is not None
        # Byte for byte the archive's own gzip member, not a re-encoding of it.
        assert archive.raw(capture.warc) in files["archive/captures.warc.gz"]
        assert entry["body_sha256"] == capture.body_sha256
        assert entry["record_id"] in files["indexes/index.cdx"].decode()
    # Each capture's request, as sent, right after its response: WARC-Concurrent-To it.
    records = list(read_records(files["archive/captures.warc.gz"]))
    requests = {r.record_id: r for r in records if r.record_type == "request"}
    for entry in meta["captures"]:
        assert entry["request_record_id"] in requests
    assert len(requests) == 2
    assert all(r.url in {c["final_url"] for c in meta["captures"]} for r in requests.values())
    assert meta["change"]["kind"] == "edited"

    pages = [json.loads(line) for line in files["pages/pages.jsonl"].splitlines()]
    assert pages[0]["format"] == "json-pages-1.0"
    assert [p["title"] for p in pages[1:]] == [TITLE, TITLE]
    report = path.with_suffix(".html").read_text()
    assert REMOVED_SENTENCE in report
    assert "scrubwatch verify scrub.wacz" in report
    assert report.encode() == files["evidence/report.html"]


def test_py_wacz_validator_accepts_the_bundle(cli: Cli, scene: Scene, tmp_path: Path) -> None:
    path = _bundle(cli, scene, scene.scrubbed_url, tmp_path / "scrub.wacz")
    assert _py_wacz_validates(path)


def _py_wacz_validates(path: Path) -> bool:
    """py-wacz's validator (in its own process: it imports much and warns a lot)."""
    validated = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    ok = validated.returncode == 0 and "the passed WACZ is valid" in validated.stdout
    assert ok, validated.stdout + validated.stderr
    return ok


def test_deletion_bundle_holds_the_404(cli: Cli, scene: Scene, tmp_path: Path) -> None:
    path = _bundle(cli, scene, scene.deleted_url, tmp_path / "gone.wacz")
    assert _verify(cli, path)[0] == 0
    meta = json.loads(members(path)["evidence/evidence.json"])
    before, after = meta["captures"]
    assert meta["change"]["kind"] == ChangeKind.DELETED.value
    assert (before["status"], after["status"]) == (200, 404)
    assert after["outcome"] == "gone"
    index = members(path)["indexes/index.cdx"].decode()
    assert '"status": "404"' in index and '"status": "200"' in index


def test_article_bundle_holds_every_capture(cli: Cli, scene: Scene, tmp_path: Path) -> None:
    target = tmp_path / "history.wacz"
    made = cli("evidence", "--article", scene.scrubbed_url, "-o", str(target), "--no-screenshots")
    assert made.code == 0, made.stderr
    assert _verify(cli, target)[0] == 0
    article = scene.store.article(scene.scrubbed_url)
    assert article is not None and article.id is not None
    archived = [c for c in scene.store.captures(article.id) if c.warc is not None]
    meta = json.loads(members(target)["evidence/evidence.json"])
    assert meta["change"] is None
    assert sorted(c["capture_id"] for c in meta["captures"]) == sorted(c.id for c in archived)


def test_a_flipped_byte_in_a_record_fails_verify(cli: Cli, scene: Scene, tmp_path: Path) -> None:
    path = _bundle(cli, scene, scene.scrubbed_url, tmp_path / "scrub.wacz")
    rewrite(path, "archive/captures.warc.gz", lambda data: flip_byte(data, len(data) - 40))
    code, output = _verify(cli, path)
    assert code == 1
    assert any("archive/captures.warc.gz" in line for line in _failures(output)), output


def test_a_flipped_byte_in_the_zip_itself_fails_verify(
    cli: Cli, scene: Scene, tmp_path: Path
) -> None:
    path = _bundle(cli, scene, scene.scrubbed_url, tmp_path / "scrub.wacz")
    raw = path.read_bytes()
    path.write_bytes(flip_byte(raw, 600))  # inside the first member, the captures' WARC
    code, output = _verify(cli, path)
    assert code == 1
    assert any("archive/captures.warc.gz" in line for line in _failures(output)), output


def test_an_edited_page_fails_verify(cli: Cli, scene: Scene, tmp_path: Path) -> None:
    path = _bundle(cli, scene, scene.scrubbed_url, tmp_path / "scrub.wacz")
    rewrite(path, "pages/pages.jsonl", lambda data: data.replace(b"Beijing", b"Beijinh", 1))
    code, output = _verify(cli, path)
    assert code == 1
    assert [line for line in _failures(output) if "pages/pages.jsonl" in line], output


def test_an_edited_report_beside_the_bundle_fails_verify(
    cli: Cli, scene: Scene, tmp_path: Path
) -> None:
    path = _bundle(cli, scene, scene.scrubbed_url, tmp_path / "scrub.wacz")
    report = path.with_suffix(".html")
    report.write_bytes(report.read_bytes().replace(b"EDITED", b"EDITEd", 1))
    code, output = _verify(cli, path)
    assert code == 1
    assert [line for line in _failures(output) if "scrub.html" in line], output


def test_a_forged_body_with_a_resealed_manifest_still_fails(
    cli: Cli, scene: Scene, tmp_path: Path
) -> None:
    """Recomputing the manifest does not help a forger: the records' digests and the
    bodies' SHA-256 still give the edit away."""
    path = _bundle(cli, scene, scene.scrubbed_url, tmp_path / "scrub.wacz")
    rewrite(
        path,
        "archive/captures.warc.gz",
        lambda data: replace_in_gzip_members(data, b"$3.2 billion", b"$3.9 billion"),
    )
    reseal(path)
    code, output = _verify(cli, path)
    assert code == 1
    failures = _failures(output)
    assert any("digests of response" in line for line in failures), output
    assert any("body SHA-256" in line for line in failures), output


def test_a_changed_body_hash_in_the_metadata_fails(cli: Cli, scene: Scene, tmp_path: Path) -> None:
    path = _bundle(cli, scene, scene.scrubbed_url, tmp_path / "scrub.wacz")

    def forge(data: bytes) -> bytes:
        meta = json.loads(data)
        meta["captures"][0]["body_sha256"] = "0" * 64
        return json.dumps(meta).encode()

    rewrite(path, "evidence/evidence.json", forge)
    reseal(path)
    code, output = _verify(cli, path)
    assert code == 1
    assert [line for line in _failures(output) if "before): body SHA-256 000" in line], output


def test_hostile_text_is_escaped_in_the_report(cli: Cli, scene: Scene, tmp_path: Path) -> None:
    path = _bundle(cli, scene, scene.hostile_url, tmp_path / "hostile.wacz")
    report = path.with_suffix(".html").read_text()
    assert "<script>" not in report and "onerror=" not in report.replace("onerror=&quot;", "")
    assert "&lt;script&gt;" in report
    assert "Content-Security-Policy" in report and "default-src 'none'" in report


def test_usage_errors(cli: Cli, scene: Scene, tmp_path: Path) -> None:
    assert cli("evidence", "99999", "--no-screenshots").code == 2
    assert cli("evidence", "--no-screenshots").code == 2
    assert cli("evidence", "1", "-o", str(tmp_path / "x.zip"), "--no-screenshots").code == 2
    assert cli("verify", str(tmp_path / "missing.wacz")).code == 2
    junk = tmp_path / "junk.wacz"
    junk.write_bytes(b"not a zip")
    result = cli("verify", str(junk))
    assert result.code == 1 and "not a readable ZIP" in result.stdout


def test_evidence_on_each_database(cli_on_each_db: Cli, outlet: FakeOutlet, tmp_path: Path) -> None:
    cli = cli_on_each_db
    outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    assert cli("watch", outlet.base_url).code == 0
    assert cli("check").code == 0
    outlet.edit("aliyev-beijing", paragraphs=SCRUBBED)
    assert cli("check", "--all").code == 0
    changes = cli("changes", "--json").json()
    assert len(changes) == 1
    target = tmp_path / "change.wacz"
    made = cli("evidence", str(changes[0]["id"]), "-o", str(target), "--no-screenshots")
    assert made.code == 0, made.stderr
    verified = cli("verify", str(target))
    assert verified.code == 0, verified.stdout
    assert _py_wacz_validates(target)


def test_a_missing_browser_is_a_clear_error(cli: Cli, scene: Scene, tmp_path: Path) -> None:
    change = _change(scene, scene.scrubbed_url)
    target = tmp_path / "x.wacz"
    result = cli("evidence", str(change.id), "-o", str(target), "--chromium", "/nonexistent")
    assert result.code == 1
    assert "no browser at /nonexistent" in result.stderr
    assert not target.exists()


def _static_page(paragraphs: tuple[str, ...]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>"
        f"<p class=byline>By {BYLINE}</p>{body}</article></body></html>"
    )


def test_a_revisit_brings_the_record_holding_its_body(
    outlet: FakeOutlet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The capture before the change saw a body already archived (a revisit record without
    a body): the bundle carries the response record it points at, and verify checks the
    body's hash against that record."""
    cli = Cli(tmp_path / "data", capsys)
    url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    outlet.serve_instead("aliyev-beijing", _static_page(PARAGRAPHS))
    assert cli("watch", url).code == 0
    assert cli("check", "--all").code == 0
    assert cli("check", "--all").code == 0  # the same bytes again: a revisit
    outlet.serve_instead("aliyev-beijing", _static_page(SCRUBBED))
    assert cli("check", "--all").code == 0
    changes = cli("changes", "--json").json()
    assert [c["kind"] for c in changes] == ["edited"]
    target = tmp_path / "revisit.wacz"
    made = cli("evidence", str(changes[0]["id"]), "-o", str(target), "--no-screenshots")
    assert made.code == 0, made.stderr
    verified = cli("verify", str(target))
    assert verified.code == 0, verified.stdout
    before = json.loads(members(target)["evidence/evidence.json"])["captures"][0]
    assert before["record_type"] == "revisit"
    assert before["original_record_id"] and before["original_record_id"] != before["record_id"]
    assert '"mime": "warc/revisit"' in members(target)["indexes/index.cdx"].decode()


def _key(path: Path) -> Path:
    """An EC P-256 private key in PEM, as `openssl ecparam -genkey` writes one (the README's
    way; `test_evidence_timestamp` makes its key with openssl itself)."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    path.write_bytes(pem)
    return path


def test_a_signed_bundle_verifies_and_names_its_key(cli: Cli, scene: Scene, tmp_path: Path) -> None:
    key, other = _key(tmp_path / "key.pem"), _key(tmp_path / "other.pem")
    change = _change(scene, scene.scrubbed_url)
    target = tmp_path / "signed.wacz"
    made = cli(
        "evidence", str(change.id), "-o", str(target), "--no-screenshots", "--sign-key", str(key)
    )
    assert made.code == 0, made.stderr
    signed = json.loads(members(target)["datapackage-digest.json"])["signedData"]
    assert set(signed) >= {"hash", "signature", "publicKey", "created", "software"}

    result = cli("verify", str(target), "--public-key", str(key))
    assert result.code == 0, result.stdout
    assert (
        "ok    datapackage-digest.json signature of the datapackage.json hash by key sha256:"
        in (result.stdout)
    )
    wrong = cli("verify", str(target), "--public-key", str(other))
    assert wrong.code == 1
    assert "FAIL  datapackage-digest.json signed by sha256:" in wrong.stdout
    validated = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr


def test_a_resealed_signed_bundle_fails_its_signature(
    cli: Cli, scene: Scene, tmp_path: Path
) -> None:
    """A forger who edits a file and recomputes the manifest and digest cannot re-sign:
    the signature no longer covers the manifest's hash."""
    key = _key(tmp_path / "key.pem")
    change = _change(scene, scene.scrubbed_url)
    target = tmp_path / "signed.wacz"
    made = cli(
        "evidence", str(change.id), "-o", str(target), "--no-screenshots", "--sign-key", str(key)
    )
    assert made.code == 0, made.stderr
    signed = json.loads(members(target)["datapackage-digest.json"])["signedData"]
    rewrite(target, "pages/pages.jsonl", lambda data: data.replace(b"Beijing", b"Beijinh", 1))
    reseal(target)

    def keep_signature(data: bytes) -> bytes:
        digest = json.loads(data)
        digest["signedData"] = signed
        return json.dumps(digest).encode()

    rewrite(target, "datapackage-digest.json", keep_signature)
    result = cli("verify", str(target))
    assert result.code == 1
    failures = _failures(result.stdout)
    assert [f for f in failures if "signature of the datapackage.json hash" in f], result.stdout
    assert not [f for f in failures if "pages.jsonl" in f]  # the manifest itself was redone


def test_an_unsigned_bundle_fails_when_a_key_is_required(
    cli: Cli, scene: Scene, tmp_path: Path
) -> None:
    path = _bundle(cli, scene, scene.scrubbed_url, tmp_path / "plain.wacz")
    assert "note  the bundle is not signed" in cli("verify", str(path)).stdout
    key = _key(tmp_path / "key.pem")
    result = cli("verify", str(path), "--public-key", str(key))
    assert result.code == 1 and "FAIL  datapackage-digest.json is signed by" in result.stdout
    bad = cli("evidence", "1", "--no-screenshots", "--sign-key", str(tmp_path / "nope.pem"))
    assert bad.code == 1 and "cannot use" in bad.stderr


def test_the_report_names_the_signing_key(cli: Cli, scene: Scene, tmp_path: Path) -> None:
    key = _key(tmp_path / "key.pem")
    change = _change(scene, scene.scrubbed_url)
    target = tmp_path / "signed.wacz"
    args = ["evidence", str(change.id), "-o", str(target), "--no-screenshots"]
    assert cli(*args, "--sign-key", str(key)).code == 0
    verified = cli("verify", str(target)).stdout
    named = re.search(r"by key (sha256:[0-9a-f]{64})", verified)
    assert named is not None, verified
    assert named.group(1) in target.with_suffix(".html").read_text()


def test_a_redirect_deletion_bundle_holds_where_it_went(
    outlet: FakeOutlet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = Cli(tmp_path / "data", capsys)
    url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    assert cli("watch", url).code == 0
    assert cli("check", "--all").code == 0
    outlet.redirect("aliyev-beijing", outlet.base_url + "/")
    assert cli("check", "--all").code == 0
    changes = cli("changes", "--json").json()
    assert [(c["kind"], c["deletion"]) for c in changes] == [("deleted", "redirect")]
    target = tmp_path / "redirect.wacz"
    made = cli("evidence", str(changes[0]["id"]), "-o", str(target), "--no-screenshots")
    assert made.code == 0, made.stderr
    assert cli("verify", str(target)).code == 0
    before, after = json.loads(members(target)["evidence/evidence.json"])["captures"]
    assert before["final_url"] == url
    assert after["url"] == url and after["final_url"] == outlet.base_url + "/"
