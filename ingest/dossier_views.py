"""Reading dossiers for people: a filtered, sorted page of a unit subtree's dossiers (paged
in the database), full-text hits grouped with their dossiers, a dossier's status history
from the audit log, and the status moves a role may make.

    page = list_dossiers(session, DossierQuery(unit_ids=user.visible_unit_ids, overdue=True))
    page.total, [row.dossier.id for row in page.rows]
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ingest.lifecycle import ALLOWED, SIGNS_RESULTS
from storage.records import AuditEntry, Document, Dossier, DossierStatus, Unit, UserRole
from storage.search import SearchFilters, search

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_PAGE_SIZE = 200
RESOLVED = frozenset({DossierStatus.result_signed, DossierStatus.returned})
"""Statuses of a dossier whose result is out: it can no longer become overdue."""


class SortKey(enum.StrEnum):
    """The columns a dossier list sorts by."""

    code = "code"
    received = "received"
    due = "due"
    status = "status"


_SORT_COLUMNS: dict[SortKey, sa.ColumnElement[Any]] = {
    SortKey.code: Dossier.id,  # type: ignore[dict-item]
    SortKey.received: Dossier.received_at,  # type: ignore[dict-item]
    SortKey.due: Dossier.due_date,  # type: ignore[dict-item]
    SortKey.status: Dossier.status,  # type: ignore[dict-item]
}


def today_in_vietnam(now: datetime | None = None) -> date:
    """Today's date in Vietnam (where due dates are counted)."""
    return (now or datetime.now(VIETNAM)).astimezone(VIETNAM).date()


def is_overdue(dossier: Dossier, today: date) -> bool:
    """Whether ``dossier`` is past its due date with its result not out yet."""
    return dossier.status not in RESOLVED and dossier.due_date < today


@dataclass(frozen=True)
class DossierQuery:
    """Which dossiers, in which order, which page. ``unit_ids`` are the units searched
    (already narrowed to what the user may see); ``due_within`` keeps open dossiers due
    from today to that many days ahead; ``procedure`` matches the start of the procedure
    code."""

    unit_ids: Collection[int]
    status: DossierStatus | None = None
    due_within: int | None = None
    overdue: bool = False
    procedure: str = ""
    sort: SortKey = SortKey.received
    descending: bool = True
    limit: int = 25
    offset: int = 0
    today: date = field(default_factory=today_in_vietnam)


@dataclass(frozen=True)
class DossierRow:
    """One dossier of a list and whether it is overdue."""

    dossier: Dossier
    overdue: bool


@dataclass(frozen=True)
class DossierPage:
    """One page of a dossier list and how many dossiers the whole list holds."""

    rows: list[DossierRow]
    total: int
    limit: int
    offset: int

    @property
    def has_previous(self) -> bool:
        """Whether a page comes before this one."""
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        """Whether a page comes after this one."""
        return self.offset + self.limit < self.total


def _conditions(query: DossierQuery) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = [Dossier.unit_id.in_(list(query.unit_ids))]
    if query.status is not None:
        where.append(Dossier.status == query.status)
    open_ = Dossier.status.not_in(list(RESOLVED))
    if query.overdue:
        where += [open_, Dossier.due_date < query.today]
    if query.due_within is not None:
        where += [open_, Dossier.due_date >= query.today,
                  Dossier.due_date <= query.today + timedelta(days=query.due_within)]
    if query.procedure.strip():
        where.append(Dossier.procedure_code.startswith(query.procedure.strip(),
                                                       autoescape=True))
    return where


def list_dossiers(session: Session, query: DossierQuery) -> DossierPage:
    """The page of dossiers ``query`` asks for (sorted, limited and offset by the
    database, ties broken by id) and the count of all that match."""
    if not 1 <= query.limit <= MAX_PAGE_SIZE or query.offset < 0:
        raise ValueError(f"limit must be 1 to {MAX_PAGE_SIZE}, offset >= 0")
    where = _conditions(query)
    total = session.scalar(sa.select(sa.func.count(Dossier.id)).where(*where)) or 0
    column = _SORT_COLUMNS[query.sort]
    order = [column.desc(), Dossier.id.desc()] if query.descending else [column.asc(),
                                                                         Dossier.id.asc()]
    rows = session.scalars(sa.select(Dossier).where(*where).order_by(*order)
                           .limit(query.limit).offset(query.offset)).all()
    return DossierPage(rows=[DossierRow(row, is_overdue(row, query.today)) for row in rows],
                       total=int(total), limit=query.limit, offset=query.offset)


@dataclass(frozen=True)
class DossierHit:
    """A document found by full-text search, with its dossier (None for a document
    outside any dossier); ``snippet`` is escaped HTML with the matches in ``<mark>``."""

    document_id: int
    filename: str
    snippet: str
    dossier: Dossier | None
    overdue: bool


def search_dossiers(session: Session, text: str, unit_ids: Collection[int], *,
                    limit: int = 25, offset: int = 0,
                    today: date | None = None) -> list[DossierHit]:
    """Documents of ``unit_ids`` holding every word of ``text`` (diacritics folded: "nguyen"
    finds "Nguyễn"), best first, each with its dossier; :class:`SearchQueryError` for a
    query without words."""
    hits = search(session, text, SearchFilters(unit_ids=list(unit_ids)), limit=limit,
                  offset=offset)
    ids = {hit.dossier_id for hit in hits if hit.dossier_id is not None}
    dossiers = {row.id: row for row in session.scalars(
        sa.select(Dossier).where(Dossier.id.in_(ids)))} if ids else {}
    day = today or today_in_vietnam()
    found = []
    for hit in hits:
        dossier = dossiers.get(hit.dossier_id) if hit.dossier_id is not None else None
        found.append(DossierHit(hit.document_id, hit.filename, hit.snippet, dossier,
                                dossier is not None and is_overdue(dossier, day)))
    return found


def visible_units(session: Session, unit_ids: Collection[int]) -> list[Unit]:
    """The units of ``unit_ids``, by code."""
    return list(session.scalars(sa.select(Unit).where(Unit.id.in_(list(unit_ids)))
                                .order_by(Unit.code)))


def dossier_documents(session: Session, dossier_id: int) -> list[Document]:
    """The documents of a dossier, in the order they arrived."""
    return list(session.scalars(sa.select(Document).where(Document.dossier_id == dossier_id)
                                .order_by(Document.id)))


@dataclass(frozen=True)
class HistoryEntry:
    """One audited event of a dossier: what, who, when (Vietnam time) and its details."""

    action: str
    actor: str
    at: datetime
    details: dict[str, Any]


def dossier_history(session: Session, dossier_id: int) -> list[HistoryEntry]:
    """The audit log's entries about the dossier, oldest first."""
    entries = session.scalars(sa.select(AuditEntry).where(
        AuditEntry.subject_type == "dossier", AuditEntry.subject_id == str(dossier_id))
        .order_by(AuditEntry.id))
    return [HistoryEntry(entry.action, entry.actor, entry.at.astimezone(VIETNAM),
                         dict(entry.details or {})) for entry in entries]


def allowed_moves(status: DossierStatus, role: UserRole) -> list[DossierStatus]:
    """The statuses a dossier in ``status`` may move to by someone of ``role`` (the
    lifecycle's rules: only leaders, clerks and admins record a result as signed)."""
    moves = ALLOWED[status]
    return [to for to in DossierStatus if to in moves
            and (to != DossierStatus.result_signed or role in SIGNS_RESULTS)]
