"""Login, logout and who-am-I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import RuntimeDep, SessionDep, UserDep, oauth2_scheme
from api.schemas import MeOut, TokenOut
from api.transactions import CommitOnReturn
from storage.accounts import login, revoke
from storage.records import Unit

router = APIRouter(route_class=CommitOnReturn, prefix="/auth", tags=["auth"])


@router.post("/token", response_model=TokenOut, summary="Log in with a password")
def issue_token(form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request,
                runtime: RuntimeDep) -> TokenOut:
    """Exchange username and password for a bearer token (OAuth2 password flow). Too many
    wrong passwords for an account or from one address answer 429 with Retry-After."""
    issued = login(runtime.db.session, form.username, form.password,
                   hours=runtime.settings.token_hours,
                   address=request.client.host if request.client else None,
                   policy=runtime.settings.login_policy())
    return TokenOut(access_token=issued.token, expires_at=issued.expires_at)


@router.post("/logout", status_code=204, summary="Revoke the current token")
def logout(user: UserDep, session: SessionDep,
           token: Annotated[str | None, Depends(oauth2_scheme)]) -> None:
    """Revoke the bearer token used for this request."""
    if token:
        revoke(session, token)


@router.get("/me", response_model=MeOut, summary="The logged-in user")
def me(user: UserDep, session: SessionDep) -> MeOut:
    """Who the token belongs to and which units they can see."""
    unit = session.get(Unit, user.unit_id)
    return MeOut(id=user.id, username=user.username, role=user.role.value, unit_id=user.unit_id,
                 unit_code=unit.code if unit else "",
                 visible_unit_ids=sorted(user.visible_unit_ids))
