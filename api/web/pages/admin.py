"""Administration: the units and users of the administrator's part of the unit tree.

Each form calls one use case of :mod:`storage.accounts` (which checks the administrator
may act on that unit or user, and audits the change); a user outside the administrator's
part of the tree answers 404. Validation errors are shown beside their field.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from api.deps import RuntimeDep
from api.transactions import CommitOnReturn
from api.web.session import CsrfChecked, PageUser, flash, require_page_roles, texts
from api.web.templates import render
from storage.accounts import (
    MIN_PASSWORD_LENGTH,
    add_unit_below,
    add_user_to_unit,
    change_role,
    managed_unit_tree,
    managed_user,
    managed_users,
    reset_password,
    set_user_active,
)
from storage.errors import BadInputError, ConflictError, PermissionDeniedError
from storage.records import UserRole

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
AdminPageDep = Annotated[PageUser, require_page_roles(UserRole.admin)]
UserId = Annotated[int, Path(ge=1, le=2**63 - 1)]
ROLES = tuple(role.value for role in UserRole)


def _see_other(target: str, note: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    flash(response, note)
    return response


def _units_page(request: Request, runtime: RuntimeDep, user: PageUser, *,
                errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                status: int = 200) -> Response:
    with runtime.db.session() as session:
        tree = [(unit.code, unit.name, depth, parent)
                for unit, depth, parent in managed_unit_tree(session, user.user)]
    return render(request, "admin/units.html", user=user, secret=runtime.settings.url_secret(),
                  status=status, tree=tree, errors=errors or {}, values=values or {})


@router.get("/ui/admin/units", response_class=HTMLResponse)
def units_page(request: Request, runtime: RuntimeDep, user: AdminPageDep) -> Response:
    """The units the administrator manages, as a tree, and the form adding one."""
    return _units_page(request, runtime, user)


@router.post("/ui/admin/units", response_class=HTMLResponse, dependencies=[CsrfChecked])
def add_unit(request: Request, runtime: RuntimeDep, user: AdminPageDep,
             code: Annotated[str, Form(max_length=100)],
             name: Annotated[str, Form(max_length=300)],
             parent_code: Annotated[str, Form(max_length=100)]) -> Response:
    """Add a unit below one the administrator manages."""
    values = {"code": code, "name": name, "parent_code": parent_code}
    catalogue = texts(request)
    if not name.strip():
        return _units_page(request, runtime, user, values=values, status=422,
                           errors={"name": catalogue.text("admin.error.name_empty")})
    try:
        with runtime.db.session() as session:
            add_unit_below(session, user.user, code=code, name=name, parent_code=parent_code)
    except ConflictError:
        return _units_page(request, runtime, user, values=values, status=409,
                           errors={"code": catalogue.text("admin.error.unit_exists")})
    except PermissionDeniedError:
        return _units_page(request, runtime, user, values=values, status=422,
                           errors={"parent_code": catalogue.text("admin.error.parent")})
    except BadInputError:
        return _units_page(request, runtime, user, values=values, status=422,
                           errors={"code": catalogue.text("admin.error.unit_code")})
    return _see_other("/ui/admin/units", "admin.unit_added")


def _users_page(request: Request, runtime: RuntimeDep, user: PageUser, *,
                errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                status: int = 200) -> Response:
    with runtime.db.session() as session:
        units = [(unit.code, unit.name, depth)
                 for unit, depth, _ in managed_unit_tree(session, user.user)]
        rows = [{"id": row.id, "username": row.username, "full_name": row.full_name,
                 "role": str(row.role), "unit": row.unit.code, "unit_name": row.unit.name,
                 "active": row.active, "self": row.id == user.user.id}
                for row in managed_users(session, user.user)]
    return render(request, "admin/users.html", user=user, secret=runtime.settings.url_secret(),
                  status=status, rows=rows, units=units, roles=ROLES, errors=errors or {},
                  values=values or {}, min_password=MIN_PASSWORD_LENGTH)


@router.get("/ui/admin/users", response_class=HTMLResponse)
def users_page(request: Request, runtime: RuntimeDep, user: AdminPageDep) -> Response:
    """The users of the administrator's units and the form adding one."""
    return _users_page(request, runtime, user)


@router.post("/ui/admin/users", response_class=HTMLResponse, dependencies=[CsrfChecked])
def add_user(request: Request, runtime: RuntimeDep, user: AdminPageDep,
             username: Annotated[str, Form(max_length=200)],
             password: Annotated[str, Form(max_length=1000)],
             role: Annotated[str, Form(max_length=20)],
             unit_code: Annotated[str, Form(max_length=100)],
             full_name: Annotated[str, Form(max_length=300)] = "") -> Response:
    """Add a user to a unit the administrator manages."""
    values = {"username": username, "role": role, "unit_code": unit_code,
              "full_name": full_name}
    catalogue = texts(request)
    try:
        with runtime.db.session() as session:
            add_user_to_unit(session, user.user, username=username, password=password,
                             role=role, unit_code=unit_code, full_name=full_name)
    except ConflictError:
        return _users_page(request, runtime, user, values=values, status=409,
                           errors={"username": catalogue.text("admin.error.user_exists")})
    except PermissionDeniedError:
        return _users_page(request, runtime, user, values=values, status=422,
                           errors={"unit_code": catalogue.text("admin.error.unit")})
    except BadInputError as error:
        return _users_page(request, runtime, user, values=values, status=422,
                           errors=_user_errors(request, str(error)))
    return _see_other("/ui/admin/users", "admin.user_added")


def _user_errors(request: Request, message: str) -> dict[str, str]:
    """The field a user form's error belongs to, with the message in the UI's language."""
    catalogue = texts(request)
    if "password" in message:
        return {"password": catalogue.text("admin.error.password", n=MIN_PASSWORD_LENGTH)}
    if "role" in message:
        return {"role": catalogue.text("admin.error.role")}
    return {"username": catalogue.text("admin.error.username")}


def _user_page(request: Request, runtime: RuntimeDep, user: PageUser, user_id: int, *,
               errors: dict[str, str] | None = None, status: int = 200) -> Response:
    with runtime.db.session() as session:
        row = managed_user(session, user.user, user_id)
        shown = {"id": row.id, "username": row.username, "full_name": row.full_name,
                 "role": str(row.role), "unit": row.unit.code, "unit_name": row.unit.name,
                 "active": row.active, "self": row.id == user.user.id}
    return render(request, "admin/user.html", user=user, secret=runtime.settings.url_secret(),
                  status=status, row=shown, roles=ROLES, errors=errors or {}, values={},
                  min_password=MIN_PASSWORD_LENGTH)


@router.get("/ui/admin/users/{user_id}", response_class=HTMLResponse)
def user_page(request: Request, runtime: RuntimeDep, user: AdminPageDep,
              user_id: UserId) -> Response:
    """One user: change the role, reset the password, disable or enable."""
    return _user_page(request, runtime, user, user_id)


@router.post("/ui/admin/users/{user_id}/active", dependencies=[CsrfChecked])
def set_active(runtime: RuntimeDep, user: AdminPageDep, user_id: UserId,
               active: Annotated[bool, Form()]) -> Response:
    """Disable (their sessions end at once) or enable a user."""
    with runtime.db.session() as session:
        set_user_active(session, user.user, user_id, active)
    return _see_other(f"/ui/admin/users/{user_id}",
                      "admin.user_enabled" if active else "admin.user_disabled")


@router.post("/ui/admin/users/{user_id}/role", response_class=HTMLResponse,
             dependencies=[CsrfChecked])
def set_role(request: Request, runtime: RuntimeDep, user: AdminPageDep, user_id: UserId,
             role: Annotated[str, Form(max_length=20)]) -> Response:
    """Change a user's role."""
    try:
        with runtime.db.session() as session:
            change_role(session, user.user, user_id, role)
    except BadInputError:
        return _user_page(request, runtime, user, user_id, status=422,
                          errors={"role": texts(request).text("admin.error.role")})
    return _see_other(f"/ui/admin/users/{user_id}", "admin.role_changed")


@router.post("/ui/admin/users/{user_id}/password", response_class=HTMLResponse,
             dependencies=[CsrfChecked])
def set_password(request: Request, runtime: RuntimeDep, user: AdminPageDep, user_id: UserId,
                 password: Annotated[str, Form(max_length=1000)]) -> Response:
    """Give a user a new password (their open sessions end)."""
    try:
        with runtime.db.session() as session:
            reset_password(session, user.user, user_id, password)
    except BadInputError:
        message = texts(request).text("admin.error.password", n=MIN_PASSWORD_LENGTH)
        return _user_page(request, runtime, user, user_id, status=422,
                          errors={"password": message})
    return _see_other(f"/ui/admin/users/{user_id}", "admin.password_reset")
