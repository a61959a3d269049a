"""Files that cannot be digitised are refused at upload with a problem naming the file and
the reason, and leave neither a record nor an object behind."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pymupdf
import pytest
from sqlalchemy import func, select

from storage.records import Document
from tests.api.conftest import Service
from tests.support.names import unique_name


def _png_bomb() -> bytes:
    """A 20000 x 20000 PNG that compresses to a few kilobytes (400 megapixels decoded)."""
    width = height = 20_000
    row = b"\x00" + b"\x00" * (width // 8)
    raw = zlib.compress(row * height, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw)
            + chunk(b"IEND", b""))


def _encrypted_pdf() -> bytes:
    with pymupdf.open() as document:
        document.new_page().insert_text((72, 72), "Bí mật")
        return bytes(document.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256,
                                      owner_pw="chu", user_pw="nguoi-dung"))


BOUNDARY = "sohoa-test-boundary"


def _multipart(name: str, content: bytes) -> bytes:
    """A multipart body with the file name as given, byte for byte (HTTP clients escape
    control characters; a hostile client does not)."""
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; "
            f"filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            ).encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode()


CASES: list[tuple[str, str, Callable[[Path], bytes], str]] = [
    ("empty", "rong.pdf", lambda corpus: b"", "empty"),
    ("disguised", "hoa-don.pdf", lambda corpus: b"MZ\x90\x00" + b"\x00" * 4000,
     "not a supported file"),
    ("text as pdf", "ghi-chu.pdf", lambda corpus: "Xin chào".encode() * 50,
     "not a supported file"),
    ("truncated jpeg", "cat.jpg", lambda corpus: (corpus / "vi-admin" /
                                                  "s100-000-don_de_nghi.jpg").read_bytes()[:60_000],
     "truncated"),
    ("truncated png", "cat.png", lambda corpus: (corpus / "vi-admin" /
                                                 "s100-002-ke_hoach.png").read_bytes()[:40_000],
     "truncated"),
    ("damaged pdf", "invalid.pdf", lambda corpus: (corpus / "bad-inputs" / "invalid.pdf")
     .read_bytes(), "pdf"),
    ("encrypted pdf", "mat.pdf", lambda corpus: _encrypted_pdf(), "encrypted"),
    ("xfa form", "livecycle.pdf", lambda corpus: (corpus / "bad-inputs" / "livecycle.pdf")
     .read_bytes(), "xfa"),
    ("pdf bomb", "hugemono.pdf", lambda corpus: (corpus / "bad-inputs" / "hugemono.pdf")
     .read_bytes(), "pixels"),
    ("png bomb", "bom.png", lambda corpus: _png_bomb(), "pixels"),
    ("path", "../../etc/passwd.pdf", lambda corpus: b"%PDF-1.4", "path"),
    ("control", "a\x07b.pdf", lambda corpus: b"%PDF-1.4", "control characters"),
]


@pytest.mark.parametrize(("case", "name", "content", "reason"), CASES,
                         ids=[case[0] for case in CASES])
def test_refused_with_reason_and_nothing_kept(service: Service, corpus_dir: Path, case: str,
                                              name: str, content: Callable[[Path], bytes],
                                              reason: str) -> None:
    unit = unique_name("BAD")
    service.add_unit(unit)
    service.add_user(f"intake-{unit}", "intake", unit)
    headers = service.auth(f"intake-{unit}")
    dossier = service.client.post("/dossiers", headers=headers, json={
        "procedure_code": "1.0", "applicant_name": "Trần Thị Mai",
        "processing_days": 1}).json()["id"]
    response = service.client.post(
        f"/dossiers/{dossier}/documents", content=_multipart(name, content(corpus_dir)),
        headers={**headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert 400 <= response.status_code < 500, (case, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    shown = name.replace("\x07", "?")
    assert shown in problem["detail"] or shown.rsplit("/", 1)[-1] in problem["detail"], problem
    assert reason.lower() in problem["detail"].lower(), problem
    with service.runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Document).where(
            Document.dossier_id == dossier)) == 0
    assert list(service.runtime.store.list(f"dossiers/{dossier}")) == []
