"""Units and users (administrators only, within their own part of the unit tree)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select

from api.accounts import CurrentUser, create_unit, create_user, find_unit
from api.deps import SessionDep, require_roles
from storage.errors import PermissionDeniedError
from storage.records import Role, Unit, User

router = APIRouter(tags=["admin"])
AdminDep = Annotated[CurrentUser, Depends(require_roles(Role.admin))]


class UnitIn(BaseModel):
    """A new unit below one the administrator manages."""

    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=255)
    parent_code: str


class UnitOut(BaseModel):
    """A unit."""

    id: int
    code: str
    name: str
    parent_id: int | None


class UserIn(BaseModel):
    """A new user."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=8, max_length=256)
    role: Role
    unit_code: str
    full_name: str = ""


class UserOut(BaseModel):
    """A user (never the password hash)."""

    id: int
    username: str
    full_name: str
    role: str
    unit_id: int


def _unit_out(unit: Unit) -> UnitOut:
    return UnitOut(id=unit.id, code=unit.code, name=unit.name, parent_id=unit.parent_id)


@router.get("/units", response_model=list[UnitOut], summary="Units visible to the user")
def list_units(user: AdminDep, session: SessionDep) -> list[UnitOut]:
    """The administrator's unit and every unit below it."""
    units = session.scalars(select(Unit).where(Unit.id.in_(user.visible_unit_ids))
                            .order_by(Unit.id))
    return [_unit_out(unit) for unit in units]


@router.post("/units", response_model=UnitOut, status_code=201, summary="Add a unit")
def add_unit(body: UnitIn, user: AdminDep, session: SessionDep) -> UnitOut:
    """Add a unit below one the administrator manages."""
    parent = find_unit(session, body.parent_code)
    if not user.can_see_unit(parent.id):
        raise PermissionDeniedError("you manage no such parent unit", subject=body.parent_code)
    return _unit_out(create_unit(session, body.code, body.name, body.parent_code,
                                 actor=user.username))


@router.post("/users", response_model=UserOut, status_code=201, summary="Add a user")
def add_user(body: UserIn, user: AdminDep, session: SessionDep) -> UserOut:
    """Add a user to a unit the administrator manages."""
    unit = find_unit(session, body.unit_code)
    if not user.can_see_unit(unit.id):
        raise PermissionDeniedError("you manage no such unit", subject=body.unit_code)
    created = create_user(session, username=body.username, password=body.password,
                          role=body.role, unit_code=body.unit_code, full_name=body.full_name,
                          actor=user.username)
    return UserOut(id=created.id, username=created.username, full_name=created.full_name,
                   role=Role(created.role).value, unit_id=created.unit_id)


@router.get("/users", response_model=list[UserOut], summary="Users of visible units")
def list_users(user: AdminDep, session: SessionDep) -> list[UserOut]:
    """Users of the administrator's units."""
    users = session.scalars(select(User).where(User.unit_id.in_(user.visible_unit_ids))
                            .order_by(User.id))
    return [UserOut(id=u.id, username=u.username, full_name=u.full_name,
                    role=Role(u.role).value, unit_id=u.unit_id) for u in users]
