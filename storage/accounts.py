"""Units, users, passwords and bearer tokens: the use cases behind login and roles.

Called by the API, the web pages and the CLI (``sohoa user add``). Passwords are hashed
with Argon2id; bearer tokens are random, shown once, and stored only as their SHA-256.

Logging in is guarded against guessing (:mod:`storage.attempts`): wrong passwords are
counted per account and per client address, audited, and lock the account or address for a
while; an unknown username costs the same Argon2 check as a known one, so timing does not
tell them apart; at most ``hashing_slots`` Argon2 computations (64 MiB each) run at once in
a process, so a flood of logins waits instead of exhausting memory.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.attempts import (
    Attempt,
    AttemptLimits,
    audit_lockouts,
    clear,
    forget_stale,
    password_address_key,
    password_user_key,
    refund,
    reserve,
)
from storage.errors import (
    AuthenticationError,
    BadInputError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    UnavailableError,
)
from storage.jobs import SessionFactory
from storage.records import (
    ApiToken,
    AuditAction,
    Unit,
    User,
    UserRole,
    append_audit,
    unit_subtree_ids,
)

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
DEFAULT_HASHING_SLOTS = 2


@dataclass(frozen=True)
class LoginPolicy:
    """How logging in resists guessing: the limits per account and per client address,
    and how many password hashes may be computed at once (and how long a login waits for
    one of those slots before answering "busy")."""

    account: AttemptLimits = field(default_factory=AttemptLimits)
    address: AttemptLimits = field(default_factory=lambda: AttemptLimits(max_failures=20))
    hashing_slots: int = DEFAULT_HASHING_SLOTS
    hashing_wait_seconds: float = 30.0


_gates_lock = threading.Lock()
_gates: dict[int, threading.BoundedSemaphore] = {}


@contextmanager
def _hashing_slot(slots: int, wait_seconds: float) -> Iterator[None]:
    """Hold one of ``slots`` process-wide hashing slots (one gate per size)."""
    with _gates_lock:
        gate = _gates.setdefault(slots, threading.BoundedSemaphore(max(1, slots)))
    if not gate.acquire(timeout=wait_seconds):
        raise UnavailableError("too many logins at once: try again in a moment",
                               subject="login")
    try:
        yield
    finally:
        gate.release()


@cache
def _dummy_hash() -> str:
    """A hash of a random password, checked for unknown users so they cost the same."""
    return _hasher.hash(secrets.token_urlsafe(16))


def nfc(text: str) -> str:
    """Unicode NFC with surrounding whitespace removed."""
    return unicodedata.normalize("NFC", text).strip()


def hash_password(password: str, *, slots: int = DEFAULT_HASHING_SLOTS,
                  wait_seconds: float = 30.0) -> str:
    """An Argon2id hash of the password (waiting for a hashing slot)."""
    with _hashing_slot(slots, wait_seconds):
        return _hasher.hash(password)


def password_matches(password_hash: str, password: str, *,
                     slots: int = DEFAULT_HASHING_SLOTS, wait_seconds: float = 30.0) -> bool:
    """Whether ``password`` matches the stored hash (waiting for a hashing slot)."""
    with _hashing_slot(slots, wait_seconds):
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def create_unit(session: Session, code: str, name: str, parent_code: str | None = None,
                *, actor: str = "system") -> Unit:
    """Add a unit (agency or department), optionally below a parent unit."""
    code = code.strip()
    if not code or len(code) > 32:
        raise BadInputError("a unit code has 1 to 32 characters", subject="unit code")
    if session.scalar(select(Unit).where(Unit.code == code)) is not None:
        raise ConflictError("a unit with this code exists already", subject=code)
    parent = None
    if parent_code:
        parent = find_unit(session, parent_code)
    unit = Unit(code=code, name=nfc(name), parent_id=parent.id if parent else None)
    session.add(unit)
    session.flush()
    append_audit(session, actor=actor, action=AuditAction.unit_created, subject_type="unit",
                 subject_id=unit.id, details={"code": code, "parent": parent_code})
    return unit


def default_unit(session: Session, code: str | None) -> Unit:
    """The unit with ``code``, or (no code) the first top-level unit; NotFoundError naming
    it when there is none."""
    query = select(Unit).where(Unit.code == code) if code else (
        select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    unit = session.scalar(query.limit(1))
    if unit is None:
        raise NotFoundError("no such unit: add one with 'sohoa unit add'",
                            subject=code or "--unit")
    return unit


def find_unit(session: Session, code: str) -> Unit:
    """The unit with this code, or ``NotFoundError``."""
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise NotFoundError("no unit with this code", subject=code)
    return unit


def create_user(session: Session, *, username: str, password: str, role: UserRole | str,
                unit_code: str, full_name: str = "", actor: str = "system") -> User:
    """Add a user with a hashed password, a role and a unit."""
    username = username.strip()
    if not username or len(username) > 64 or not username.isprintable() or " " in username:
        raise BadInputError("a username has 1 to 64 printable characters, no spaces",
                            subject=username or "username")
    _check_password(password, username)
    role = _role(role, username)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ConflictError("a user with this name exists already", subject=username)
    unit = find_unit(session, unit_code)
    user = User(username=username, full_name=nfc(full_name or username),
                password_hash=hash_password(password), role=role, unit_id=unit.id)
    session.add(user)
    session.flush()
    append_audit(session, actor=actor, action=AuditAction.user_created, subject_type="user",
                 subject_id=user.id, details={"username": username, "role": role.value,
                                              "unit": unit_code})
    return user


def _check_password(password: str, subject: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadInputError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters",
                            subject=subject)


def _role(role: UserRole | str, subject: str) -> UserRole:
    try:
        return UserRole(role)
    except ValueError as error:
        roles = ", ".join(r.value for r in UserRole)
        raise BadInputError(f"unknown role {role!r} (one of {roles})", subject=subject) from error


def has_users(session: Session) -> bool:
    """Whether any user exists (none: the installation still needs its first-run set-up)."""
    return session.scalar(select(User.id).limit(1)) is not None


def set_up_first_admin(session: Session, *, unit_code: str, unit_name: str, username: str,
                       password: str, actor: str) -> User:
    """The first-run set-up: the first unit and its administrator, only while no user
    exists (``ConflictError`` afterwards)."""
    if has_users(session):
        raise ConflictError("the installation is set up already", subject="setup")
    unit = create_unit(session, unit_code, unit_name, actor=actor)
    return create_user(session, username=username, password=password, role=UserRole.admin,
                       unit_code=unit.code, actor=actor)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """A bearer token as handed to the client (the only time it is visible)."""

    token: str
    expires_at: datetime


def login(sessions: SessionFactory, username: str, password: str, *, hours: int,
          address: str | None = None, policy: LoginPolicy | None = None) -> IssuedToken:
    """Check the password and issue a bearer token.

    ``TooManyAttemptsError`` while the account (known or not) or the client ``address``
    is locked, without checking the password; ``AuthenticationError`` for a wrong
    password, an unknown or a disabled user alike (same answer, same Argon2 cost). The
    attempt is counted before the password is checked (committed in a transaction of its
    own) and each failure audited; a success clears the account's count and takes the
    attempt back from the address's.
    """
    policy = policy or LoginPolicy()
    name = username.strip()
    guarded = {password_user_key(name): policy.account}
    if address:
        guarded[password_address_key(address)] = policy.address
    with sessions() as session:
        attempts = reserve(session, guarded, subject="login")
        user = session.scalar(select(User).where(User.username == name))
        stored = user.password_hash if user is not None and user.active else None
        user_id = user.id if user is not None else None
    matches = password_matches(stored or _dummy_hash(), password, slots=policy.hashing_slots,
                               wait_seconds=policy.hashing_wait_seconds)
    if stored is None or user_id is None or not matches:
        _login_failed(sessions, name, address, user_id, attempts)
        raise AuthenticationError("wrong username or password")
    token = secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + timedelta(hours=hours)
    with sessions() as session:
        clear(session, [password_user_key(name)])
        refund(session, [item for item in attempts if item.key != password_user_key(name)])
        session.add(ApiToken(token_hash=_token_digest(token), user_id=user_id,
                             expires_at=expires_at))
        append_audit(session, actor=name, action=AuditAction.login, subject_type="user",
                     subject_id=user_id, details={"address": address})
    return IssuedToken(token=token, expires_at=expires_at)


def _login_failed(sessions: SessionFactory, name: str, address: str | None,
                  user_id: int | None, attempts: list[Attempt]) -> None:
    """Audit a failed login and the locks it set (committed although the login fails)."""
    with sessions() as session:
        forget_stale(session, timedelta(days=1))
        append_audit(session, actor="anonymous", action=AuditAction.login_failed,
                     subject_type="login", subject_id=name[:64] or "-",
                     details={"user_id": user_id, "address": address,
                              "failures": {item.key: item.failures for item in attempts}})
        audit_lockouts(session, attempts)


def revoke(session: Session, token: str) -> None:
    """Revoke a bearer token (logout)."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)


@dataclass(frozen=True)
class CurrentUser:
    """The authenticated user of a request and the units they may see."""

    id: int
    username: str
    role: UserRole
    unit_id: int
    visible_unit_ids: frozenset[int]

    def can_see_unit(self, unit_id: int | None) -> bool:
        """Whether records of ``unit_id`` are visible to this user."""
        return unit_id is not None and unit_id in self.visible_unit_ids


def authenticate(session: Session, token: str) -> CurrentUser:
    """The user a bearer token belongs to; ``AuthenticationError`` if invalid or expired."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= datetime.now(UTC):
        raise AuthenticationError("the token is invalid, revoked or expired")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise AuthenticationError("the token's user is disabled")
    visible = frozenset(unit_subtree_ids(session, user.unit_id))
    return CurrentUser(id=user.id, username=user.username, role=UserRole(user.role),
                       unit_id=user.unit_id, visible_unit_ids=visible)


# Administration within the administrator's part of the unit tree (API, pages, CLI).


def _require_admin(admin: CurrentUser) -> None:
    if admin.role != UserRole.admin:
        raise PermissionDeniedError("only an administrator manages units and users")


def managed_units(session: Session, admin: CurrentUser) -> list[Unit]:
    """The administrator's unit and every unit below it, by id."""
    _require_admin(admin)
    return list(session.scalars(select(Unit).where(Unit.id.in_(admin.visible_unit_ids))
                                .order_by(Unit.id)))


def managed_unit_tree(session: Session, admin: CurrentUser) -> list[tuple[Unit, int, str | None]]:
    """The administrator's units in tree order (see :func:`visible_unit_tree`)."""
    _require_admin(admin)
    return visible_unit_tree(session, admin)


def visible_unit_tree(session: Session, user: CurrentUser) -> list[tuple[Unit, int, str | None]]:
    """The user's unit and those below it in tree order (each parent before its children,
    siblings by code), each with its depth below the user's unit and its parent's code."""
    units = list(session.scalars(select(Unit).where(Unit.id.in_(user.visible_unit_ids))))
    by_parent: dict[int | None, list[Unit]] = {}
    ids = {unit.id for unit in units}
    for unit in units:
        by_parent.setdefault(unit.parent_id if unit.parent_id in ids else None, []).append(unit)
    codes = {unit.id: unit.code for unit in units}
    ordered: list[tuple[Unit, int, str | None]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in sorted(by_parent.get(parent, []), key=lambda item: item.code):
            ordered.append((unit, depth, codes.get(unit.parent_id or 0)))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered


def managed_users(session: Session, admin: CurrentUser) -> list[User]:
    """The users of the administrator's units, by id."""
    _require_admin(admin)
    return list(session.scalars(select(User).where(User.unit_id.in_(admin.visible_unit_ids))
                                .order_by(User.id)))


def managed_user(session: Session, admin: CurrentUser, user_id: int) -> User:
    """The user ``user_id`` if they belong to a unit the administrator manages;
    ``NotFoundError`` otherwise (another part of the tree is not revealed)."""
    _require_admin(admin)
    user = session.get(User, user_id)
    if user is None or not admin.can_see_unit(user.unit_id):
        raise NotFoundError("no such user in the units you manage", subject=f"user {user_id}")
    return user


def add_unit_below(session: Session, admin: CurrentUser, *, code: str, name: str,
                   parent_code: str) -> Unit:
    """Add a unit below one the administrator manages (``PermissionDeniedError`` for a
    parent outside their part of the tree)."""
    _require_admin(admin)
    parent = find_unit(session, parent_code)
    if not admin.can_see_unit(parent.id):
        raise PermissionDeniedError("you manage no such parent unit", subject=parent_code)
    return create_unit(session, code, name, parent_code, actor=admin.username)


def add_user_to_unit(session: Session, admin: CurrentUser, *, username: str, password: str,
                     role: UserRole | str, unit_code: str, full_name: str = "") -> User:
    """Add a user to a unit the administrator manages (``PermissionDeniedError`` for a
    unit outside their part of the tree)."""
    _require_admin(admin)
    unit = find_unit(session, unit_code)
    if not admin.can_see_unit(unit.id):
        raise PermissionDeniedError("you manage no such unit", subject=unit_code)
    return create_user(session, username=username, password=password, role=role,
                       unit_code=unit_code, full_name=full_name, actor=admin.username)


def _end_sessions(session: Session, user_id: int) -> None:
    """Revoke every live token of the user (their open sessions stop working)."""
    moment = datetime.now(UTC)
    for token in session.scalars(select(ApiToken).where(ApiToken.user_id == user_id,
                                                        ApiToken.revoked_at.is_(None))):
        token.revoked_at = moment


def _not_themselves(admin: CurrentUser, user: User, what: str) -> None:
    if user.id == admin.id:
        raise ConflictError(f"administrators cannot {what} their own account",
                            subject=user.username)


def set_user_active(session: Session, admin: CurrentUser, user_id: int, active: bool) -> User:
    """Enable or disable a user of the administrator's units, audited. A disabled user
    cannot log in, and their open sessions and tokens stop working at once."""
    user = managed_user(session, admin, user_id)
    _not_themselves(admin, user, "disable")
    if user.active != active:
        user.active = active
        if not active:
            _end_sessions(session, user.id)
        append_audit(session, actor=admin.username,
                     action=AuditAction.user_enabled if active else AuditAction.user_disabled,
                     subject_type="user", subject_id=user.id,
                     details={"username": user.username})
    return user


def reset_password(session: Session, admin: CurrentUser, user_id: int, password: str) -> User:
    """Give a user of the administrator's units a new password, audited; their open
    sessions end (they log in again with the new one)."""
    user = managed_user(session, admin, user_id)
    _check_password(password, user.username)
    user.password_hash = hash_password(password)
    _end_sessions(session, user.id)
    append_audit(session, actor=admin.username, action=AuditAction.password_reset,
                 subject_type="user", subject_id=user.id, details={"username": user.username})
    return user


def change_role(session: Session, admin: CurrentUser, user_id: int,
                role: UserRole | str) -> User:
    """Change the role of a user of the administrator's units, audited."""
    user = managed_user(session, admin, user_id)
    new_role = _role(role, user.username)
    _not_themselves(admin, user, "change the role of")
    if user.role != new_role:
        old = UserRole(user.role)
        user.role = new_role
        append_audit(session, actor=admin.username, action=AuditAction.role_changed,
                     subject_type="user", subject_id=user.id,
                     details={"username": user.username, "from": old.value,
                              "to": new_role.value})
    return user
