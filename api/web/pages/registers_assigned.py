"""A handler's page of the incoming documents assigned to them (as the lead or a support
handler): deadline, overdue marks, and a link to each entry, where they finish it or
return it with a reason."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from api.deps import RuntimeDep, SessionDep
from api.transactions import CommitOnReturn
from api.web.session import PageUserDep
from api.web.templates import render
from signing.registers.my_work import assigned_to
from signing.registers.numbering import vietnam_day
from storage.errors import PermissionDeniedError
from storage.records import utcnow
from storage.records.vocabulary import UserRole

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
HANDLER_ROLES = frozenset({UserRole.intake, UserRole.leader, UserRole.clerk, UserRole.admin})


@router.get("/ui/assigned", response_class=HTMLResponse)
def assigned(request: Request, runtime: RuntimeDep, session: SessionDep,
             user: PageUserDep) -> Response:
    """The user's open assignments, soonest deadline first."""
    if user.role not in HANDLER_ROLES:
        raise PermissionDeniedError("this page needs the role intake, leader, clerk")
    return render(request, "registers/assigned.html", user=user,
                  secret=runtime.settings.url_secret(),
                  rows=assigned_to(session, user.user, today=vietnam_day(utcnow())))
