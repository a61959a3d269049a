"""Incoming exchange messages acknowledged the same day (issue 15): an accepted message
whose 01 and 03 went out on its arrival day (Vietnam time), one registered after
midnight there (next day), a refused one (its 02 goes back with the delivery: same day)
and one still unregistered (not acknowledged); in the figures, their JSON, ``sohoa stats``
and on the dashboard."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.runtime import open_records, open_runtime
from ingest.figures import compute_figures
from storage.accounts import create_unit, create_user
from storage.records import Unit
from storage.records.models import (
    ExchangeInboxMessage,
    ExchangeOutboxMessage,
    RegisterEntry,
)
from storage.records.vocabulary import EntrySource, RegisterKind
from tests.api.conftest import PASSWORD, make_settings
from tests.api.web.conftest import Web, web_client
from tests.support.cli import run

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
_NUMBERS = itertools.count(1)


def _utc(moment: str) -> datetime:
    return datetime.fromisoformat(f"{moment}+00:00").astimezone(UTC)


def _message(session: Session, unit_id: int, name: str, arrived: str, *, accepted: bool,
             registered: str | None = None) -> None:
    """An incoming message from party ``P`` and, when ``registered``, its register entry
    and the 03 and 04 queued back to the sender at that time."""
    entry_id = None
    if registered is not None:
        entry = RegisterEntry(unit_id=unit_id, kind=RegisterKind.incoming, year=2026,
                              number=next(_NUMBERS), registered_on=date(2026, 3, 2),
                              source=EntrySource.exchange)
        session.add(entry)
        session.flush()
        entry_id = entry.id
        for _ in ("03", "04"):
            session.add(ExchangeOutboxMessage(
                unit_id=unit_id, kind="status", message_document_id=name, recipient="P",
                object_key=f"k/{name}", state="sent", attempts=1, last_error="",
                created_at=_utc(registered)))
    session.add(ExchangeInboxMessage(
        unit_id=unit_id, sender="P", message_document_id=name, object_key=f"in/{name}",
        accepted=accepted, entry_id=entry_id, status_code="03" if registered else
        ("01" if accepted else "02"), received_at=_utc(arrived)))
    session.flush()


def seed(session: Session, unit_id: int, other_id: int) -> None:
    """Four messages for ``unit_id`` in March, one for ``other_id`` (same day)."""
    # arrived 09:00 in Vietnam, registered 15:00 the same day
    _message(session, unit_id, "same-day", "2026-03-02T02:00", accepted=True,
             registered="2026-03-02T08:00")
    # arrived 22:00 in Vietnam, registered 00:30 the next day there
    _message(session, unit_id, "next-day", "2026-03-02T15:00", accepted=True,
             registered="2026-03-02T17:30")
    _message(session, unit_id, "refused", "2026-03-03T03:00", accepted=False)
    _message(session, unit_id, "waiting", "2026-03-04T03:00", accepted=True)
    # out of the period
    _message(session, unit_id, "february", "2026-02-27T03:00", accepted=False)
    _message(session, other_id, "elsewhere", "2026-03-05T03:00", accepted=True,
             registered="2026-03-05T04:00")


def test_counts_and_share_per_unit_and_in_total(tmp_path: Path) -> None:
    db = open_records(make_settings("embedded", tmp_path))
    try:
        with db.session() as session:
            xa = create_unit(session, "XA", "Ủy ban nhân dân xã An Bình").id
            khac = create_unit(session, "KHAC", "Xã khác").id
            seed(session, xa, khac)
            figures = compute_figures(session, {xa, khac}, date_from=MARCH[0],
                                      date_to=MARCH[1], today=date(2026, 4, 1))
            only_xa = compute_figures(session, {xa}, date_from=MARCH[0], date_to=MARCH[1])
    finally:
        db.dispose()
    xa_row = figures.acknowledgement("XA")
    assert (xa_row.received, xa_row.same_day, xa_row.share) == (4, 2, 0.5)
    khac_row = figures.acknowledgement("KHAC")
    assert (khac_row.received, khac_row.same_day, khac_row.share) == (1, 1, 1.0)
    total = figures.acknowledgement("*")
    assert (total.received, total.same_day, total.share) == (5, 3, 0.6)
    body = figures.to_json()["acknowledged_same_day"]
    assert body == {"XA": {"received": 4, "same_day": 2, "share": 0.5},
                    "KHAC": {"received": 1, "same_day": 1, "share": 1.0},
                    "*": {"received": 5, "same_day": 3, "share": 0.6}}
    assert set(only_xa.acknowledgements) == {"XA", "*"}
    assert only_xa.acknowledgement("*").received == 4
    # the CSV keeps its columns
    assert "same_day" not in figures.to_csv()


def test_stats_json_and_table_show_it(env: dict[str, str]) -> None:
    assert run(["unit", "add", "XA", "Xã An Bình"], env).returncode == 0
    assert run(["unit", "add", "KHAC", "Xã khác"], env).returncode == 0
    db = open_records(make_settings("embedded", Path(env["SOHOA_DATA_DIR"])))
    try:
        with db.session() as session:
            ids = {unit.code: unit.id for unit in session.scalars(select(Unit))}
            seed(session, ids["XA"], ids["KHAC"])
    finally:
        db.dispose()
    done = run(["stats", "--from", "2026-03-01", "--to", "2026-03-31", "--json"], env)
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)["acknowledged_same_day"]
    assert body["XA"] == {"received": 4, "same_day": 2, "share": 0.5}
    assert body["*"] == {"received": 5, "same_day": 3, "share": 0.6}
    table = run(["stats", "--from", "2026-03-01", "--to", "2026-03-31"], env)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert "ack same day" in lines[0]
    assert lines[-1].split()[0] == "*"
    assert lines[-1].endswith("3/5 (60%)")
    assert next(line for line in lines if line.split()[0] == "XA").endswith("2/4 (50%)")


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Web]:
    runtime = open_runtime(make_settings("embedded", tmp_path))
    with runtime.db.session() as session:
        xa = create_unit(session, "XA", "Ủy ban nhân dân xã An Bình").id
        khac = create_unit(session, "KHAC", "Xã khác").id
        create_user(session, username="lanhdao", password=PASSWORD, role="leader",
                    unit_code="XA")
        seed(session, xa, khac)
    try:
        with web_client(runtime) as client:
            yield Web(runtime=runtime, client=client)
    finally:
        runtime.close()


def test_the_dashboard_shows_the_share_acknowledged_the_same_day(office: Web) -> None:
    office.login("lanhdao")
    page = office.client.get("/ui/dashboard?from=2026-03-01&to=2026-03-31")
    assert page.status_code == 200, page.text
    text = page.text
    tile = re.search(r'data-figure="acknowledged_same_day">([^<]*)</span>([^<]*)<small>'
                     r"\(([^)]*)\)", text)
    assert tile, text
    assert tile.group(1) == "50%"
    assert "Văn bản đến được phản hồi trong ngày" in tile.group(2)
    assert tile.group(3) == "2/4"  # only the user's unit: KHAC is not counted
    row = re.search(r'<tr data-unit="XA".*?data-figure="acknowledged_same_day">([^<]*)'
                    r"<small>\(([^)]*)\)", text, re.S)
    assert row
    assert (row.group(1).strip(), row.group(2)) == ("50%", "2/4")
    assert "<th scope=\"col\">Văn bản đến được phản hồi trong ngày</th>" in text
