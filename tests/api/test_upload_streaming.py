"""Uploads parsed as they stream in (``api/multipart_stream.py``): each file part is written
once into the store's staging directory; what is accepted is stored byte for byte, what is
refused leaves no staging file, object or record behind."""

from __future__ import annotations

import hashlib
import io
import os
import time
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select

from storage.records import Document
from tests.api.conftest import Service, _serve, make_settings
from tests.support.names import unique_name
from tests.support.postgres import temporary_database
from tests.support.seaweed import SeaweedServer

BOUNDARY = "sohoa-stream-boundary"


def _image(seed: int, size: tuple[int, int] = (120, 90), kind: str = "PNG") -> bytes:
    """A small distinct image; with a large ``size`` and noise, a large file."""
    pixels = os.urandom(size[0] * size[1] * 3) if seed < 0 else bytes(
        (seed * 7 + i) % 256 for i in range(size[0] * size[1] * 3))
    out = io.BytesIO()
    Image.frombytes("RGB", size, pixels).save(out, kind)
    return out.getvalue()


def _part(name: str, content: bytes, *, field: str = "files", filename: bool = True) -> bytes:
    disposition = f'form-data; name="{field}"' + (f'; filename="{name}"' if filename else "")
    return (f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + content + b"\r\n"


def _end() -> bytes:
    return f"--{BOUNDARY}--\r\n".encode()


def _dossier(service: Service) -> tuple[dict[str, str], int]:
    unit = unique_name("STR")
    service.add_unit(unit)
    service.add_user(f"intake-{unit}", "intake", unit)
    headers = service.auth(f"intake-{unit}")
    dossier = service.client.post("/dossiers", headers=headers, json={
        "procedure_code": "1.0", "applicant_name": "Đỗ Văn Nam",
        "processing_days": 2}).json()["id"]
    return headers, dossier


def _post(service: Service, headers: dict[str, str], dossier: int,
          body: bytes) -> httpx.Response:
    response: httpx.Response = service.client.post(
        f"/dossiers/{dossier}/documents", content=body,
        headers={**headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    return response


def _staging_files(service: Service) -> set[str]:
    """The staging files there now (S3's staging directory may be the shared /tmp, so a
    test compares with what was there before its request)."""
    return {path.name for path in service.runtime.store.staging_dir().iterdir()
            if path.name.startswith("sohoa-upload-")}


def _assert_nothing_kept(service: Service, dossier: int, before: set[str]) -> None:
    with service.runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Document).where(
            Document.dossier_id == dossier)) == 0
    assert list(service.runtime.store.list(f"dossiers/{dossier}")) == []
    assert _staging_files(service) - before == set()


def test_several_files_in_one_body_are_stored_byte_for_byte(service: Service) -> None:
    headers, dossier = _dossier(service)
    first, second = _image(1), _image(2, kind="JPEG")
    before = _staging_files(service)
    body = (_part("note", b"a form value kept out of the upload", field="note",
                  filename=False)
            + _part("trang-1.png", first) + _part("trang 2 (bản chụp).jpg", second) + _end())
    response = _post(service, headers, dossier, body)
    assert response.status_code == 201, response.text
    documents = response.json()
    assert [d["filename"] for d in documents] == ["trang-1.png", "trang 2 (bản chụp).jpg"]
    assert [d["files"][0]["sha256"] for d in documents] == [
        hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest()]
    assert [d["files"][0]["size"] for d in documents] == [len(first), len(second)]
    keys = sorted(info.key for info in service.runtime.store.list(f"dossiers/{dossier}"))
    assert keys == sorted([f"dossiers/{dossier}/{hashlib.sha256(first).hexdigest()}.png",
                           f"dossiers/{dossier}/{hashlib.sha256(second).hexdigest()}.jpg"])
    for content, suffix in ((first, ".png"), (second, ".jpg")):
        key = f"dossiers/{dossier}/{hashlib.sha256(content).hexdigest()}{suffix}"
        with service.runtime.store.open(key) as stream:
            assert stream.read() == content
    assert _staging_files(service) - before == set()
    again = _post(service, headers, dossier, _part("lai.png", first) + _end())
    assert again.status_code == 201, again.text
    assert again.json()[0]["id"] == documents[0]["id"]  # the duplicate, found by its hash
    assert _staging_files(service) - before == set()


def test_a_file_over_the_limit_is_refused_naming_it(service: Service) -> None:
    headers, dossier = _dossier(service)
    big = _image(-1, size=(800, 600))  # noise: ~1.4 MB as PNG
    assert len(big) > 1_000_000
    before = _staging_files(service)
    service.runtime.settings.max_upload_mb = 1
    try:
        response = _post(service, headers, dossier,
                         _part("nho.png", _image(3)) + _part("qua-lon.png", big) + _end())
    finally:
        service.runtime.settings.max_upload_mb = 200
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["subject"] == "qua-lon.png"
    assert "1 MB" in response.json()["detail"]
    _assert_nothing_kept(service, dossier, before)


def test_a_body_cut_short_is_refused_and_nothing_kept(service: Service) -> None:
    headers, dossier = _dossier(service)
    content = _image(4)
    body = _part("trang.png", content)[:-len(content) // 2]  # no end of part, no end
    before = _staging_files(service)
    response = _post(service, headers, dossier, body)
    assert response.status_code == 422, response.text
    assert "cut short" in response.json()["detail"]
    _assert_nothing_kept(service, dossier, before)


def test_bodies_without_a_file_are_refused(service: Service) -> None:
    headers, dossier = _dossier(service)
    before = _staging_files(service)
    for body, reason in (
            (_part("x", b"just text", filename=False) + _end(), "not a file"),
            (_part("x", b"other", field="note", filename=False) + _end(), "no file was sent"),
            (b"files=abc", "malformed")):
        response = _post(service, headers, dossier, body)
        assert response.status_code == 422, response.text
        assert reason in response.json()["detail"], response.json()
        _assert_nothing_kept(service, dossier, before)
    plain = service.client.post(f"/dossiers/{dossier}/documents", headers=headers,
                                json={"files": []})
    assert plain.status_code == 422, plain.text
    assert "multipart/form-data" in plain.json()["detail"]


@pytest.fixture(scope="module")
def outbox_service(tmp_path_factory: pytest.TempPathFactory, s3_server: SeaweedServer,
                   redis_url: str) -> Iterator[Service]:
    """The servers set with ``SOHOA_S3_OUTBOX``: uploads accepted into the S3 outbox."""
    with temporary_database() as database_url:
        yield from _serve(make_settings(
            "servers", tmp_path_factory.mktemp("data-outbox"), database_url=database_url,
            redis_url=redis_url, s3=s3_server).model_copy(update={"s3_outbox": True}))


def test_uploads_accepted_into_the_s3_outbox_are_served_and_reach_s3(
        outbox_service: Service, s3_server: SeaweedServer) -> None:
    service = outbox_service
    headers, dossier = _dossier(service)
    first, second = _image(5), _image(6, kind="JPEG")
    response = _post(service, headers, dossier,
                     _part("a.png", first) + _part("b.jpg", second) + _end())
    assert response.status_code == 201, response.text
    documents = response.json()
    keys = [f"dossiers/{dossier}/{hashlib.sha256(first).hexdigest()}.png",
            f"dossiers/{dossier}/{hashlib.sha256(second).hexdigest()}.jpg"]
    outbox = service.settings.data_dir / "s3-outbox"
    assert (outbox / keys[1]).read_bytes() == second  # durable here before S3 has it

    # Served meanwhile: the download link (S3's) sends the object first.
    download = service.client.get(f"/documents/{documents[0]['id']}/files/original",
                                  headers=headers, follow_redirects=False)
    assert download.status_code == 307, download.text
    assert httpx.get(download.headers["location"]).content == first
    with service.runtime.store.open(keys[1]) as stream:
        assert stream.read() == second

    bucket = service.settings.s3_bucket
    client = s3_server.client()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        names = {str(item.object_name) for item in
                 client.list_objects(bucket, prefix=f"dossiers/{dossier}/", recursive=True)}
        if names == set(keys) and not (outbox / keys[1]).exists():
            break
        time.sleep(0.2)
    assert names == set(keys)
    assert not (outbox / keys[0]).exists()
    assert not (outbox / keys[1]).exists()
    stored = client.get_object(bucket, keys[1])
    try:
        assert stored.read() == second
    finally:
        stored.close()
        stored.release_conn()
