"""Units (administrators only, within their own part of the unit tree)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from api.deps import AdminDep, SessionDep
from api.schemas import UnitIn, UnitOut
from storage.accounts import create_unit, find_unit
from storage.errors import PermissionDeniedError
from storage.records import Unit

router = APIRouter(prefix="/units", tags=["admin"])


@router.get("", response_model=list[UnitOut], summary="Units visible to the user")
def list_units(user: AdminDep, session: SessionDep) -> list[UnitOut]:
    """The administrator's unit and every unit below it."""
    units = session.scalars(select(Unit).where(Unit.id.in_(user.visible_unit_ids))
                            .order_by(Unit.id))
    return [UnitOut.of(unit) for unit in units]


@router.post("", response_model=UnitOut, status_code=201, summary="Add a unit")
def add_unit(body: UnitIn, user: AdminDep, session: SessionDep) -> UnitOut:
    """Add a unit below one the administrator manages."""
    parent = find_unit(session, body.parent_code)
    if not user.can_see_unit(parent.id):
        raise PermissionDeniedError("you manage no such parent unit", subject=body.parent_code)
    return UnitOut.of(create_unit(session, body.code, body.name, body.parent_code,
                                  actor=user.username))
