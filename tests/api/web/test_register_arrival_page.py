"""The incoming form of a scan with an arrival stamp (issue 16 §1): the stamp read by the
real OCR ("Số: 57", "Ngày: 26/12/2023") is proposed in the arrival number and day fields,
with the stamp's values beside them ("đọc từ dấu đến") and the document's read fields in
theirs; confirmed, the entry takes number 57 in the 2023 book; a second paper stamped 57
gets a field error naming the number, a note linking the entry holding it, and the next
number when the clerk empties the field."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from api.runtime import Runtime, open_runtime
from ingest.digitise import apply_classification
from signing.registers.numbering import vietnam_day
from storage.accounts import create_unit, create_user
from storage.records import Document, DocumentStatus, User, utcnow
from storage.records.models import RegisterEntry, RegisterEvent
from tests.api.conftest import PASSWORD, make_settings
from tests.api.web.conftest import CSRF, Web, logged_in
from tests.support.arrival_stamp import stamped_classification


@pytest.fixture(scope="module")
def clerk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """A commune's records clerk, logged in."""
    runtime: Runtime = open_runtime(make_settings("embedded", tmp_path_factory.mktemp("arr")))
    with runtime.db.session() as session:
        create_unit(session, "UBND-XA", "Ủy ban nhân dân xã Hòa An")
        create_user(session, username="vanthu", password=PASSWORD, role="clerk",
                    unit_code="UBND-XA", full_name="Nguyễn Thị Thư")
    try:
        with logged_in(runtime, "vanthu") as web:
            yield web
    finally:
        runtime.close()


def _stamped_scan(web: Web, **arrival: object) -> int:
    """A digitised scan with the stamped classification (``arrival`` changes the stamp's
    values as read)."""
    classification = stamped_classification()
    if arrival:
        classification = {**classification, "arrival": {**classification["arrival"], **arrival}}
    with web.runtime.db.session() as session:
        unit_id = session.scalars(select(User.unit_id).where(User.username == "vanthu")).one()
        document = Document(unit_id=unit_id, filename="quyet-dinh-den.pdf",
                            media_type="application/pdf", status=DocumentStatus.digitised,
                            page_count=1)
        apply_classification(document, classification)
        session.add(document)
        session.flush()
        return document.id


def _value(page: str, name: str) -> str:
    found = re.search(rf'<input id="f-{name}" name="{name}" type="\w+" value="([^"]*)"', page)
    assert found, name
    return html.unescape(found.group(1))


def _read_beside(page: str, name: str) -> str:
    found = re.search(rf'<span class="stamp-read" id="f-{name}-read">([^<]*)</span>', page)
    assert found, name
    return html.unescape(found.group(1))


def _selected(page: str, name: str) -> str:
    select = re.search(rf'<select id="f-{name}" name="{name}">(.*?)</select>', page, re.S)
    assert select, name
    found = re.search(r'<option value="([^"]*)" selected>', select.group(1))
    assert found, name
    return html.unescape(found.group(1))


def _form_fields(page: str) -> dict[str, str]:
    names = ("sender", "issuing_agency", "symbol", "summary", "signer",
             "issued_on", "sheets", "arrival_number", "arrived_on")
    return {"doc_type": _selected(page, "doc_type"),
            **{name: _value(page, name) for name in names}}


def _register(web: Web, document_id: int, **changes: str) -> tuple[int, str, str]:
    form = web.client.get(f"/ui/registers/incoming/new?document_id={document_id}").text
    token = CSRF.search(form)
    assert token
    data = {"csrf": token.group(1), "document_id": str(document_id),
            "confidentiality": "thuong", "urgency": "thuong", **_form_fields(form), **changes}
    answer = web.client.post("/ui/registers/incoming", data=data)
    return answer.status_code, answer.headers.get("location", ""), answer.text


def test_the_form_proposes_the_stamp_and_the_entry_takes_it(clerk: Web) -> None:
    first, second = _stamped_scan(clerk), _stamped_scan(clerk)
    page = clerk.client.get(f"/ui/registers/incoming/new?document_id={first}")
    assert page.status_code == 200
    text = page.text
    assert (_value(text, "arrival_number"), _value(text, "arrived_on")) == ("57", "2023-12-26")
    assert _read_beside(text, "arrival_number") == "57 — đọc từ dấu đến"
    assert _read_beside(text, "arrived_on") == "26/12/2023 — đọc từ dấu đến"
    assert "Dấu đến trên bản quét (trang 1): CÔNG VĂN ĐẾN | Số: 57" in html.unescape(text)
    assert (_value(text, "symbol"), _value(text, "issued_on"), _value(text, "issuing_agency")) \
        == ("7075/QĐ-SNV", "2023-12-23", "SỞ NỘI VỤ")
    assert _value(text, "summary").startswith("Về việc theo báo cáo của Trung tâm")
    assert _selected(text, "doc_type") == "quyet_dinh"  # shown as "Quyết định"
    assert '<option value="quyet_dinh" selected>Quyết định</option>' in text
    assert 'id="stamp-problem"' not in text

    status, location, _ = _register(clerk, first)
    assert status == 303, location
    entry_id = int(location.rsplit("/", 1)[1])
    with clerk.runtime.db.session() as session:
        entry = session.get(RegisterEntry, entry_id)
        assert entry is not None
        assert (entry.year, entry.number, entry.registered_on.isoformat(), entry.symbol) == (
            2023, 57, "2023-12-26", "7075/QĐ-SNV")
        event = session.scalars(select(RegisterEvent).where(
            RegisterEvent.entry_id == entry_id)).one()
        assert event.details["arrival_number"] == "stamp"

    # the second paper stamped 57: not proposed, the holder named and linked
    taken = clerk.client.get(f"/ui/registers/incoming/new?document_id={second}").text
    assert (_value(taken, "arrival_number"), _value(taken, "arrived_on")) == ("", "")
    assert _read_beside(taken, "arrival_number") == "57 — đọc từ dấu đến"
    note = re.search(r'<p class="stamp-note field-error" id="stamp-problem">(.*?)</p>', taken,
                     re.S)
    assert note
    assert "Số đến 57 của năm 2023 trên dấu đã có trong sổ" in note.group(1)
    assert f'href="/ui/registers/entries/{entry_id}"' in note.group(1)
    # typing the stamp's number anyway: refused beside the field, naming the number
    status, _, answer = _register(clerk, second, arrival_number="57", arrived_on="2023-12-26")
    assert status == 409
    error = re.search(r'<span class="field-error" id="f-arrival_number-error" role="alert">'
                      r'([^<]*)</span>', answer)
    assert error
    assert html.unescape(error.group(1)) == (
        "Số đến 57 của năm 2023 đã có trong sổ. Để trống để cấp số tiếp theo.")
    assert 'aria-invalid="true"' in answer
    # emptied: the next number of today's book
    status, location, _ = _register(clerk, second, arrival_number="", arrived_on="")
    assert status == 303
    with clerk.runtime.db.session() as session:
        again = session.get(RegisterEntry, int(location.rsplit("/", 1)[1]))
        assert again is not None
        assert (again.year, again.number) == (vietnam_day(utcnow()).year, 1)


def test_a_day_after_today_and_a_day_without_number_are_field_errors(clerk: Web) -> None:
    scan = _stamped_scan(clerk)
    status, _, answer = _register(clerk, scan, arrival_number="58", arrived_on="2099-01-01")
    assert (status, "Ngày đến không được sau hôm nay." in answer) == (422, True)
    status, _, answer = _register(clerk, scan, arrival_number="", arrived_on="2023-12-26")
    assert status == 422
    assert "Nhập số đến (từ 1 đến 999999) đi cùng ngày đến" in html.unescape(answer)


def test_a_form_without_a_document_hints_the_next_number(clerk: Web) -> None:
    page = clerk.client.get("/ui/registers/incoming/new").text
    assert _read_beside(page, "arrival_number") == (
        "Để trống: cấp số tiếp theo của sổ, ngày đến là hôm nay.")
    assert 'id="stamp-seen"' not in page


def test_an_illegible_stamp_is_shown_and_not_proposed(clerk: Web) -> None:
    scan = _stamped_scan(clerk, number=None, needs_review=True)
    page = clerk.client.get(f"/ui/registers/incoming/new?document_id={scan}").text
    assert (_value(page, "arrival_number"), _value(page, "arrived_on")) == ("", "")
    assert _read_beside(page, "arrival_number") == "không đọc được — đọc từ dấu đến"
    assert _read_beside(page, "arrived_on") == "26/12/2023 — đọc từ dấu đến"
    assert "Dấu đến không đọc rõ số hoặc ngày: nhập theo bản giấy" in page
