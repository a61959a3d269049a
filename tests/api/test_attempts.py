"""Guessing secrets through the API, on the embedded defaults and on PostgreSQL + Redis +
S3: 30 wrong passwords and 30 wrong signing PINs lock the account or key (429 with
Retry-After, even for the right secret), every failure and lock is audited; one client
address guessing many accounts is locked too; a signing request does not tell unknown
usernames from known ones; a batch naming a request twice is refused."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from ingest.synthetic import generate_document
from storage.records import AttemptCounter, AuditEntry, User
from tests.api.conftest import PASSWORD, Service
from tests.support.names import unique_name
from tests.support.pki_server import RunningPki
from tests.support.synthetic_pdf import render_pdf


def _client_from(service: Service, address: str) -> TestClient:
    """A client of the same app that connects from ``address``."""
    return TestClient(service.client.app, client=(address, 40000))


def _audited(service: Service, action: str) -> list[AuditEntry]:
    with service.runtime.db.session() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                               .order_by(AuditEntry.id)).all()
        session.expunge_all()
        return list(rows)


def _end_locks(service: Service, prefix: str) -> None:
    """Let the locks under ``prefix`` pass (instead of waiting for them)."""
    with service.runtime.db.session() as session:
        session.execute(update(AttemptCounter).where(AttemptCounter.key.startswith(prefix))
                        .values(locked_until=datetime.now(UTC) - timedelta(seconds=1)))


def test_thirty_wrong_passwords_lock_the_account(service: Service) -> None:
    unit = unique_name("MK")
    service.add_unit(unit)
    name = f"canbo-{unit}"
    service.add_user(name, "clerk", unit)
    client = _client_from(service, "198.51.100.7")
    answers = [client.post("/auth/token", data={"username": name, "password": f"sai-{n}"})
               for n in range(30)]
    right = client.post("/auth/token", data={"username": name, "password": PASSWORD})
    assert [a.status_code for a in answers] == [401] * 5 + [429] * 25
    locked = answers[-1]
    assert locked.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(locked.headers["retry-after"]) <= 30
    assert locked.json()["subject"] == "login"
    assert right.status_code == 429  # not even the right password while locked
    failed = [entry for entry in _audited(service, "login_failed") if entry.subject_id == name]
    assert len(failed) == 5
    assert {entry.details["address"] for entry in failed} == {"198.51.100.7"}
    assert [entry.subject_id for entry in _audited(service, "locked_out")
            if entry.subject_id.endswith(name)] == [f"password:user:{name}"]
    _end_locks(service, f"password:user:{name}")
    again = client.post("/auth/token", data={"username": name, "password": PASSWORD})
    assert again.status_code == 200, again.text


def test_one_address_guessing_many_accounts_is_locked(service: Service) -> None:
    client = _client_from(service, "198.51.100.99")
    answers = [client.post("/auth/token", data={"username": f"ai-do-{n}", "password": "sai"})
               for n in range(21)]
    assert [a.status_code for a in answers] == [401] * 20 + [429]
    elsewhere = _client_from(service, "198.51.100.100").post(
        "/auth/token", data={"username": "ai-do-khac", "password": "sai"})
    assert elsewhere.status_code == 401  # another address is not locked


def _queue_draft(service: Service, leader: str, clerk: str, tmp_path: Path) -> int:
    path = tmp_path / "du-thao.pdf"
    render_pdf(generate_document(random.Random(7), "quyet_dinh", "qd-7"), path)
    draft = service.client.post("/drafts", headers=service.auth(clerk),
                                files={"file": (path.name, path.read_bytes(),
                                                "application/pdf")})
    assert draft.status_code == 201, draft.text
    queued = service.client.post(f"/documents/{draft.json()['id']}/signing-requests",
                                 headers=service.auth(clerk),
                                 json={"signer": leader, "role": "leader", "level": "B-B"})
    assert queued.status_code == 201, queued.text
    return int(queued.json()["id"])


def test_thirty_wrong_pins_lock_signing(pki_service: Service, served_pki: RunningPki,
                                        tmp_path: Path) -> None:
    service = pki_service
    leader, clerk = service.add_leader_and_clerk()
    with service.runtime.db.session() as session:  # the name in the demo leader.p12
        session.execute(update(User).where(User.username == leader)
                        .values(full_name="Nguyễn Văn An"))
    p12 = served_pki.directory / "leader.p12"
    uploaded = service.client.post("/me/signing-key", headers=service.auth(leader),
                                   files={"file": (p12.name, p12.read_bytes(),
                                                   "application/x-pkcs12")},
                                   data={"pin": "1234"})
    assert uploaded.status_code == 201, uploaded.text
    request_id = _queue_draft(service, leader, clerk, tmp_path)

    twice = service.client.post("/signing/sign", headers=service.auth(leader),
                                json={"request_ids": [request_id, request_id], "pin": "1234"})
    assert twice.status_code == 422, twice.text
    assert twice.json()["subject"] == f"request {request_id}"
    assert "more than once" in twice.json()["detail"]
    assert len(service.client.get("/signing/queue", headers=service.auth(leader)).json()) == 1

    answers = [service.client.post("/signing/sign", headers=service.auth(leader),
                                   json={"request_ids": [request_id], "pin": f"{5001 + n}"})
               for n in range(30)]
    right = service.client.post("/signing/sign", headers=service.auth(leader),
                                json={"request_ids": [request_id], "pin": "1234"})
    assert [a.status_code for a in answers] == [422] * 5 + [429] * 25
    assert "PIN" in answers[0].json()["detail"]
    assert 1 <= int(answers[-1].headers["retry-after"]) <= 30
    assert right.status_code == 429, right.text
    assert len(service.client.get("/signing/queue", headers=service.auth(leader)).json()) == 1
    failed = _audited(service, "pin_failed")
    assert [entry.actor for entry in failed] == [leader] * 5
    locks = sorted(entry.details["key"].split(":")[1] for entry in _audited(
        service, "locked_out") if entry.details["key"].startswith("pin:"))
    assert locks == ["key", "user"]  # the user and the key file are both locked

    _end_locks(service, "pin:")
    signed = service.client.post("/signing/sign", headers=service.auth(leader),
                                 json={"request_ids": [request_id], "pin": "1234"})
    assert signed.status_code == 200, signed.text
    with service.runtime.db.session() as session:
        assert session.scalars(select(AttemptCounter.key).where(
            AttemptCounter.key.startswith("pin:"))).all() == []


def test_signing_requests_do_not_reveal_usernames(service: Service, tmp_path: Path) -> None:
    _leader, clerk = service.add_leader_and_clerk()
    path = tmp_path / "du-thao.pdf"
    render_pdf(generate_document(random.Random(3), "quyet_dinh", "qd-3"), path)
    draft = service.client.post("/drafts", headers=service.auth(clerk),
                                files={"file": (path.name, path.read_bytes(),
                                                "application/pdf")}).json()["id"]

    def ask(signer: str) -> tuple[int, str]:
        answer = service.client.post(f"/documents/{draft}/signing-requests",
                                     headers=service.auth(clerk),
                                     json={"signer": signer, "role": "leader", "level": "B-B"})
        return answer.status_code, answer.json()["detail"].replace(signer, "<name>")

    unknown = ask("khong-co-nguoi-nay")
    known = ask(clerk)  # exists, but is not a leader
    assert unknown == known
    assert unknown[0] == 422


def test_an_unknown_queue_status_is_refused(service: Service) -> None:
    leader, _ = service.add_leader_and_clerk()
    answer = service.client.get("/signing/queue", headers=service.auth(leader),
                                params={"status": "c\u009f"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith("query.status")
    assert service.client.get("/signing/queue", headers=service.auth(leader),
                              params={"status": "signed"}).json() == []
