"""``sohoa demo``: a unit tree, one user per role, the demo PKI found by the settings, the
leader's and clerk's keys held, dossiers in several states with scans (some OCR'd, some
awaiting the leader's signature, some resolved with a real signature, some overdue); the
URL and the four logins printed; a second run on the same data refused with one line."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from api.runtime import open_records
from api.settings import Settings
from storage.records import (
    Document,
    DocumentFile,
    DocumentStatus,
    Dossier,
    DossierStatus,
    FileRole,
    SigningCredential,
    SigningRequest,
    SigningRequestStatus,
    Unit,
    User,
)
from tests.support.cli import run

LOGINS = {"tiepnhan": "intake", "lanhdao": "leader", "vanthu": "clerk", "quantri": "admin"}


def _env(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SOHOA_")}
    return {**env, "SOHOA_DATA_DIR": str(data_dir)}


def _check_office(data_dir: Path, dossiers: int) -> None:
    settings = Settings(data_dir=data_dir, _env_file=None)
    assert settings.pki_dir == data_dir / "pki"  # `sohoa serve` finds the demo PKI
    assert settings.demo_pki() is not None
    db = open_records(settings)
    try:
        with db.session() as session:
            units = {unit.code: unit for unit in session.scalars(select(Unit))}
            assert units["UBND-XA"].parent is not None
            assert units["UBND-XA"].parent.code == "SO-NV"
            assert units["SO-NV"].parent is not None
            assert units["SO-NV"].parent.code == "UBND-TINH"
            users = {user.username: user for user in session.scalars(select(User))}
            assert {name: str(users[name].role) for name in LOGINS} == LOGINS
            for holder in ("lanhdao", "vanthu"):
                assert session.scalar(select(SigningCredential).where(
                    SigningCredential.user_id == users[holder].id,
                    SigningCredential.active)) is not None, holder
            rows = session.scalars(select(Dossier)).all()
            assert len(rows) == dossiers
            statuses = {row.status for row in rows}
            assert {DossierStatus.received, DossierStatus.digitised,
                    DossierStatus.in_progress, DossierStatus.returned} <= statuses
            today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
            assert any(row.due_date < today and row.resolved_at is None for row in rows)
            digitised = session.scalars(select(Document).where(
                Document.status == DocumentStatus.digitised)).all()
            assert digitised
            assert all(document.page_count for document in digitised)
            assert session.scalar(select(DocumentFile.id).where(
                DocumentFile.role == FileRole.searchable_pdf)) is not None
            assert session.scalar(select(DocumentFile.id).where(
                DocumentFile.role == FileRole.signed)) is not None
            pending = session.scalars(select(SigningRequest).where(
                SigningRequest.status == SigningRequestStatus.pending)).all()
            assert pending
            assert {request.signer_id for request in pending} == {users["lanhdao"].id}
    finally:
        db.dispose()


def _run_demo(tmp_path: Path, dossiers: int, timeout: float) -> Path:
    data_dir = tmp_path / "demo-data"
    done = run(["demo", "--dossiers", str(dossiers)], _env(data_dir), timeout=timeout)
    assert done.returncode == 0, done.stderr
    assert "http://127.0.0.1:8000/" in done.stdout
    assert "sohoa-demo" in done.stdout
    for username, role in LOGINS.items():
        assert f"{username:<9} {role}" in done.stdout
    _check_office(data_dir, dossiers)
    return data_dir


def test_a_small_demo_office_and_a_second_run_refused(tmp_path: Path) -> None:
    data_dir = _run_demo(tmp_path, 6, timeout=300)
    again = run(["demo"], _env(data_dir))
    assert again.returncode == 2
    assert len(again.stderr.strip().splitlines()) == 1
    assert "already has users" in again.stderr


@pytest.mark.slow  # the whole demo office: about 1 min (the small demo runs in CI)
def test_the_full_demo_office(tmp_path: Path) -> None:
    """The default size (14 dossiers, about 20 s): the 14th is the first whose plan needs
    a signature in the neighbouring commune's cycle slot (it failed before)."""
    _run_demo(tmp_path, 14, timeout=900)


def test_a_bad_dossier_count_is_one_line(tmp_path: Path) -> None:
    done = run(["demo", "--dossiers", "0"], _env(tmp_path / "none"))
    assert done.returncode == 2
    assert "--dossiers" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
