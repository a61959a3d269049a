"""What the service keeps on disk is its owner's alone, and counts are numbers, not booleans
(issue 13's smaller findings)."""

from __future__ import annotations

from pathlib import Path

from api.runtime import open_records
from api.settings import Settings
from tests.api.conftest import Service
from tests.support.names import unique_name


def test_data_dir_and_secret_key_are_the_owners_alone(tmp_path: Path) -> None:
    data = tmp_path / "sohoa-data"
    settings = Settings(_env_file=None, data_dir=data)  # type: ignore[call-arg]
    open_records(settings).dispose()
    assert data.stat().st_mode & 0o777 == 0o700
    settings.url_secret()
    assert (data / "secret.key").stat().st_mode & 0o777 == 0o600
    assert (data / "sohoa.db").stat().st_mode & 0o777 == 0o600


def test_loose_permissions_of_an_older_installation_are_tightened(tmp_path: Path) -> None:
    data = tmp_path / "old"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "secret.key").write_text("ab" * 32)
    (data / "secret.key").chmod(0o644)
    settings = Settings(_env_file=None, data_dir=data)  # type: ignore[call-arg]
    assert settings.url_secret() == b"ab" * 32
    open_records(settings).dispose()
    assert data.stat().st_mode & 0o777 == 0o700
    assert (data / "secret.key").stat().st_mode & 0o777 == 0o600


def test_processing_days_must_be_a_number(service: Service) -> None:
    unit = unique_name("DAYS")
    service.add_unit(unit)
    service.add_user(f"intake-{unit}", "intake", unit)
    for days in (True, "5", 2.5):
        answer = service.client.post("/dossiers", headers=service.auth(f"intake-{unit}"), json={
            "procedure_code": "1.0", "applicant_name": "Lê Thị Hoa", "processing_days": days})
        assert answer.status_code == 422, (days, answer.text)
        assert "processing_days" in answer.json()["detail"]
