"""FastAPI dependencies: the runtime, the request's transaction, the current user, role checks.

The request's session is the one owner of its transaction: committed when the handler
returns (before the response is sent, so a client never reads an answer about data that is
not yet there), rolled back when it raises. Jobs a handler requested are queued right
after that commit.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.runtime import Runtime
from api.schemas import MAX_ID
from storage.accounts import CurrentUser, authenticate
from storage.errors import AuthenticationError, PermissionDeniedError
from storage.records import ApiToken, UserRole

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
"""A record id in a path: 1..MAX_ID (the database's range), else 422."""
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
"""An optional record id (or version) in the query string, same range."""
Limit = Annotated[int, Query(ge=1, le=500)]
"""How many rows a list answers."""
Offset = Annotated[int, Query(ge=0, le=2**63 - 1)]
"""How many rows a list skips."""


def get_runtime(request: Request) -> Runtime:
    """The runtime the app was started with."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    """The request's session, committed when the handler succeeds."""
    with runtime.db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_current_user(
    runtime: RuntimeDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> CurrentUser:
    """The user of the bearer token; 401 without a valid one."""
    if not token:
        raise AuthenticationError("log in first: send 'Authorization: Bearer <token>'")
    with runtime.db.session() as session:
        return authenticate(session, token)


UserDep = Annotated[CurrentUser, Depends(get_current_user)]


def require_roles(*roles: UserRole) -> Callable[[CurrentUser], CurrentUser]:
    """A dependency that lets only users with one of ``roles`` (or admins) through."""
    allowed = {*roles, UserRole.admin}

    def check(user: UserDep) -> CurrentUser:
        if user.role not in allowed:
            names = ", ".join(sorted(role.value for role in allowed))
            raise PermissionDeniedError(f"this needs the role {names}; you are {user.role.value}")
        return user

    return check


IntakeDep = Annotated[CurrentUser, Depends(require_roles(UserRole.intake))]
AdminDep = Annotated[CurrentUser, Depends(require_roles(UserRole.admin))]
ReviewerDep = Annotated[CurrentUser, Depends(require_roles(UserRole.intake, UserRole.clerk))]
SignerDep = Annotated[CurrentUser, Depends(require_roles(UserRole.leader, UserRole.clerk))]
DrafterDep = Annotated[CurrentUser, Depends(require_roles(UserRole.leader, UserRole.clerk,
                                                          UserRole.intake))]
ReceiverDep = Annotated[CurrentUser, Depends(require_roles(UserRole.clerk, UserRole.intake,
                                                           UserRole.leader))]


# --- download links bound to the login session -------------------------------------------

TokenDep = Annotated[str | None, Depends(oauth2_scheme)]
"""The request's bearer token as sent (``None`` without one)."""


def _binding_mac(secret: bytes, signature: str, token_id: int) -> str:
    message = f"sohoa-download-session\n{signature}\n{token_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def session_binding(session: Session, token: str, signature: str, secret: bytes) -> str:
    """The ``session`` value that ties a download link (its ``signature``) to the login
    session of ``token``: the token's record id and an HMAC over both."""
    digest = hashlib.sha256(token.encode()).hexdigest()  # how tokens are stored
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.token_hash == digest))
    if token_id is None:
        raise AuthenticationError("the token is invalid, revoked or expired")
    return f"{token_id}.{_binding_mac(secret, signature, token_id)}"


def session_is_live(session: Session, binding: str, signature: str, secret: bytes) -> bool:
    """Whether ``binding`` was made for ``signature`` and its login session has neither
    ended (logout) nor expired."""
    token_id, _, mac = binding.partition(".")
    if not token_id.isdigit() or len(token_id) > 10:
        return False
    if not hmac.compare_digest(_binding_mac(secret, signature, int(token_id)), mac):
        return False
    row = session.get(ApiToken, int(token_id))
    return (row is not None and row.revoked_at is None
            and row.expires_at > datetime.now(UTC))
