"""Units (administrators only, within their own part of the unit tree)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AdminDep, SessionDep
from api.schemas import UnitIn, UnitOut
from api.transactions import CommitOnReturn
from storage.accounts import add_unit_below, managed_units

router = APIRouter(route_class=CommitOnReturn, prefix="/units", tags=["admin"])


@router.get("", response_model=list[UnitOut], summary="Units visible to the user")
def list_units(user: AdminDep, session: SessionDep) -> list[UnitOut]:
    """The administrator's unit and every unit below it."""
    return [UnitOut.of(unit) for unit in managed_units(session, user)]


@router.post("", response_model=UnitOut, status_code=201, summary="Add a unit")
def add_unit(body: UnitIn, user: AdminDep, session: SessionDep) -> UnitOut:
    """Add a unit below one the administrator manages."""
    return UnitOut.of(add_unit_below(session, user, code=body.code, name=body.name,
                                     parent_code=body.parent_code))
