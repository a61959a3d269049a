"""The office's figures for a period, per unit, as JSON or CSV."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from api.deps import SessionDep, UserDep
from api.transactions import CommitOnReturn
from ingest.figures import compute_figures
from storage.access import visible_unit
from storage.errors import BadInputError
from storage.records import unit_subtree_ids

router = APIRouter(route_class=CommitOnReturn, prefix="/stats", tags=["figures"])


@router.get("", summary="The office's figures",
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
    root = visible_unit(session, user, unit).id if unit else user.unit_id
    figures = compute_figures(session, unit_subtree_ids(session, root), date_from=date_from,
                              date_to=date_to)
    if format == "csv" or "text/csv" in request.headers.get("accept", ""):
        return Response(figures.to_csv(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="stats.csv"'})
    return JSONResponse(figures.to_json())
