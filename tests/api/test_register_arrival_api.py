"""POST /registers/incoming and GET /registers/incoming/proposal (issue 16 §1), on both
backend sets: a scan whose stored classification carries an arrival stamp read by the real
OCR ("Số: 57", "Ngày: 26/12/2023") is proposed with the stamp's number and day, registered
under them with its read fields, and a second paper claiming 57 gets a 409 naming it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ingest.digitise import apply_classification
from signing.registers.numbering import vietnam_day
from storage.records import Document, DocumentStatus, User, utcnow
from tests.api.conftest import Service
from tests.support.arrival_stamp import stamped_classification


def _stamped_scan(service: Service, username: str) -> int:
    with service.runtime.db.session() as session:
        unit_id = session.scalars(select(User.unit_id).where(User.username == username)).one()
        document = Document(unit_id=unit_id, filename="quyet-dinh-den.pdf",
                            media_type="application/pdf", status=DocumentStatus.digitised,
                            page_count=1)
        apply_classification(document, stamped_classification())
        session.add(document)
        session.flush()
        return document.id


def test_a_stamped_scan_registered_under_its_stamp(service: Service) -> None:
    leader, clerk = service.add_leader_and_clerk()
    _, stranger = service.add_leader_and_clerk()
    first, second = _stamped_scan(service, clerk), _stamped_scan(service, clerk)
    client, auth = service.client, service.auth(clerk)

    read = client.get(f"/documents/{first}/classification", headers=auth)
    assert read.status_code == 200, read.text
    assert (read.json()["arrival"]["number"], read.json()["arrival"]["date"]) == (
        "57", "2023-12-26")
    proposal = client.get(f"/registers/incoming/proposal?document_id={first}", headers=auth)
    assert proposal.status_code == 200, proposal.text
    body = proposal.json()
    assert body["arrival"] == {"number": 57, "date": "2023-12-26", "source": "arrival-stamp"}
    assert (body["stamp"]["number"], body["stamp_problem"]) == (57, None)
    assert body["fields"]["symbol"] == "7075/QĐ-SNV"
    assert client.get(f"/registers/incoming/proposal?document_id={first}",
                      headers=service.auth(stranger)).status_code == 404

    refused = client.post("/registers/incoming", headers=service.auth(leader),
                          json={"document_id": first, "use_stamp": True})
    assert refused.status_code == 403
    created = client.post("/registers/incoming", headers=auth,
                          json={"document_id": first, "use_stamp": True,
                                "urgency": "khan"})
    assert created.status_code == 201, created.text
    entry = created.json()["entry"]
    assert (entry["year"], entry["number"], entry["registered_on"]) == (
        2023, "57", "2023-12-26")
    assert (entry["symbol"], entry["issued_on"], entry["issuing_agency"], entry["source"]) == (
        "7075/QĐ-SNV", "2023-12-23", "SỞ NỘI VỤ", "scan")
    assert entry["summary"].startswith("Về việc theo báo cáo")

    taken = client.get(f"/registers/incoming/proposal?document_id={second}", headers=auth)
    assert (taken.json()["arrival"], taken.json()["stamp_problem"]) == (None, "taken")
    assert taken.json()["held_by"]["id"] == entry["id"]
    for claim in ({"use_stamp": True}, {"arrival_number": 57, "arrived_on": "2023-12-26"}):
        conflict = client.post("/registers/incoming", headers=auth,
                               json={"document_id": second, **claim})
        assert conflict.status_code == 409, conflict.text
        assert conflict.headers["content-type"].startswith("application/problem+json")
        assert "arrival number 57 of 2023" in conflict.json()["detail"]
        assert conflict.json()["subject"] == "arrival_number"
    tomorrow = (vietnam_day(utcnow()) + timedelta(days=1)).isoformat()
    late = client.post("/registers/incoming", headers=auth,
                       json={"document_id": second, "arrival_number": 58,
                             "arrived_on": tomorrow})
    assert late.status_code == 422
    assert late.json()["subject"] == "arrived_on"
    today = client.post("/registers/incoming", headers=auth, json={"document_id": second})
    assert today.status_code == 201, today.text
    assert (today.json()["entry"]["registered_on"], today.json()["entry"]["number"]) == (
        vietnam_day(utcnow()).isoformat(), "1")
    again = client.post("/registers/incoming", headers=auth,
                        json={"document_id": second})
    assert again.status_code == 409  # a document goes in the book once


def test_a_typed_entry_without_a_document_needs_its_summary(service: Service) -> None:
    _, clerk = service.add_leader_and_clerk()
    auth = service.auth(clerk)
    empty = service.client.post("/registers/incoming", headers=auth, json={})
    assert empty.status_code == 422
    assert empty.json()["subject"] == "summary"
    typed = service.client.post("/registers/incoming", headers=auth, json={
        "summary": "V/v tuyển dụng", "sender": "Sở Nội vụ", "arrival_number": 12,
        "arrived_on": "2024-03-01", "issued_on": "2024-02-27"})
    assert typed.status_code == 201, typed.text
    assert (typed.json()["entry"]["year"], typed.json()["entry"]["number"],
            typed.json()["entry"]["issued_on"]) == (2024, "12", date(2024, 2, 27).isoformat())
