"""``sohoa edxml read|write``, ``sohoa unit exchange`` and ``sohoa peer add`` through the
real command: a signed document's message written and read back, hostile files refused
with exit 2 and one line."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from signing.pki import init_pki
from tests.support.cli import run

FIELDS = {"so_ky_hieu": "45/UBND-VP", "trich_yeu": "Về việc triển khai chuyển đổi số",
          "ngay_ban_hanh": "2026-03-02", "nguoi_ky": "Lê Văn Miều", "chuc_vu": "PHÓ CHỦ TỊCH"}
PDF = b"%PDF-1.7\n%signed test document\n" * 20


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A fresh installation's environment."""
    values = {key: value for key, value in os.environ.items() if not key.startswith("SOHOA_")}
    values["SOHOA_DATA_DIR"] = str(tmp_path / "data")
    return values


def _signed_document(data_dir: Path, unit_code: str) -> int:
    from api.runtime import open_records, open_store
    from api.settings import Settings
    from storage.records import Document, DocumentStatus, FileRole
    from storage.records.files import store_document_file
    from storage.records.models import Unit

    settings = Settings(data_dir=data_dir)
    db = open_records(settings)
    try:
        with db.session() as session:
            unit = session.query(Unit).filter_by(code=unit_code).one()
            document = Document(unit_id=unit.id, filename="45-UBND-VP.pdf",
                                media_type="application/pdf", doc_type="cong_van",
                                fields=dict(FIELDS), status=DocumentStatus.draft)
            session.add(document)
            session.flush()
            store_document_file(session, open_store(settings), document, FileRole.signed,
                                io.BytesIO(PDF), suffix=".pdf", media_type="application/pdf")
            return document.id
    finally:
        db.dispose()


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_write_then_read_gives_back_the_header_and_a_valid_signature(
        env: dict[str, str], tmp_path: Path) -> None:
    pki = tmp_path / "pki"
    init_pki(pki)
    other = tmp_path / "other-pki"
    init_pki(other)
    peer_pem = tmp_path / "peer.pem"
    peer_pem.write_bytes((other / "root-ca.pem").read_bytes())
    for command in (["unit", "add", "UBND-XA", "Ủy ban nhân dân xã Tân Lập"],
                    ["unit", "exchange", "UBND-XA", "--organ-id", "000.00.01.H26",
                     "--p12", str(pki / "clerk.p12"), "--password", "1234"],
                    ["peer", "add", "000.00.09.H26", "Sở Nội vụ", "--url",
                     "https://so-noi-vu.example", "--cert", str(peer_pem)]):
        done = run(command, env)
        assert done.returncode == 0, done.stderr
    document_id = _signed_document(Path(env["SOHOA_DATA_DIR"]), "UBND-XA")
    out = tmp_path / "out.edxml"
    done = run(["edxml", "write", str(document_id), "--to", "000.00.09.H26", "-o", str(out)],
               {**env, "SOHOA_PASSWORD": "1234"})
    assert done.returncode == 0, done.stderr
    read = run(["edxml", "read", str(out), "--json"], env)
    assert read.returncode == 0, read.stderr
    value = json.loads(read.stdout)
    assert value["kind"] == "edoc"
    assert value["from"] == {"organ_id": "000.00.01.H26", "name": "Ủy ban nhân dân xã Tân Lập"}
    assert value["to"] == [{"organ_id": "000.00.09.H26", "name": "Sở Nội vụ"}]
    assert value["document_id"] == "000.00.01.H26,2026/03/02,45/UBND-VP"
    assert value["code"] == {"number": "45", "notation": "UBND-VP"}
    assert value["subject"] == FIELDS["trich_yeu"]
    assert value["doc_type"]["name"] == "Công văn"
    assert value["promulgation"]["date"] == "2026-03-02"
    assert value["signer"] == {"competence": None, "position": "PHÓ CHỦ TỊCH",
                               "full_name": "Lê Văn Miều"}
    assert value["attachments"][0]["size"] == len(PDF)
    assert value["signature"] == {"present": True, "valid": True,
                                  "signer": "UỶ BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"}
    summary = run(["edxml", "read", str(out)], env)
    assert "Chữ ký số / signature: hợp lệ (valid)" in summary.stdout
    tampered = tmp_path / "tampered.edxml"
    tampered.write_bytes(out.read_bytes().replace(b">45<", b">46<"))
    value = json.loads(run(["edxml", "read", str(tampered), "--json"], env).stdout)
    assert value["signature"]["valid"] is False

    unknown = run(["edxml", "write", str(document_id), "--to", "999.99.99.X", "-o",
                   str(tmp_path / "x.edxml")], {**env, "SOHOA_PASSWORD": "1234"})
    assert unknown.returncode == 2
    assert "999.99.99.X: unknown recipient" in _one_line(unknown.stderr)


def test_write_is_refused_without_an_organ_id_or_a_signed_version(
        env: dict[str, str], tmp_path: Path) -> None:
    assert run(["unit", "add", "UBND-XB", "Xã B"], env).returncode == 0
    document_id = _signed_document(Path(env["SOHOA_DATA_DIR"]), "UBND-XB")
    done = run(["edxml", "write", str(document_id), "--to", "000.00.09.H26", "-o",
                str(tmp_path / "x.edxml")], {**env, "SOHOA_PASSWORD": "1234"})
    assert done.returncode == 2
    assert "unit UBND-XB: has no organisation code" in _one_line(done.stderr)
    missing = run(["edxml", "write", "999", "--to", "x", "-o", str(tmp_path / "y.edxml")],
                  {**env, "SOHOA_PASSWORD": "1234"})
    assert missing.returncode == 2
    assert "document 999" in _one_line(missing.stderr)


HOSTILE = {
    "entity.edxml": b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM '
                    b'"file:///etc/passwd">]><edXML>&x;</edXML>',
    "laughs.edxml": b'<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
                    b"<edXML>&b;</edXML>",
    "not-edxml.edxml": b"<html><body>hello</body></html>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_or_foreign_files_exit_2_with_one_line(env: dict[str, str], tmp_path: Path,
                                                       name: str) -> None:
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    done = run(["edxml", "read", str(path), "--json"], env)
    assert done.returncode == 2
    assert _one_line(done.stderr).startswith(f"sohoa edxml: {path}: ")
    assert done.stdout == ""


def test_an_oversized_message_is_refused_before_it_is_read(env: dict[str, str],
                                                           tmp_path: Path) -> None:
    path = tmp_path / "big.edxml"
    with path.open("wb") as file:
        file.truncate(100_000_001)  # sparse, just over the default limit
    done = run(["edxml", "read", str(path)], env)
    assert done.returncode == 2
    assert "more than the limit of 100000000" in _one_line(done.stderr)
