"""The intake staff's document pages: uploads through the page (one file per request from
documents.js, many from the plain form), a refused file named with its reason, live
status rows from the job records, the document view with its page pictures and fields,
confirm/correct in place with errors beside the field, duplicates, the applicant taken
from the form, the tray, and another unit's documents out of sight."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pymupdf
import pytest
from sqlalchemy import select

from api.runtime import open_runtime
from ingest.dossiers import NewDossier, create_dossier
from ingest.uploads import IncomingFile, upload_files
from storage.accounts import create_unit, create_user
from storage.jobs import ocr_job_id
from storage.records import (
    AuditEntry,
    Document,
    DocumentFile,
    DocumentStatus,
    Dossier,
    FileRole,
    Job,
    JobStatus,
    Unit,
)
from storage.records.files import store_document_file
from tests.api.conftest import PASSWORD, make_settings
from tests.api.web.conftest import Web, logged_in
from tests.support.paths import SHARED

CORPUS = SHARED / "corpus"
TWO_PAGES = CORPUS / "vi-admin" / "s101-004-thong_bao.pdf"
ONE_PAGE = CORPUS / "vi-admin" / "s101-005-giay_moi.pdf"
FORM = CORPUS / "vi-admin" / "s100-000-don_de_nghi.pdf"
CSRF_META = re.compile(r'data-csrf="([^"]+)"')


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """An installation with two units, an intake user in each and one dossier in XA."""
    assert TWO_PAGES.is_file(), f"the corpus is missing: {TWO_PAGES}"
    runtime = open_runtime(make_settings("embedded", tmp_path_factory.mktemp("documents")))
    with runtime.db.session() as session:
        create_unit(session, "XA", "Ủy ban nhân dân xã A")
        create_unit(session, "XB", "Ủy ban nhân dân xã B")
        create_user(session, username="tiepnhan", password=PASSWORD, role="intake",
                    unit_code="XA", full_name="Nguyễn Thị Tiếp Nhận")
        create_user(session, username="khac", password=PASSWORD, role="intake",
                    unit_code="XB")
    try:
        with logged_in(runtime, "tiepnhan") as web:
            yield web
    finally:
        runtime.close()


def _csrf(web: Web) -> str:
    found = CSRF_META.search(web.client.get("/").text)
    assert found
    return found.group(1)


def _new_dossier(web: Web, applicant: str = "Trần Văn Bình") -> int:
    with web.runtime.db.session() as session:
        xa = session.scalar(select(Unit).where(Unit.code == "XA"))
        assert xa is not None
        new = NewDossier(procedure_code="1.001", applicant_name=applicant,
                         processing_days=5, unit_id=xa.id)
        dossier = create_dossier(session, new, actor="tiepnhan", created_by_id=None)
        return dossier.id


def _upload(web: Web, dossier: int, path: Path, *, name: str | None = None,
            rows: bool = False) -> tuple[int, str]:
    headers = {"X-CSRF-Token": _csrf(web)}
    if rows:
        headers["X-Upload-Rows"] = "1"
    answer = web.client.post(f"/ui/dossiers/{dossier}/documents", headers=headers,
                             files=[("files", (name or path.name, path.read_bytes(),
                                               "application/pdf"))])
    return answer.status_code, answer.text


def _document(web: Web, filename: str) -> Document:
    with web.runtime.db.session() as session:
        document = session.scalar(select(Document).where(Document.filename == filename))
        assert document is not None
        session.expunge(document)
        return document


def _digitise_by_hand(web: Web, document_id: int, *, doc_type: str, fields: dict[str, str],
                      reasons: list[str]) -> None:
    """What the OCR job would store: text, type, fields and review reasons."""
    with web.runtime.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        store_document_file(session, web.runtime.store, document, FileRole.text,
                            io.BytesIO("văn bản đã đọc".encode()), suffix=".txt",
                            media_type="text/plain")
        document.doc_type, document.fields = doc_type, fields
        document.needs_review, document.confidence = bool(reasons), 0.6
        document.classification = {"doc_type": doc_type, "fields": fields,
                                   "field_confidence": {}, "reasons": reasons,
                                   "needs_review": bool(reasons)}
        document.status = DocumentStatus.digitised
        job = session.get(Job, ocr_job_id(document.id, document.current_version))
        assert job is not None
        job.status = JobStatus.done


def test_a_plain_form_upload_stores_the_document_and_queues_its_job(office: Web) -> None:
    dossier = _new_dossier(office)
    status, page = _upload(office, dossier, ONE_PAGE, name="giay-moi.pdf")
    assert status == 201, page
    assert "giay-moi.pdf" in page
    assert "Đã tải lên" in page
    document = _document(office, "giay-moi.pdf")
    assert document.dossier_id == dossier
    assert document.status == DocumentStatus.queued
    with office.runtime.db.session() as session:
        job = session.get(Job, ocr_job_id(document.id, 1))
        assert job is not None
        assert job.status == JobStatus.queued
    # the same content again is a duplicate, not a second document
    status, page = _upload(office, dossier, ONE_PAGE, name="giay-moi-lan-2.pdf")
    assert status == 201
    assert "Trùng nội dung" in page
    with office.runtime.db.session() as session:
        assert session.scalar(select(Document).where(
            Document.filename == "giay-moi-lan-2.pdf")) is None


def test_a_script_upload_answers_the_new_row_that_polls_its_status(office: Web) -> None:
    dossier = _new_dossier(office)
    status, rows = _upload(office, dossier, TWO_PAGES, name="thong-bao.pdf", rows=True)
    assert status == 201, rows
    document = _document(office, "thong-bao.pdf")
    assert f'id="document-row-{document.id}"' in rows
    assert 'hx-trigger="every 2s"' in rows
    assert "Đang chờ xử lý" in rows
    table = office.client.get(f"/ui/dossiers/{dossier}/documents")
    assert table.status_code == 200
    assert f'id="dossier-documents-{dossier}"' in table.text
    assert "thong-bao.pdf" in table.text


def test_a_refused_file_is_named_with_its_reason(office: Web, tmp_path: Path) -> None:
    dossier = _new_dossier(office)
    fake = tmp_path / "ghi-chu.pdf"
    fake.write_text("Đây là một tệp văn bản, không phải PDF.\n", encoding="utf-8")
    status, answer = _upload(office, dossier, fake, rows=True)
    assert status == 422
    assert 'class="field-error upload-error"' in answer
    assert "Bị từ chối" in answer
    assert "không phải loại tệp được nhận" in answer  # the reason, in Vietnamese
    status, page = _upload(office, dossier, fake)  # the plain form: a result page
    assert status == 422
    assert re.search(r"ghi-chu\.pdf</strong>:\s*<span class=\"field-error upload-error\">"
                     r"Bị từ chối", page), page
    with office.runtime.db.session() as session:
        assert session.scalar(select(Document).where(Document.filename == "ghi-chu.pdf")) \
            is None


def test_the_status_row_shows_the_jobs_page_progress_then_stops_polling(office: Web) -> None:
    dossier = _new_dossier(office)
    _upload(office, dossier, TWO_PAGES, name="tien-do.pdf")
    document = _document(office, "tien-do.pdf")
    with office.runtime.db.session() as session:
        job = session.get(Job, ocr_job_id(document.id, 1))
        assert job is not None
        job.status, job.progress_done, job.progress_total = JobStatus.running, 1, 2
    row = office.client.get(f"/ui/documents/{document.id}/row")
    assert row.status_code == 200
    assert "OCR trang 1/2" in row.text
    assert '<progress max="2" value="1">' in row.text
    assert 'hx-trigger="every 2s"' in row.text
    _digitise_by_hand(office, document.id, doc_type="thong_bao", fields={}, reasons=[])
    row = office.client.get(f"/ui/documents/{document.id}/row")
    assert "Đã số hóa" in row.text
    assert "Thông báo" in row.text
    assert "hx-trigger" not in row.text
    with office.runtime.db.session() as session:
        job = session.get(Job, ocr_job_id(document.id, 1))
        assert job is not None
        job.status, job.error = JobStatus.failed, "damaged PDF: page 2 cannot be read"
        doc = session.get(Document, document.id)
        assert doc is not None
        doc.status = DocumentStatus.failed
    row = office.client.get(f"/ui/documents/{document.id}/row")
    assert "Lỗi" in row.text
    assert "PDF bị hỏng: không đọc được" in row.text  # the reason, in Vietnamese


def test_the_document_view_shows_page_pictures_and_fields_to_review(office: Web) -> None:
    dossier = _new_dossier(office)
    _upload(office, dossier, TWO_PAGES, name="xem.pdf")
    document = _document(office, "xem.pdf")
    _digitise_by_hand(office, document.id, doc_type="thong_bao",
                      fields={"so_ky_hieu": "4710/TB-UBND", "co_quan_ban_hanh": "ỦY BAN"},
                      reasons=["not found: ngay_ban_hanh", "unsure: co_quan_ban_hanh"])
    page = office.client.get(f"/ui/documents/{document.id}")
    assert page.status_code == 200
    assert 'class="split document-view"' in page.text
    images = re.findall(rf'src="(/ui/documents/{document.id}/pages/\d+\.png)"', page.text)
    assert len(images) == 2
    for number, url in enumerate(images):
        picture = office.client.get(url)
        assert picture.status_code == 200
        assert picture.headers["content-type"] == "image/png"
        assert "private" in picture.headers["cache-control"]
        with pymupdf.open(stream=picture.content, filetype="png") as image:
            assert image[0].rect.width > 500, number
    assert office.client.get(f"/ui/documents/{document.id}/pages/3.png").status_code == 404
    assert 'value="4710/TB-UBND"' in page.text
    reviewed = re.search(r'class="field-box review" data-field="co_quan_ban_hanh">.*?'
                         r'class="review-why"[^>]*>([^<]*)<', page.text, re.S)
    assert reviewed
    assert "chưa chắc chắn" in reviewed.group(1)
    missing = re.search(r'class="field-box review" data-field="ngay_ban_hanh">.*?'
                        r'class="review-why"[^>]*>([^<]*)<', page.text, re.S)
    assert missing
    assert "không tìm thấy" in missing.group(1)
    assert 'class="field-box" data-field="so_ky_hieu"' in page.text  # sure: not flagged


def test_a_correction_is_recorded_and_a_bad_value_shown_beside_its_field(office: Web) -> None:
    dossier = _new_dossier(office)
    _upload(office, dossier, FORM, name="don.pdf")
    document = _document(office, "don.pdf")
    _digitise_by_hand(office, document.id, doc_type="don_de_nghi",
                      fields={"ho_ten": "Nguyen Thi Thu Trang"},
                      reasons=["not found: so_dinh_danh"])
    csrf = _csrf(office)
    bad = office.client.post(f"/ui/documents/{document.id}/classification", data={
        "csrf": csrf, "doc_type": "don_de_nghi", "field.ho_ten": "Nguyễn Thị Thu Trang",
        "field.so_dinh_danh": "40599", "field.trich_yeu": "Cấp giấy phép xây dựng"})
    assert bad.status_code == 422
    beside = re.search(r'data-field="so_dinh_danh">.*?<span class="field-error" '
                       r'id="field-so_dinh_danh-error">([^<]*)<', bad.text, re.S)
    assert beside
    assert "Giá trị không hợp lệ" in beside.group(1)
    assert 'value="40599"' in bad.text  # what was typed is kept
    good = office.client.post(f"/ui/documents/{document.id}/classification", data={
        "csrf": csrf, "doc_type": "don_de_nghi", "field.ho_ten": "Nguyễn Thị Thu Trang",
        "field.so_dinh_danh": "405995479906", "field.trich_yeu": "Cấp giấy phép xây dựng"})
    assert good.status_code == 303, good.text
    with office.runtime.db.session() as session:
        stored = session.get(Document, document.id)
        assert stored is not None
        assert stored.fields == {"ho_ten": "Nguyễn Thị Thu Trang",
                                 "so_dinh_danh": "405995479906",
                                 "trich_yeu": "Cấp giấy phép xây dựng"}
        assert stored.needs_review is False
        entry = session.scalar(select(AuditEntry).where(
            AuditEntry.subject_type == "document", AuditEntry.subject_id == str(document.id),
            AuditEntry.action == "document_corrected"))
        assert entry is not None
        assert entry.actor == "tiepnhan"
    page = office.client.get(f"/ui/documents/{document.id}")
    assert "Đã lưu loại văn bản" in page.text
    # the application form fills the dossier's applicant in one click
    assert "Điền người nộp hồ sơ từ đơn này: Nguyễn Thị Thu Trang (CCCD 405995479906)" \
        in page.text
    filled = office.client.post(f"/ui/documents/{document.id}/applicant", data={"csrf": csrf})
    assert filled.status_code == 303
    with office.runtime.db.session() as session:
        record = session.get(Dossier, dossier)
        assert record is not None
        assert record.applicant_name == "Nguyễn Thị Thu Trang"
        assert record.applicant_id_number == "405995479906"
        entry = session.scalar(select(AuditEntry).where(
            AuditEntry.action == "dossier_applicant", AuditEntry.subject_id == str(dossier)))
        assert entry is not None


def test_same_content_in_the_dossier_is_flagged_on_the_view(office: Web) -> None:
    dossier = _new_dossier(office)
    _upload(office, dossier, ONE_PAGE, name="ban-goc.pdf")
    first = _document(office, "ban-goc.pdf")
    with office.runtime.db.session() as session:  # a copy made by another route (a split)
        original = session.scalar(select(DocumentFile).where(
            DocumentFile.document_id == first.id))
        assert original is not None
        twin = Document(unit_id=first.unit_id, dossier_id=dossier, filename="ban-sao.pdf",
                        media_type="application/pdf", status=DocumentStatus.received,
                        fields={})
        session.add(twin)
        session.flush()
        session.add(DocumentFile(document_id=twin.id, version=1, role=FileRole.original,
                                 object_key=original.object_key, sha256=original.sha256,
                                 size=original.size, media_type=original.media_type))
        twin_id = twin.id
    page = office.client.get(f"/ui/documents/{twin_id}")
    assert "trùng với: ban-goc.pdf" in page.text
    table = office.client.get(f"/ui/dossiers/{dossier}/documents")
    assert table.text.count("Trùng nội dung") == 2


def test_the_tray_puts_a_document_into_a_dossier(office: Web) -> None:
    dossier = _new_dossier(office, "Lê Thị Khay")
    with office.runtime.db.session() as session:
        record = session.get(Dossier, dossier)
        assert record is not None
        [stored] = upload_files(
            session, office.runtime.store, office.runtime.queue, dossier=None,
            unit_id=record.unit_id, files=[IncomingFile("le-trang.pdf", TWO_PAGES.open("rb"))],
            uploader=office.runtime.settings.uploader("tiepnhan", None))
        document_id = stored.document.id
    tray = office.client.get("/ui/tray")
    assert tray.status_code == 200
    assert f'id="tray-row-{document_id}"' in tray.text
    assert "Lê Thị Khay" in tray.text
    moved = office.client.post(f"/ui/documents/{document_id}/assign",
                               data={"csrf": _csrf(office), "dossier_id": str(dossier)})
    assert moved.status_code == 303
    with office.runtime.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        assert document.dossier_id == dossier
        assert session.scalar(select(AuditEntry).where(
            AuditEntry.action == "document_assigned",
            AuditEntry.subject_id == str(document_id))) is not None
    after = office.client.get("/ui/tray")
    assert f'id="tray-row-{document_id}"' not in after.text
    assert "Đã đưa văn bản vào hồ sơ." in after.text


def test_another_units_user_finds_nothing(office: Web) -> None:
    dossier = _new_dossier(office)
    _upload(office, dossier, ONE_PAGE, name="rieng.pdf")
    document = _document(office, "rieng.pdf")
    with logged_in(office.runtime, "khac") as other:
        assert other.client.get(f"/ui/documents/{document.id}").status_code == 404
        assert other.client.get(f"/ui/documents/{document.id}/pages/1.png").status_code == 404
        assert other.client.get(f"/ui/documents/{document.id}/row").status_code == 404
        assert other.client.get(f"/ui/dossiers/{dossier}/documents").status_code == 404
        refused = other.client.post(f"/ui/dossiers/{dossier}/documents",
                                    headers={"X-CSRF-Token": _csrf(other)},
                                    files=[("files", ("x.pdf", ONE_PAGE.read_bytes(),
                                                      "application/pdf"))])
        assert refused.status_code == 404
        assert f'id="tray-row-{document.id}"' not in other.client.get("/ui/tray").text


def test_the_view_polls_its_status_and_reloads_once_finished(office: Web) -> None:
    dossier = _new_dossier(office)
    _upload(office, dossier, ONE_PAGE, name="cho-doc.pdf")
    document = _document(office, "cho-doc.pdf")
    page = office.client.get(f"/ui/documents/{document.id}")
    assert f'hx-get="/ui/documents/{document.id}/status" hx-trigger="every 2s"' in page.text
    assert "chưa được nhận dạng xong" in page.text  # no review before OCR
    waiting = office.client.get(f"/ui/documents/{document.id}/status")
    assert "HX-Refresh" not in waiting.headers
    _digitise_by_hand(office, document.id, doc_type="giay_moi", fields={}, reasons=[])
    done = office.client.get(f"/ui/documents/{document.id}/status")
    assert done.headers["HX-Refresh"] == "true"
    assert "Đã số hóa" in done.text


def test_a_stack_from_the_upload_area_queues_its_split(office: Web) -> None:
    dossier = _new_dossier(office)
    headers = {"X-CSRF-Token": _csrf(office), "X-Upload-Rows": "1"}
    answer = office.client.post(f"/ui/dossiers/{dossier}/documents", headers=headers,
                                data={"stack": "1"},
                                files=[("files", ("tap-quet.pdf", TWO_PAGES.read_bytes(),
                                                  "application/pdf"))])
    assert answer.status_code == 201, answer.text
    assert "Đã nhận tập quét" in answer.text
    with office.runtime.db.session() as session:
        job = session.scalar(select(Job).where(Job.kind == "stack"))
        assert job is not None
        assert job.status == JobStatus.queued
        assert session.scalar(select(Document).where(Document.filename == "tap-quet.pdf")) \
            is None  # the split makes the documents
