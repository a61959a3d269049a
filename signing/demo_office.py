"""The demo office (``sohoa demo``): a unit tree (province → department → communes), one
user per role, the demo PKI's keys registered as the leader's and the clerk's signing
credentials, and sample dossiers with scanned documents in every state: just received,
digitised (OCR run here and now), awaiting the leader's signature, resolved early, on time
and late (results signed with the leader's key), and overdue.

Everything goes through the use cases the service uses (create_unit/create_user,
register_credential, store_original, create_dossier, digitise_document, store_draft,
request_signature, sign_one, move_dossier), so the records, objects and audit log are
those a real office would have.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.calendar import VIETNAM_CALENDAR, WorkingCalendar
from ingest.digitise import DigitiseOptions, digitise_document
from ingest.dossiers import NewDossier, create_dossier
from ingest.intake import store_original
from ingest.lifecycle import move_dossier, note_upload
from ingest.synthetic import generate_document
from signing.demo_scans import printed_pdf, scanned_pdf
from signing.key_policy import bind_certificate
from signing.keys import unlock_pkcs12
from signing.pki import DemoPki
from signing.requests import (
    SigningSetup,
    register_credential,
    request_signature,
    sign_one,
    store_draft,
)
from storage.accounts import CurrentUser, create_unit, create_user, has_users
from storage.errors import ConflictError
from storage.jobs import QueuedJob, RunningJob, SessionFactory, ocr_job_id, request_job
from storage.objects import ObjectStore
from storage.records import (
    Dossier,
    DossierStatus,
    JobKind,
    SigningRequest,
    Unit,
    User,
    UserRole,
)
from storage.records.units import unit_subtree_ids

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_PASSWORD = "sohoa-demo"  # noqa: S105  (printed for everyone: a demo)
S = DossierStatus


@dataclass(frozen=True)
class DemoLogin:
    """One demo user."""

    username: str
    role: UserRole
    full_name: str
    unit_code: str


UNITS = (  # code, name, parent
    ("UBND-TINH", "Ủy ban nhân dân tỉnh Bắc Ninh", None),
    ("SO-NV", "Sở Nội vụ tỉnh Bắc Ninh", "UBND-TINH"),
    ("UBND-XA", "Ủy ban nhân dân xã Tân Lập", "SO-NV"),
    ("UBND-XB", "Ủy ban nhân dân xã Bình Minh", "SO-NV"),
)
OFFICE = "UBND-XA"
LOGINS = (
    DemoLogin("tiepnhan", UserRole.intake, "Nguyễn Thị Tiếp Nhận", OFFICE),
    DemoLogin("lanhdao", UserRole.leader, "Nguyễn Văn An", OFFICE),  # the leader.p12's name
    DemoLogin("vanthu", UserRole.clerk, "Lê Thị Văn Thư", OFFICE),
    DemoLogin("quantri", UserRole.admin, "Phạm Quản Trị", "UBND-TINH"),
)
PROCEDURES = (
    ("1.004227", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", 10),
    ("2.000908", "Đăng ký khai sinh", 3),
    ("1.001612", "Chứng thực bản sao từ bản chính", 2),
    ("1.003087", "Cấp giấy phép xây dựng nhà ở riêng lẻ", 15),
    ("2.001263", "Đăng ký kết hôn", 5),
)
APPLICANTS = ("Trần Văn Bình", "Lê Thị Hoa", "Phạm Minh Tuấn", "Hoàng Thị Lan", "Vũ Đức Thắng",
              "Đặng Thu Trang", "Bùi Quang Huy", "Đỗ Thị Mai", "Ngô Văn Hùng", "Dương Thị Nga")
PLAN = ("digitised", "received", "awaiting_signature", "resolved_early", "overdue",
        "resolved_on_time", "digitised", "resolved_late", "awaiting_signature", "received",
        "overdue", "resolved_early", "digitised", "resolved_on_time", "overdue",
        "awaiting_signature", "received", "resolved_late", "digitised", "received")
"""What becomes of dossier ``i`` (the plan is cycled)."""
NEIGHBOUR = "UBND-XB"
UNSIGNED = frozenset({"digitised", "received", "overdue"})
"""What the neighbouring commune's dossiers may become: its own leader holds no key, so
nothing of it waits for lanhdao's signature (he may not sign for another commune)."""
PAPERS = ("don_de_nghi", "giay_to_tuy_than", "to_khai", "giay_chung_nhan")
RESULTS = ("quyet_dinh", "cong_van", "thong_bao")


@dataclass
class DemoSummary:
    """What was seeded: counts per dossier plan, documents digitised, logins."""

    dossiers: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    digitised: int = 0
    signed: int = 0
    logins: tuple[DemoLogin, ...] = LOGINS


class _HeldQueue:
    """A job queue that queues nothing: the demo runs its OCR jobs itself, now."""

    def enqueue(self, job: QueuedJob) -> None:
        """Keep nothing: the caller runs the job in this process."""


def _current(session: Session, username: str) -> CurrentUser:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return CurrentUser(id=user.id, username=user.username, role=UserRole(user.role),
                       unit_id=user.unit_id,
                       visible_unit_ids=frozenset(unit_subtree_ids(session, user.unit_id)))


def seed_people(session: Session, store: ObjectStore, pki: DemoPki, setup: SigningSetup,
                pki_password: str) -> None:
    """The units, one user per role, and the leader's and clerk's keys registered (the
    clerk's agency certificate bound to the clerk by the administrator first);
    ``ConflictError`` when the installation has users already."""
    if has_users(session):
        raise ConflictError("the data directory already has users: run `sohoa demo` on a "
                            "fresh one (SOHOA_DATA_DIR)", subject="demo")
    for code, name, parent in UNITS:
        create_unit(session, code, name, parent, actor="demo")
    for login in LOGINS:
        create_user(session, username=login.username, password=DEMO_PASSWORD, role=login.role,
                    unit_code=login.unit_code, full_name=login.full_name, actor="demo")
    clerk_file = pki.p12_path("clerk").read_bytes()
    clerk_key = unlock_pkcs12(clerk_file, pki_password, source="clerk.p12")
    bind_certificate(session, _current(session, "quantri"), _current(session, "vanthu").id,
                     certificate=clerk_key.certificate.dump())
    for username, name in (("lanhdao", "leader"), ("vanthu", "clerk")):
        register_credential(session, store, _current(session, username),
                            pki.p12_path(name).read_bytes(), pki_password, f"{name}.p12", setup)


def _vn(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), VIETNAM).astimezone(UTC)


def _received_day(kind: str, index: int, today: date) -> date:
    """When dossier ``index`` arrived: resolved ones months ago, overdue ones weeks ago,
    the others in the last days."""
    if kind.startswith("resolved"):
        return today - timedelta(days=40 + 23 * (index % 6))
    if kind == "overdue":
        return today - timedelta(days=21 + 4 * (index % 5))
    return today - timedelta(days=index % 4)


def _add_scans(session: Session, store: ObjectStore, dossier: Dossier, rng: random.Random,
               actor: CurrentUser, count: int) -> list[int]:
    ids = []
    for part in range(count):
        paper = generate_document(rng, PAPERS[(dossier.id + part) % len(PAPERS)],
                                  f"demo-{dossier.id}-{part}")
        stored = store_original(session, store, dossier=dossier,
                                filename=f"scan-ho-so-{dossier.id}-{part + 1}.pdf",
                                stream=io.BytesIO(scanned_pdf(paper, rng)),
                                actor=actor.username, user_id=actor.id, unit_id=dossier.unit_id,
                                max_bytes=None)
        ids.append(stored.document.id)
    return ids


def _result_draft(session: Session, store: ObjectStore, dossier: Dossier, rng: random.Random,
                  clerk: CurrentUser) -> SigningRequest:
    """A result drafted by the records office and put in the leader's queue."""
    paper = generate_document(rng, RESULTS[dossier.id % len(RESULTS)], f"ket-qua-{dossier.id}")
    document, _ = store_draft(session, store, dossier=dossier, user=clerk,
                              filename=f"ket-qua-ho-so-{dossier.id}.pdf",
                              stream=io.BytesIO(printed_pdf(paper)), max_bytes=None)
    return request_signature(session, clerk, document, "lanhdao", "leader", "B-B")


def _resolution_day(kind: str, dossier: Dossier, today: date) -> date:
    shift = {"resolved_early": -2, "resolved_on_time": 0, "resolved_late": 3}[kind]
    return min(today - timedelta(days=1), dossier.due_date + timedelta(days=shift))


def seed_dossiers(sessions: SessionFactory, store: ObjectStore, pki: DemoPki,
                  setup: SigningSetup, pki_password: str, *, count: int,
                  options: DigitiseOptions, calendar: WorkingCalendar = VIETNAM_CALENDAR,
                  progress: Callable[[int, int], None] | None = None,
                  seed: int = 2026) -> DemoSummary:
    """``count`` dossiers following :data:`PLAN`, their scans OCR'd in this process where
    the plan says digitised (``progress(done, total)`` after each document)."""
    rng = random.Random(seed)  # noqa: S311  (sample data, not secrets)
    today = datetime.now(VIETNAM).date()
    summary = DemoSummary()
    to_digitise: list[int] = []
    leader_key = unlock_pkcs12(pki.p12_path("leader").read_bytes(), pki_password,
                               source="leader.p12")
    for index in range(count):
        kind = PLAN[index % len(PLAN)]
        code, name, days = PROCEDURES[index % len(PROCEDURES)]
        with sessions() as session:
            intake, clerk = _current(session, "tiepnhan"), _current(session, "vanthu")
            unit = session.scalar(select(Unit).where(
                Unit.code == (NEIGHBOUR if index % 7 == 6 and kind in UNSIGNED else OFFICE)))
            assert unit is not None
            received = _received_day(kind, index, today)
            dossier = create_dossier(session, NewDossier(
                procedure_code=code, procedure_name=name, processing_days=days,
                unit_id=unit.id, applicant_name=APPLICANTS[index % len(APPLICANTS)]),
                actor=intake.username, created_by_id=intake.id, calendar=calendar,
                received_at=_vn(received, 8 + index % 8))
            scans = _add_scans(session, store, dossier, rng, intake, 1 + index % 2)
            summary.documents += len(scans)
            if kind == "digitised":
                note_upload(session, dossier, actor=intake.username)
                for document_id in scans:
                    request_job(session, _HeldQueue(), JobKind.ocr, ocr_job_id(document_id, 1),
                                (document_id, 1), document_id=document_id,
                                dossier_id=dossier.id, unit_id=unit.id)
                to_digitise.extend(scans)
            elif kind != "received":
                move_dossier(session, dossier, S.in_progress, actor=clerk.username,
                             at=_vn(received, 16))
            if kind == "awaiting_signature" or kind.startswith("resolved"):
                draft = _result_draft(session, store, dossier, rng, clerk)
                summary.documents += 1
            if kind.startswith("resolved"):
                leader = _current(session, "lanhdao")
                sign_one(session, store, leader, leader_key, draft, setup)
                summary.signed += 1
                resolved = _resolution_day(kind, dossier, today)
                move_dossier(session, dossier, S.result_signed, actor=leader.username,
                             role=leader.role, at=_vn(resolved, 15))
                move_dossier(session, dossier, S.returned, actor=clerk.username,
                             at=_vn(resolved, 16))
        summary.dossiers[kind] = summary.dossiers.get(kind, 0) + 1
    for done, document_id in enumerate(to_digitise, 1):
        job = RunningJob(ocr_job_id(document_id, 1), sessions)
        job.start("sohoa-demo")
        digitise_document(sessions, store, job, document_id, 1, options)
        summary.digitised += 1
        if progress is not None:
            progress(done, len(to_digitise))
    return summary
