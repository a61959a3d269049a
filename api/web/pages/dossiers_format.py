"""What the dossier pages share: the roles that see dossiers, dates in Vietnam time and the
values every dossier template uses (no router: not a page by itself)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ingest.dossier_views import RESOLVED
from ingest.receipts import dossier_code
from storage.records import DossierStatus, UserRole

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DOSSIER_ROLES = (UserRole.intake, UserRole.leader, UserRole.clerk)
"""Who works with dossiers (admins always may)."""

STATUS_BADGES = {
    DossierStatus.received: "",
    DossierStatus.digitising: "warn",
    DossierStatus.digitised: "",
    DossierStatus.in_progress: "warn",
    DossierStatus.result_signed: "ok",
    DossierStatus.returned: "ok",
}


def day(value: date | None) -> str:
    """``value`` as DD/MM/YYYY ("" for None)."""
    return "" if value is None else f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def moment(value: datetime | None) -> str:
    """``value`` in Vietnam time as DD/MM/YYYY HH:MM ("" for None)."""
    if value is None:
        return ""
    local = value.astimezone(VIETNAM)
    return f"{day(local.date())} {local.hour:02d}:{local.minute:02d}"


def badge(status: DossierStatus) -> str:
    """The badge class of a dossier status."""
    return STATUS_BADGES.get(status, "")


def template_helpers() -> dict[str, Any]:
    """Functions the dossier templates call."""
    return {"day": day, "moment": moment, "badge": badge, "code": dossier_code,
            "resolved": RESOLVED, "statuses": list(DossierStatus)}
