"""The office's figures for every role: per unit and per month, drawn as SVG charts on the
server beside a table, with filters for the period and the unit and a CSV download (the
JSON API's CSV). Only the user's unit and the units below it are counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from api.deps import RuntimeDep
from api.transactions import CommitOnReturn
from api.web.session import PageUserDep
from api.web.templates import render
from ingest.figures import VIETNAM, Figures, UnitFigures, compute_figures, monthly_figures
from storage.access import visible_unit
from storage.accounts import visible_unit_tree
from storage.errors import BadInputError
from storage.records import unit_subtree_ids

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
MAX_MONTHS = 36
CHART_WIDTH = 640
MONTH_CHART_HEIGHT = 240
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT = 24, 40, 40
UNIT_ROW = 28
UNIT_LABEL = 150
OUTCOMES = ("resolved_early", "resolved_on_time", "resolved_late", "overdue_now")


@dataclass(frozen=True)
class Bar:
    """One rectangle of a chart, with its value and the css class of its series."""

    x: float
    y: float
    width: float
    height: float
    value: int
    series: str


@dataclass(frozen=True)
class MonthGroup:
    """The bars of one month and where its label goes."""

    label: str
    label_x: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class UnitRow:
    """One unit's stacked bar of outcomes."""

    code: str
    label_y: float
    bars: tuple[Bar, ...]


def _nice_max(value: int) -> int:
    """A round axis maximum at or above ``value``."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000):
        if value <= step * 4:
            return step * 4
    return value


def month_chart(months: list[UnitFigures]) -> tuple[list[MonthGroup], list[tuple[float, int]]]:
    """Grouped bars (received, resolved) per month, and the y-axis ticks (y, value)."""
    top = _nice_max(max([1, *(max(m.received, m.resolved) for m in months)]))
    plot_height = MONTH_CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    slot = (CHART_WIDTH - PLOT_LEFT - 10) / max(1, len(months))
    bar_width = min(22.0, slot * 0.36)
    base = MONTH_CHART_HEIGHT - PLOT_BOTTOM
    groups = []
    for index, month in enumerate(months):
        left = PLOT_LEFT + index * slot + (slot - 2 * bar_width) / 2
        bars = []
        for offset, (series, value) in enumerate((("received", month.received),
                                                  ("resolved", month.resolved))):
            height = plot_height * value / top
            bars.append(Bar(round(left + offset * bar_width, 1), round(base - height, 1),
                            round(bar_width - 2, 1), round(height, 1), value, series))
        groups.append(MonthGroup(month.unit_name, round(PLOT_LEFT + (index + 0.5) * slot, 1),
                                 tuple(bars)))
    ticks = [(round(base - plot_height * part / 4, 1), top * part // 4) for part in range(5)]
    return groups, ticks


def unit_chart(units: list[UnitFigures]) -> tuple[list[UnitRow], int]:
    """One stacked bar per unit (early, on time, late, overdue now), and the chart height."""
    top = max([1, *(sum(getattr(unit, name) for name in OUTCOMES) for unit in units)])
    width = CHART_WIDTH - UNIT_LABEL - 20
    rows = []
    for index, unit in enumerate(units):
        y = 10 + index * UNIT_ROW
        x = float(UNIT_LABEL)
        bars = []
        for name in OUTCOMES:
            value = int(getattr(unit, name))
            length = width * value / top
            if value:
                bars.append(Bar(round(x, 1), y, round(length, 1), UNIT_ROW - 8, value, name))
            x += length
        rows.append(UnitRow(unit.unit_code, y + (UNIT_ROW - 8) / 2 + 4, tuple(bars)))
    return rows, 20 + len(units) * UNIT_ROW


def _period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """The filter's period: by default the last twelve months up to today."""
    today = datetime.now(VIETNAM).date()
    end = date_to or today
    start = date_from or date(end.year - (1 if end.month < 12 else 0), end.month % 12 + 1, 1)
    if start > end:
        raise BadInputError("'from' is after 'to'", subject="from")
    if (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
        raise BadInputError(f"a period of at most {MAX_MONTHS} months", subject="from")
    return start, end


def _figures(runtime: RuntimeDep, user: PageUserDep, unit: str | None, start: date,
             end: date) -> tuple[Figures, list[UnitFigures], list[tuple[str, str, int]]]:
    with runtime.db.session() as session:
        root = visible_unit(session, user.user, unit).id if unit else user.user.unit_id
        unit_ids = unit_subtree_ids(session, root)
        figures = compute_figures(session, unit_ids, date_from=start, date_to=end)
        months = monthly_figures(session, unit_ids, date_from=start, date_to=end)
        choices = [(row.code, row.name, depth)
                   for row, depth, _ in visible_unit_tree(session, user.user)]
    return figures, months, choices


@router.get("/ui/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, runtime: RuntimeDep, user: PageUserDep,
              unit: Annotated[str | None, Query(max_length=32)] = None,
              date_from: Annotated[date | None, Query(alias="from")] = None,
              date_to: Annotated[date | None, Query(alias="to")] = None) -> Response:
    """Figures per unit and per month for the period, charts, table and CSV link."""
    start, end = _period(date_from, date_to)
    figures, months, choices = _figures(runtime, user, unit or None, start, end)
    groups, ticks = month_chart(months)
    rows, unit_height = unit_chart(figures.units)
    query = urlencode({"unit": unit or "", "from": start.isoformat(), "to": end.isoformat()})
    return render(request, "dashboard/index.html", user=user,
                  secret=runtime.settings.url_secret(), figures=figures, months=months,
                  groups=groups, ticks=ticks, rows=rows, unit_height=unit_height,
                  chart_width=CHART_WIDTH, month_height=MONTH_CHART_HEIGHT,
                  plot_left=PLOT_LEFT, base=MONTH_CHART_HEIGHT - PLOT_BOTTOM,
                  unit_label=UNIT_LABEL, choices=choices, unit=unit or "",
                  date_from=start.isoformat(), date_to=end.isoformat(),
                  csv_href=f"/ui/dashboard.csv?{query}")


@router.get("/ui/dashboard.csv")
def dashboard_csv(runtime: RuntimeDep, user: PageUserDep,
                  unit: Annotated[str | None, Query(max_length=32)] = None,
                  date_from: Annotated[date | None, Query(alias="from")] = None,
                  date_to: Annotated[date | None, Query(alias="to")] = None) -> Response:
    """The figures of the page as CSV (the JSON API's format; formula-safe cells)."""
    start, end = _period(date_from, date_to)
    figures, _, _ = _figures(runtime, user, unit or None, start, end)
    name = f"sohoa-figures-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(figures.to_csv(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})
