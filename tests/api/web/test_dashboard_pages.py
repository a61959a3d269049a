"""The figures page: the numbers of seeded dossiers per unit and per month, the SVG charts,
the CSV download (the API's CSV, the same figures), and only the user's part of the tree."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.runtime import open_runtime
from ingest.figures import compute_figures
from storage.accounts import create_unit, create_user
from storage.records import (
    Document,
    DocumentStatus,
    Dossier,
    DossierStatus,
    Unit,
    unit_subtree_ids,
)
from tests.api.conftest import PASSWORD, make_settings
from tests.api.web.conftest import Web, web_client

S, D = DossierStatus, DocumentStatus
PERIOD = "from=2025-01-01&to=2025-03-31"


def _at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T02:00+00:00").astimezone(UTC)


def _dossier(session: Session, unit_id: int, received: str, due: str, status: DossierStatus,
             resolved: str | None = None, documents: Sequence[DocumentStatus] = ()) -> None:
    dossier = Dossier(unit_id=unit_id, procedure_code="1.004227", applicant_name="Trần Văn An",
                      processing_days=10, received_at=_at(received),
                      due_date=date.fromisoformat(due), status=status,
                      resolved_at=_at(resolved) if resolved else None)
    session.add(dossier)
    session.flush()
    for state in documents:
        session.add(Document(unit_id=unit_id, dossier_id=dossier.id, filename="ho-so.pdf",
                             media_type="application/pdf", status=state))
    session.flush()


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """A province with two communes (dossiers worked out by hand) and another province."""
    runtime = open_runtime(make_settings("embedded", tmp_path_factory.mktemp("dashboard")))
    with runtime.db.session() as session:
        create_unit(session, "TINH", "Ủy ban nhân dân tỉnh")
        xa_a = create_unit(session, "XA-A", "Ủy ban nhân dân xã An Bình", "TINH").id
        xa_b = create_unit(session, "XA-B", "Ủy ban nhân dân xã Bình Minh", "TINH").id
        other = create_unit(session, "KHAC", "Tỉnh khác").id
        create_user(session, username="tiepnhan", password=PASSWORD, role="intake",
                    unit_code="TINH")
        create_user(session, username="lanhdao", password=PASSWORD, role="leader",
                    unit_code="XA-A")
        # XA-A: early and signed (Jan), on time (Feb), overdue and digitised (Feb)
        _dossier(session, xa_a, "2025-01-06", "2025-01-20", S.returned, "2025-01-15", [D.signed])
        _dossier(session, xa_a, "2025-02-03", "2025-02-17", S.result_signed, "2025-02-17",
                 [D.digitised])
        _dossier(session, xa_a, "2025-02-10", "2025-02-24", S.digitised, None, [D.digitised])
        # XA-B: late (March), overdue with nothing digitised
        _dossier(session, xa_b, "2025-03-03", "2025-03-10", S.returned, "2025-03-20",
                 [D.received])
        _dossier(session, xa_b, "2025-03-05", "2025-03-19", S.received)
        # another province: never counted here
        _dossier(session, other, "2025-02-01", "2025-02-05", S.received)
    try:
        with web_client(runtime) as client:
            yield Web(runtime=runtime, client=client)
    finally:
        runtime.close()


def _figure(page: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', page)
    assert found, name
    return found.group(1)


def _row(page: str, unit: str) -> list[str]:
    found = re.search(rf'<tr data-unit="{re.escape(unit)}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, unit
    return re.findall(r"<td>([^<]*)</td>", found.group(1))


def test_the_dashboard_shows_the_figures_of_the_seeded_dossiers(office: Web) -> None:
    office.client.cookies.clear()
    office.login("tiepnhan")
    page = office.client.get(f"/ui/dashboard?{PERIOD}")
    assert page.status_code == 200
    text = page.text
    assert _figure(text, "received") == "5"
    assert _figure(text, "resolved") == "3"
    assert _figure(text, "overdue_now") == "2"
    assert _figure(text, "share_digitised") == "60%"
    assert _figure(text, "share_signed") == "33%"
    #                    received resolved early on-time late overdue digitised signed
    assert _row(text, "XA-A") == ["3", "2", "1", "1", "0", "1", "100%", "50%"]
    assert _row(text, "XA-B") == ["2", "1", "0", "0", "1", "1", "0%", "0%"]
    assert _row(text, "*") == ["5", "3", "1", "1", "1", "2", "60%", "33%"]
    assert 'data-unit="KHAC"' not in text
    # the charts: server-drawn SVG, one bar per month and series, no inline styles
    assert text.count("<svg") == 2
    assert "<title>01/2025: 1</title>" in text
    assert text.count("<title>02/2025: 2</title>") == 1  # received in February
    assert 'class="dash-bar dash-resolved_late"' in text
    assert "style=" not in text


def test_the_csv_download_has_the_same_figures_as_the_api(office: Web) -> None:
    office.client.cookies.clear()
    office.login("tiepnhan")
    page = office.client.get(f"/ui/dashboard?{PERIOD}")
    href = re.search(r'href="(/ui/dashboard\.csv\?[^"]*)"', page.text)
    assert href
    download = office.client.get(href.group(1).replace("&amp;", "&"))
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    rows = {row["unit_code"]: row for row in csv.DictReader(io.StringIO(download.text))}
    assert set(rows) == {"TINH", "XA-A", "XA-B", "*"}
    assert rows["*"]["received"] == "5"
    assert rows["*"]["resolved_late"] == "1"
    assert rows["XA-A"]["overdue_now"] == "1"
    with office.runtime.db.session() as session:
        top = session.scalar(select(Unit.id).where(Unit.code == "TINH"))
        assert top is not None
        expected = compute_figures(session, unit_subtree_ids(session, top),
                                   date_from=date(2025, 1, 1), date_to=date(2025, 3, 31))
    assert download.text == expected.to_csv()


def test_a_unit_filter_and_the_limits_of_what_a_user_sees(office: Web) -> None:
    office.client.cookies.clear()
    office.login("tiepnhan")
    only_b = office.client.get(f"/ui/dashboard?unit=XA-B&{PERIOD}")
    assert _figure(only_b.text, "received") == "2"
    assert 'data-unit="XA-A"' not in only_b.text
    assert office.client.get(f"/ui/dashboard?unit=KHAC&{PERIOD}").status_code == 404
    assert office.client.get(f"/ui/dashboard.csv?unit=KHAC&{PERIOD}").status_code == 404
    backwards = office.client.get("/ui/dashboard?from=2025-03-01&to=2025-01-01")
    assert backwards.status_code == 422
    office.client.cookies.clear()
    office.login("lanhdao")
    leader = office.client.get(f"/ui/dashboard?{PERIOD}")
    assert leader.status_code == 200
    assert _figure(leader.text, "received") == "3"
    assert 'data-unit="XA-B"' not in leader.text
    assert office.client.get(f"/ui/dashboard?unit=TINH&{PERIOD}").status_code == 404
    office.client.cookies.clear()
    assert office.client.get("/ui/dashboard").status_code == 303  # log in first
