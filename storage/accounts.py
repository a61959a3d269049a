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
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadInputError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters",
                            subject=username)
    try:
        role = UserRole(role)
    except ValueError as error:
        roles = ", ".join(r.value for r in UserRole)
        raise BadInputError(f"unknown role {role!r} (one of {roles})", subject=username) from error
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
