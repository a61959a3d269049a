"""Users (administrators only, within their own part of the unit tree)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from api.deps import AdminDep, SessionDep
from api.schemas import UserIn, UserOut
from storage.accounts import create_user, find_unit
from storage.errors import PermissionDeniedError
from storage.records import User

router = APIRouter(prefix="/users", tags=["admin"])


@router.post("", response_model=UserOut, status_code=201, summary="Add a user")
def add_user(body: UserIn, user: AdminDep, session: SessionDep) -> UserOut:
    """Add a user to a unit the administrator manages."""
    unit = find_unit(session, body.unit_code)
    if not user.can_see_unit(unit.id):
        raise PermissionDeniedError("you manage no such unit", subject=body.unit_code)
    return UserOut.of(create_user(session, username=body.username, password=body.password,
                                  role=body.role, unit_code=body.unit_code,
                                  full_name=body.full_name, actor=user.username))


@router.get("", response_model=list[UserOut], summary="Users of visible units")
def list_users(user: AdminDep, session: SessionDep) -> list[UserOut]:
    """Users of the administrator's units."""
    users = session.scalars(select(User).where(User.unit_id.in_(user.visible_unit_ids))
                            .order_by(User.id))
    return [UserOut.of(row) for row in users]
