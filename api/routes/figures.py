"""The office's figures for a period, per unit, as JSON or CSV."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from api.deps import SessionDep, UserDep
from ingest.figures import compute_figures
from storage.errors import BadInputError, NotFoundError
from storage.records import Unit
from storage.records.units import unit_subtree_ids

router = APIRouter(tags=["figures"])


@router.get("/stats", summary="The office's figures",
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
def stats(request: Request, user: UserDep, session: SessionDep,
          unit: Annotated[str | None, Query(description="unit code; default: yours")] = None,
          date_from: Annotated[date | None, Query(alias="from")] = None,
          date_to: Annotated[date | None, Query(alias="to")] = None,
          format: Annotated[str, Query(pattern="^(json|csv)$")] = "json") -> Response:
    """Dossiers received, resolved (early, on time, late), overdue now, share digitised and
    share of results signed digitally, per unit of the subtree, with a total row. Dates are
    Vietnam dates, both ends included. ``format=csv`` (or ``Accept: text/csv``) for CSV."""
    if date_from and date_to and date_from > date_to:
        raise BadInputError("'from' is after 'to'", subject="from")
    root = user.unit_id
    if unit:
        found = session.scalar(select(Unit).where(Unit.code == unit))
        if found is None or not user.can_see_unit(found.id):
            raise NotFoundError("no such unit", subject=unit)
        root = found.id
    unit_ids = unit_subtree_ids(session, root)
    figures = compute_figures(session, unit_ids, date_from=date_from, date_to=date_to)
    if format == "csv" or "text/csv" in request.headers.get("accept", ""):
        return Response(figures.to_csv(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="stats.csv"'})
    return JSONResponse(figures.to_json())
