"""The office's figures, as provinces report them: dossiers received, resolved (early, on
time, late), overdue now, the share digitised and the share of results signed digitally,
per unit and in total, and the share of incoming exchange messages acknowledged the same
day."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func as sa_func
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.records import Document, DocumentStatus, Dossier, DossierStatus, Unit
from storage.records.models import ExchangeInboxMessage, ExchangeOutboxMessage

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
CLOSED = (DossierStatus.result_signed, DossierStatus.returned)


@dataclass
class UnitFigures:
    """One unit's figures for a period (``unit_code`` "*" for the total)."""

    unit_code: str
    unit_name: str
    received: int = 0
    resolved: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    overdue_now: int = 0
    digitised: int = 0
    signed_digitally: int = 0
    share_digitised: float = 0.0
    share_signed_digitally: float = 0.0

    def add(self, other: UnitFigures) -> None:
        """Add ``other``'s counts to these (shares are recomputed by :meth:`finish`)."""
        for name in ("received", "resolved", "resolved_early", "resolved_on_time",
                     "resolved_late", "overdue_now", "digitised", "signed_digitally"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def finish(self) -> None:
        """Compute the shares from the counts."""
        self.share_digitised = round(self.digitised / self.received, 4) if self.received else 0.0
        self.share_signed_digitally = (round(self.signed_digitally / self.resolved, 4)
                                       if self.resolved else 0.0)


@dataclass
class Acknowledgement:
    """How many incoming exchange messages a unit received in the period and how many of
    them it acknowledged on their arrival day (``unit_code`` "*" for the total)."""

    unit_code: str
    received: int = 0
    same_day: int = 0

    @property
    def share(self) -> float:
        """``same_day`` / ``received`` (0 when nothing arrived)."""
        return round(self.same_day / self.received, 4) if self.received else 0.0

    def to_json(self) -> dict[str, object]:
        """JSON-ready counts and share."""
        return {"received": self.received, "same_day": self.same_day, "share": self.share}


@dataclass
class Figures:
    """Figures per unit and their total, for ``date_from``..``date_to`` (Vietnam dates)."""

    date_from: date | None
    date_to: date | None
    today: date
    units: list[UnitFigures] = field(default_factory=list)
    total: UnitFigures = field(default_factory=lambda: UnitFigures("*", "Tổng cộng"))
    acknowledgements: dict[str, Acknowledgement] = field(default_factory=dict)
    """Incoming messages acknowledged the same day, per unit code and "*" (kept apart
    from :class:`UnitFigures`, whose fields are the CSV's columns)."""

    def acknowledgement(self, unit_code: str) -> Acknowledgement:
        """The acknowledgement counts of ``unit_code`` ("*" for the total; zeros when
        the unit was not counted)."""
        return self.acknowledgements.get(unit_code) or Acknowledgement(unit_code)

    def to_json(self) -> dict[str, object]:
        """JSON-ready figures."""
        return {"from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None,
                "today": self.today.isoformat(), "units": [asdict(u) for u in self.units],
                "total": asdict(self.total),
                "acknowledged_same_day": {code: row.to_json()
                                          for code, row in self.acknowledgements.items()}}

    def to_csv(self) -> str:
        """One row per unit and a total row, with a header."""
        buffer = io.StringIO()
        names = list(asdict(self.total))
        writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        for row in [*self.units, self.total]:
            writer.writerow({key: csv_cell(value) for key, value in asdict(row).items()})
        return buffer.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text, never runs: text starting with
    ``= + - @``, a tab or a carriage return (a formula, e.g. a unit named
    ``=HYPERLINK(...)``) gets a leading apostrophe (OWASP's CSV injection advice).
    Line breaks inside a cell become spaces (the writer's lines end in ``\n`` and it
    would leave a lone ``\r`` unquoted). Numbers stay numbers."""
    if not isinstance(value, str):
        return value
    text = " ".join(value.splitlines()) if "\r" in value or "\n" in value else value
    return "'" + text if value.startswith(_FORMULA_START) else text


def _local_day(moment: datetime) -> date:
    return moment.astimezone(VIETNAM).date()


def _in_period(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def compute_figures(session: Session, unit_ids: Collection[int], *, date_from: date | None,
                    date_to: date | None, today: date | None = None) -> Figures:
    """The figures of the units in ``unit_ids`` for the period (both ends included)."""
    today = today or datetime.now(VIETNAM).date()
    figures = Figures(date_from=date_from, date_to=date_to, today=today)
    units = session.scalars(select(Unit).where(Unit.id.in_(list(unit_ids)))
                            .order_by(Unit.code)).all()
    by_unit = {unit.id: UnitFigures(unit.code, unit.name) for unit in units}
    dossiers = _dossier_facts(session, list(by_unit))
    documents = _document_states(session, list(by_unit))
    for dossier in dossiers:
        _tally(by_unit[dossier.unit_id], dossier, documents.get(dossier.id, []),
               date_from, date_to, today)
    for row in by_unit.values():
        row.finish()
        figures.total.add(row)
        figures.units.append(row)
    figures.total.finish()
    figures.acknowledgements = acknowledgements(
        session, {unit.id: unit.code for unit in units}, date_from=date_from, date_to=date_to)
    return figures


def acknowledgements(session: Session, unit_codes: dict[int, str], *, date_from: date | None,
                     date_to: date | None) -> dict[str, Acknowledgement]:
    """Per unit code (``unit_codes``: unit id -> code) and in total ("*"): the incoming
    exchange messages that arrived in the period (by their arrival day in Vietnam time)
    and how many were acknowledged the same day.

    An incoming message counts as acknowledged the same day when its first answer (01,
    or 02 for a refusal; both go back with the delivery, at its arrival) and, for an
    accepted one, its 03 "registered" answer went out on its arrival day in Vietnam
    time. The 03 went out when it was queued for the sender: the first status message
    the unit queued to the sender about that DocumentId (03 is queued before 04). An
    accepted message still unregistered is not acknowledged. A refused one is
    acknowledged by its 02."""
    result = {code: Acknowledgement(code) for code in unit_codes.values()}
    total = Acknowledgement("*")
    if not unit_codes:
        return {"*": total}
    registered = (select(sa_func.min(ExchangeOutboxMessage.created_at))
                  .where(ExchangeOutboxMessage.unit_id == ExchangeInboxMessage.unit_id,
                         ExchangeOutboxMessage.kind == "status",
                         ExchangeOutboxMessage.recipient == ExchangeInboxMessage.sender,
                         ExchangeOutboxMessage.message_document_id
                         == ExchangeInboxMessage.message_document_id)
                  .correlate(ExchangeInboxMessage).scalar_subquery())
    rows = session.execute(select(ExchangeInboxMessage.unit_id,
                                  ExchangeInboxMessage.received_at,
                                  ExchangeInboxMessage.accepted,
                                  ExchangeInboxMessage.entry_id, registered)
                           .where(ExchangeInboxMessage.unit_id.in_(list(unit_codes))))
    for unit_id, received_at, accepted, entry_id, registered_at in rows:
        arrived = _local_day(received_at)
        if not _in_period(arrived, date_from, date_to):
            continue
        same_day = (not accepted or (entry_id is not None and registered_at is not None
                                     and _local_day(_utc(registered_at)) == arrived))
        for row in (result[unit_codes[unit_id]], total):
            row.received += 1
            row.same_day += same_day
    result["*"] = total
    return result


def _utc(moment: datetime) -> datetime:
    """``moment`` as an aware time (a subquery's value may come back naive, in UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class _DossierFacts:
    """What the figures need of a dossier (read as plain columns: no ORM objects)."""

    id: int
    unit_id: int
    received_at: datetime
    due_date: date
    resolved_at: datetime | None
    status: str


def _dossier_facts(session: Session, unit_ids: list[int]) -> list[_DossierFacts]:
    rows = session.execute(select(Dossier.id, Dossier.unit_id, Dossier.received_at,
                                  Dossier.due_date, Dossier.resolved_at, Dossier.status)
                           .where(Dossier.unit_id.in_(unit_ids)))
    return [_DossierFacts(*row) for row in rows]


def _tally(row: UnitFigures, dossier: _DossierFacts, states: list[DocumentStatus],
           date_from: date | None, date_to: date | None, today: date) -> None:
    """Count ``dossier`` into ``row``: received and digitised by the day it arrived,
    resolved by the day it was resolved, overdue by ``today``."""
    if _in_period(_local_day(dossier.received_at), date_from, date_to):
        row.received += 1
        row.digitised += bool(states) and all(
            s in (DocumentStatus.digitised, DocumentStatus.signed) for s in states)
    resolved = dossier.resolved_at
    if resolved is not None and _in_period(_local_day(resolved), date_from, date_to):
        day = _local_day(resolved)
        row.resolved += 1
        row.resolved_early += day < dossier.due_date
        row.resolved_on_time += day == dossier.due_date
        row.resolved_late += day > dossier.due_date
        row.signed_digitally += DocumentStatus.signed in states
    if resolved is None and dossier.status not in CLOSED and dossier.due_date < today:
        row.overdue_now += 1


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def monthly_figures(session: Session, unit_ids: Collection[int], *, date_from: date,
                    date_to: date, today: date | None = None) -> list[UnitFigures]:
    """The figures of all units in ``unit_ids`` together, one row per calendar month of
    ``date_from``..``date_to`` (``unit_code`` the month, ``YYYY-MM``); a dossier counts in
    the month it arrived (received, digitised) and the month it was resolved (resolved,
    early, on time, late, signed); ``overdue_now`` counts the dossiers received that
    month that are overdue today."""
    today = today or datetime.now(VIETNAM).date()
    months: dict[date, UnitFigures] = {}
    month = _month_start(date_from)
    while month <= date_to:
        months[month] = UnitFigures(month.strftime("%Y-%m"), month.strftime("%m/%Y"))
        month = _next_month(month)
    dossiers = _dossier_facts(session, list(unit_ids))
    documents = _document_states(session, list(unit_ids))
    for dossier in dossiers:
        states = documents.get(dossier.id, [])
        arrived = months.get(_month_start(_local_day(dossier.received_at)))
        if arrived is not None:
            probe = UnitFigures("", "")
            _tally(probe, dossier, states, date_from, date_to, today)
            arrived.received += probe.received
            arrived.digitised += probe.digitised
            arrived.overdue_now += probe.overdue_now
        if dossier.resolved_at is not None:
            done = months.get(_month_start(_local_day(dossier.resolved_at)))
            if done is not None:
                probe = UnitFigures("", "")
                _tally(probe, dossier, states, date_from, date_to, today)
                probe.received = probe.digitised = probe.overdue_now = 0
                done.add(probe)
    for row in months.values():
        row.finish()
    return list(months.values())


def _document_states(session: Session, unit_ids: list[int]) -> dict[int, list[DocumentStatus]]:
    """The statuses of the documents of each dossier of ``unit_ids`` (one joined query,
    not an IN list of every dossier id)."""
    states: dict[int, list[DocumentStatus]] = {}
    if not unit_ids:
        return states
    rows = session.execute(select(Document.dossier_id, Document.status)
                           .join(Dossier, Dossier.id == Document.dossier_id)
                           .where(Dossier.unit_id.in_(unit_ids)))
    for dossier_id, status in rows:
        if dossier_id is not None:
            states.setdefault(int(dossier_id), []).append(status)
    return states
