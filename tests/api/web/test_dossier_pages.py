"""The intake pages: the dossier list (filters, sorting, paging, diacritic-free search with
marked snippets, overdue in red), the new-dossier form (its due date across Tết, errors
beside their field), the dossier page (history, moves by role), the receipt and its QR
code, the public status page behind the receipt's codes, and another unit's 404."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.runtime import Runtime, open_runtime
from ingest.calendar import VIETNAM_CALENDAR
from ingest.dossiers import NewDossier, create_dossier
from ingest.receipts import check_code, dossier_code, parse_dossier_code
from storage.accounts import create_unit, create_user
from storage.records import Document, DocumentStatus, Dossier, DossierStatus, Unit
from storage.search import index_document
from tests.api.conftest import PASSWORD, make_settings
from tests.api.web.conftest import CSRF, Web, web_client

TET_EVE = datetime(2027, 2, 2, 3, 0, tzinfo=UTC)  # Tue 2 Feb 2027, 10:00 in Hà Nội
ROW = re.compile(r'<tr( class="overdue")?>\s*<td><a href="/ui/dossiers/(\d+)">')


@dataclass
class Office:
    """An installation with two sibling units and a client per user."""

    runtime: Runtime
    clients: dict[str, Web]
    unit_ids: dict[str, int]

    def __getitem__(self, username: str) -> Web:
        return self.clients[username]

    def dossier(self, applicant: str, days: int = 5, *, unit: str = "UBND-XA",
                received: datetime | None = None, procedure: str = "1.004227",
                status: DossierStatus | None = None) -> int:
        with self.runtime.db.session() as session:
            dossier = create_dossier(session, NewDossier(procedure, applicant, days,
                                                         self.unit_ids[unit], "Cấp phép"),
                                     actor="test", created_by_id=None, received_at=received)
            if status is not None:
                dossier.status = status
            return dossier.id


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    runtime = open_runtime(make_settings("embedded", tmp_path_factory.mktemp("dossiers")))
    users = {"tiepnhan": ("intake", "UBND-XA"), "lanhdao": ("leader", "UBND-XA"),
             "khac": ("intake", "UBND-XB")}
    with runtime.db.session() as session:
        create_unit(session, "UBND-XA", "Ủy ban nhân dân xã Tân Lập", None)
        create_unit(session, "UBND-XB", "Ủy ban nhân dân xã Bình Minh", None)
        for username, (role, unit) in users.items():
            create_user(session, username=username, password=PASSWORD, role=role,
                        unit_code=unit, full_name=f"Người {username}")
        unit_ids = {unit.code: unit.id for unit in session.query(Unit)}
    clients: dict[str, Web] = {}
    opened: list[TestClient] = []
    try:
        for username in users:
            client = web_client(runtime).__enter__()
            opened.append(client)
            clients[username] = Web(runtime, client)
            clients[username].login(username)
        yield Office(runtime, clients, unit_ids)
    finally:
        for client in opened:
            client.__exit__(None, None, None)
        runtime.close()


def _form(web: Web, **values: str) -> dict[str, str]:
    fields = {"procedure_code": "1.001757", "procedure_name": "Đăng ký khai sinh",
              "applicant_name": "Trần Thị Mai", "processing_days": "3"}
    return {"csrf": web.csrf("/ui/dossiers/new"), **fields, **values}


def test_the_new_dossier_form_counts_working_days_across_tet(
        office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("api.web.pages.dossiers.received_now", lambda: TET_EVE)
    web = office["tiepnhan"]
    form = web.client.get("/ui/dossiers/new")
    assert form.status_code == 200
    assert 'hx-get="/ui/dossiers/due-date"' in form.text
    assert '<label for="processing_days">' in form.text
    # Wed 3 Feb, then Tết (Thu 4 to Wed 10 Feb) is skipped: Thu 11, Fri 12
    preview = web.client.get("/ui/dossiers/due-date", params={"processing_days": "3"})
    assert preview.status_code == 200
    assert '<strong id="due-date">12/02/2027</strong>' in preview.text
    assert "field-error" in web.client.get("/ui/dossiers/due-date",
                                           params={"processing_days": "abc"}).text
    done = web.client.post("/ui/dossiers/new", data=_form(web))
    assert done.status_code == 303
    dossier_id = int(done.headers["location"].rsplit("/", 1)[1])
    with office.runtime.db.session() as session:
        dossier = session.get(Dossier, dossier_id)
        assert dossier is not None
        assert dossier.due_date == date(2027, 2, 12)
        assert dossier.applicant_name == "Trần Thị Mai"
        assert dossier.unit_id == office.unit_ids["UBND-XA"]
    page = web.client.get(done.headers["location"])
    assert "Đã tiếp nhận hồ sơ." in page.text  # the flash note
    assert "12/02/2027" in page.text
    assert dossier_code(dossier_id) in page.text


def test_a_refused_value_is_shown_beside_its_field(office: Office) -> None:
    web = office["tiepnhan"]
    empty = web.client.post("/ui/dossiers/new", data=_form(web, applicant_name="   "))
    assert empty.status_code == 422
    assert re.search(r'id="applicant_name"[^>]*aria-invalid="true"', empty.text)
    assert ('<span class="field-error" id="applicant_name-error">Vui lòng nhập trường này.'
            '</span>') in empty.text
    assert 'value="1.001757"' in empty.text  # what was typed stays
    days = web.client.post("/ui/dossiers/new", data=_form(web, processing_days="400"))
    assert days.status_code == 422
    assert 'id="processing_days-error">Nhập số ngày làm việc từ 0 đến 365.' in days.text
    assert "applicant_name-error" not in days.text


def test_the_list_filters_sorts_and_pages_in_the_database(office: Office) -> None:
    now = datetime.now(UTC)
    made = [office.dossier(f"Công dân {n:02d}", days=10, procedure="2.000001")
            for n in range(27)]
    late = office.dossier("Lê Văn Trễ", days=2, received=now - timedelta(days=40),
                          procedure="3.000003", status=DossierStatus.in_progress)
    office.dossier("Người xã khác", unit="UBND-XB", procedure="2.000001")
    web = office["tiepnhan"]
    by_code = web.client.get("/ui/dossiers", params={"procedure": "2.000001", "sort": "code",
                                                     "order": "asc"})
    assert by_code.status_code == 200
    assert 'id="result-count">27 hồ sơ<' in by_code.text  # the other unit's is not counted
    first_page = [int(found[1]) for found in ROW.findall(by_code.text)]
    assert first_page == made[:25]
    assert 'rel="next"' in by_code.text
    second = web.client.get("/ui/dossiers", params={"procedure": "2.000001", "sort": "code",
                                                    "order": "asc", "page": "2"})
    assert [int(found[1]) for found in ROW.findall(second.text)] == made[25:]
    assert 'rel="prev"' in second.text
    assert 'rel="next"' not in second.text
    descending = web.client.get("/ui/dossiers", params={"procedure": "2.000001",
                                                        "sort": "code", "order": "desc"})
    assert int(ROW.findall(descending.text)[0][1]) == made[-1]
    assert 'aria-sort="descending"' in descending.text
    overdue = web.client.get("/ui/dossiers", params={"overdue": "1"})
    rows = ROW.findall(overdue.text)
    assert rows == [(' class="overdue"', str(late))]
    assert "Quá hạn" in overdue.text
    in_progress = web.client.get("/ui/dossiers", params={"status": "in_progress"})
    assert [int(found[1]) for found in ROW.findall(in_progress.text)] == [late]
    due_soon = web.client.get("/ui/dossiers", params={"due_within": "30",
                                                      "procedure": "2.000001"})
    assert 'id="result-count">27 hồ sơ<' in due_soon.text
    assert 'id="result-count">0 hồ sơ<' in web.client.get("/ui/dossiers", params={"due_within": "3",
                                                               "procedure": "2.000001"}).text
    assert web.client.get("/ui/dossiers", params={"unit": "UBND-XB"}).status_code == 404
    mine = web.client.get("/ui/dossiers", params={"unit": "UBND-XA", "procedure": "3."})
    assert [int(found[1]) for found in ROW.findall(mine.text)] == [late]


def test_htmx_swaps_only_the_table_and_the_filters_are_in_the_address(office: Office) -> None:
    web = office["tiepnhan"]
    full = web.client.get("/ui/dossiers", params={"status": "received"})
    assert 'hx-push-url="true"' in full.text
    assert 'hx-target="#dossier-results"' in full.text
    assert '<option value="received" selected>' in full.text
    part = web.client.get("/ui/dossiers", params={"status": "received"},
                          headers={"HX-Request": "true", "HX-Target": "dossier-results"})
    assert part.status_code == 200
    assert "<html" not in part.text
    assert "<table" in part.text
    assert "status=received" in part.text  # sort and page links keep the filter


def test_a_search_without_diacritics_finds_and_marks_the_applicant(office: Office) -> None:
    dossier_id = office.dossier("Nguyễn Văn Bình")
    with office.runtime.db.session() as session:
        document = Document(unit_id=office.unit_ids["UBND-XA"], dossier_id=dossier_id,
                            filename="don-de-nghi.pdf", media_type="application/pdf",
                            doc_type="don_de_nghi", status=DocumentStatus.digitised)
        session.add(document)
        session.flush()
        index_document(session, document.id, title="don_de_nghi don-de-nghi.pdf",
                       body="ĐƠN ĐỀ NGHỊ <script>alert(1)</script> Tôi là Nguyễn Văn Bình, "
                            "cư trú tại xã Tân Lập")
    web = office["tiepnhan"]
    found = web.client.get("/ui/dossiers", params={"q": "nguyen van binh"})
    assert found.status_code == 200
    assert "<mark>Nguyễn Văn Bình</mark>" in found.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in found.text
    assert "<script>alert" not in found.text
    assert f'href="/ui/dossiers/{dossier_id}">{dossier_code(dossier_id)}</a>' in found.text
    assert "don-de-nghi.pdf" in found.text
    page = web.client.get(f"/ui/dossiers/{dossier_id}")  # the dossier lists its document
    assert f'<a href="/ui/documents/{document.id}">don-de-nghi.pdf</a>' in page.text
    other = office["khac"].client.get("/ui/dossiers", params={"q": "nguyen van binh"})
    assert "Nguyễn Văn Bình" not in other.text
    assert "0 kết quả" in other.text
    assert "Hãy nhập ít nhất một từ" in web.client.get("/ui/dossiers",
                                                        params={"q": "!!"}).text


def test_the_dossier_page_shows_its_history_and_the_moves_a_role_may_make(
        office: Office) -> None:
    dossier_id = office.dossier("Phạm Thị Lan", days=5)
    intake = office["tiepnhan"]
    page = intake.client.get(f"/ui/dossiers/{dossier_id}")
    assert page.status_code == 200
    assert "Phạm Thị Lan" in page.text
    assert "Cấp phép" in page.text
    assert "Tiếp nhận hồ sơ</span>" in page.text  # the audited creation
    assert "bởi test" in page.text
    assert "Chuyển giải quyết" in page.text
    assert "Chuyển sang số hóa" in page.text
    assert f'href="/ui/dossiers/{dossier_id}/receipt"' in page.text
    assert f'href="/ui/dossiers/{dossier_id}/cover-sheet.pdf"' in page.text
    assert "dossier-documents" in page.text  # the documents part (the fallback or theirs)
    moved = intake.client.post(f"/ui/dossiers/{dossier_id}/move",
                               data={"csrf": intake.csrf(f"/ui/dossiers/{dossier_id}"),
                                     "to": "in_progress"})
    assert moved.status_code == 303
    after = intake.client.get(f"/ui/dossiers/{dossier_id}")
    assert "Chuyển sang “Đang giải quyết”" in after.text
    assert "bởi tiepnhan" in after.text
    assert "Ghi nhận đã ký kết quả" not in after.text  # intake may not record it
    refused = intake.client.post(f"/ui/dossiers/{dossier_id}/move",
                                 data={"csrf": intake.csrf(f"/ui/dossiers/{dossier_id}"),
                                       "to": "result_signed"})
    assert refused.status_code == 403
    assert "Ghi nhận đã ký kết quả" in office["lanhdao"].client.get(
        f"/ui/dossiers/{dossier_id}").text
    assert intake.client.post(f"/ui/dossiers/{dossier_id}/move",
                              data={"to": "digitising"}).status_code == 403  # no CSRF
    cover = intake.client.get(f"/ui/dossiers/{dossier_id}/cover-sheet.pdf")
    assert cover.status_code == 200
    assert cover.content.startswith(b"%PDF")


def test_another_units_user_gets_404(office: Office) -> None:
    dossier_id = office.dossier("Võ Thị Kín")
    other = office["khac"]
    for path in ("", "/receipt", "/receipt/qr.png", "/cover-sheet.pdf"):
        answer = other.client.get(f"/ui/dossiers/{dossier_id}{path}")
        assert answer.status_code == 404, path
        assert "Võ Thị Kín" not in answer.text
    moved = other.client.post(f"/ui/dossiers/{dossier_id}/move",
                              data={"csrf": other.csrf("/ui/dossiers/new"), "to": "in_progress"})
    assert moved.status_code == 404
    assert dossier_code(dossier_id) not in other.client.get("/ui/dossiers").text


def _receipt_codes(web: Web, dossier_id: int) -> tuple[str, str, str]:
    receipt = web.client.get(f"/ui/dossiers/{dossier_id}/receipt")
    assert receipt.status_code == 200
    code = re.search(r'id="receipt-code">([^<]+)<', receipt.text)
    check = re.search(r'id="receipt-check">([^<]+)<', receipt.text)
    assert code
    assert check
    return code.group(1), check.group(1), receipt.text


def test_the_receipt_shows_the_codes_and_a_qr_code_of_the_status_page(office: Office) -> None:
    dossier_id = office.dossier("Đặng Văn Hùng", days=3)
    web = office["tiepnhan"]
    code, check, text = _receipt_codes(web, dossier_id)
    assert code == dossier_code(dossier_id)
    assert check == check_code(office.runtime.settings.url_secret(), dossier_id)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Đặng Văn Hùng" in text
    assert "ỦY BAN NHÂN DÂN XÃ TÂN LẬP" in text
    assert "<button type=\"button\" class=\"primary\" data-print>" in text
    with office.runtime.db.session() as session:
        dossier = session.get(Dossier, dossier_id)
        assert dossier is not None
        assert f'id="receipt-return">{dossier.due_date:%d/%m/%Y}<' in text
    image = web.client.get(f"/ui/dossiers/{dossier_id}/receipt/qr.png")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    pixels = cv2.imdecode(np.frombuffer(image.content, np.uint8), cv2.IMREAD_GRAYSCALE)
    payload, _, _ = cv2.QRCodeDetector().detectAndDecode(pixels)
    assert payload.endswith(f"/status?code={code}&check={check}")
    assert f'src="/ui/dossiers/{dossier_id}/receipt/qr.png"' in text


def test_the_public_status_page_answers_only_the_receipts_codes(office: Office) -> None:
    dossier_id = office.dossier("Bùi Thị Thu", days=4, procedure="9.999999")
    code, check, _ = _receipt_codes(office["tiepnhan"], dossier_id)
    with office.runtime.db.session() as session:
        dossier = session.get(Dossier, dossier_id)
        assert dossier is not None
        due = f"{dossier.due_date:%d/%m/%Y}"
    with web_client(office.runtime) as anonymous:
        form = anonymous.get("/status")
        assert form.status_code == 200
        assert '<label for="check">' in form.text
        token = CSRF.search(form.text)
        assert token
        answer = anonymous.post("/status", data={"csrf": token.group(1), "code": code,
                                                 "check": check.lower().replace("-", " ")})
        assert answer.status_code == 200
        assert "Đã tiếp nhận" in answer.text
        assert due in answer.text
        for private in ("Bùi Thị Thu", "9.999999", "Cấp phép", "Tân Lập"):
            assert private not in answer.text
        from_qr = anonymous.get("/status", params={"code": code, "check": check})
        assert from_qr.status_code == 200
        assert due in from_qr.text
        wrong_check = anonymous.get("/status", params={"code": code, "check": "0000-0000"})
        other = office.dossier("Ai Khác")
        wrong_code = anonymous.get("/status", params={"code": dossier_code(other),
                                                      "check": check})
        unknown = anonymous.get("/status", params={"code": "HS-999999", "check": check})
        answers = {re.sub(r'value="[^"]*"', "", page.text) for page in
                   (wrong_check, wrong_code, unknown)}
        assert len(answers) == 1  # one answer: nothing tells which code was wrong
        assert all(page.status_code == 404 for page in (wrong_check, wrong_code, unknown))
        assert "Không tìm thấy hồ sơ" in wrong_check.text
        assert due not in wrong_check.text
        assert anonymous.post("/status", data={"code": code, "check": check}).status_code \
            == 403  # no CSRF token


def test_status_guesses_are_throttled_per_address(office: Office) -> None:
    dossier_id = office.dossier("Lý Văn Đoán")
    code = dossier_code(dossier_id)
    limit = office.runtime.settings.login_address_max_failures
    from api.app import create_app

    with TestClient(create_app(office.runtime.settings, office.runtime),
                    client=("198.51.100.7", 40000)) as guesser:
        for n in range(limit):
            assert guesser.get("/status", params={"code": code,
                                                  "check": f"{n:04d}-0000"}).status_code == 404
        right = check_code(office.runtime.settings.url_secret(), dossier_id)
        locked = guesser.get("/status", params={"code": code, "check": right})
        assert locked.status_code == 429
        assert "quá nhiều lần" in locked.text
        assert "Đã tiếp nhận" not in locked.text
    with web_client(office.runtime) as elsewhere:  # another address is not locked out
        assert elsewhere.get("/status", params={"code": code, "check": right}).status_code \
            == 200


def test_codes_are_read_forgivingly() -> None:
    assert dossier_code(42) == "HS-000042"
    assert parse_dossier_code("hs-000042") == 42
    assert parse_dossier_code(" HS 42 ") == 42
    assert parse_dossier_code("42") == 42
    assert parse_dossier_code("HS-0") is None
    assert parse_dossier_code("HS-42; DROP") is None
    first, second = check_code(b"secret-a", 42), check_code(b"secret-b", 42)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", first)
    assert first != second
    assert first != check_code(b"secret-a", 43)
    assert VIETNAM_CALENDAR.is_working_day(date(2027, 2, 11))


def test_the_applicants_personal_number_is_kept_and_checked(office: Office) -> None:
    web = office["tiepnhan"]
    wrong = web.client.post("/ui/dossiers/new", data=_form(web, applicant_id_number="12345"))
    assert wrong.status_code == 422
    assert 'id="applicant_id_number-error">Số định danh cá nhân gồm 12 chữ số.' in wrong.text
    done = web.client.post("/ui/dossiers/new",
                           data=_form(web, applicant_id_number="0010 9200 1234"))
    assert done.status_code == 303
    dossier_id = int(done.headers["location"].rsplit("/", 1)[1])
    with office.runtime.db.session() as session:
        dossier = session.get(Dossier, dossier_id)
        assert dossier is not None
        assert dossier.applicant_id_number == "001092001234"
    page = web.client.get(done.headers["location"])
    assert "Số định danh cá nhân (CCCD)" in page.text
    assert "001092001234" in page.text
