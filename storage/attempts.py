"""Limits on guessing secrets: failed attempts at a password or a PIN counted per key, and
a lockout that doubles with each failure past the limit.

A key names what is being guessed and by whom: ``password:user:<name>`` (an account, known
or not, so a lockout says nothing about whether a username exists), ``password:addr:<ip>``
(one client trying many accounts), ``pin:user:<id>`` and ``pin:key:<fingerprint>`` (a
signer's key file). The counters live in the records database (``attempt_counters``), so
every API process, worker and the web pages share them.

The callers (:mod:`storage.accounts`, :mod:`signing.requests`) reserve an attempt under
their keys in a transaction of their own before trying the secret: a locked key is refused
(:class:`TooManyAttemptsError`, with the seconds to wait) without trying the guess, and the
reserved attempt stays counted as a failure (committed, although the request itself fails)
unless a success clears the keys it proves.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.errors import TooManyAttemptsError
from storage.records import AuditAction, append_audit
from storage.records.models import AttemptCounter

MAX_KEY = 255
_MAX_DOUBLINGS = 40


@dataclass(frozen=True)
class AttemptLimits:
    """How many wrong guesses a key allows and how long it is locked after them.

    The ``max_failures``-th failure locks the key for ``lockout_seconds``; each failure
    after that (once the lock has passed) locks it twice as long as the one before, up to
    ``max_lockout_seconds``. Failures are forgotten when the first of them is older than
    ``window_seconds`` and the key is not locked.
    """

    max_failures: int = 5
    lockout_seconds: float = 30.0
    max_lockout_seconds: float = 3600.0
    window_seconds: float = 3600.0

    def __post_init__(self) -> None:
        if self.max_failures < 1 or self.lockout_seconds <= 0 or self.window_seconds <= 0:
            raise ValueError("attempt limits must be positive")
        if self.max_lockout_seconds < self.lockout_seconds:
            raise ValueError("the longest lockout must not be shorter than the first")

    def lockout_after(self, failures: int) -> timedelta | None:
        """How long ``failures`` consecutive failures lock the key (None: not locked)."""
        if failures < self.max_failures:
            return None
        doublings = min(failures - self.max_failures, _MAX_DOUBLINGS)
        return timedelta(seconds=min(self.lockout_seconds * 2 ** doublings,
                                     self.max_lockout_seconds))


def _bounded(kind: str, value: str) -> str:
    key = f"{kind}:{value}"
    if len(key) <= MAX_KEY:
        return key
    return f"{kind}:sha256:{hashlib.sha256(value.encode()).hexdigest()}"


def password_user_key(username: str) -> str:
    """The key of password guesses at the account ``username`` (existing or not)."""
    return _bounded("password:user", username)


def password_address_key(address: str) -> str:
    """The key of password guesses from the client address ``address``."""
    return _bounded("password:addr", address)


def pin_user_key(user_id: int) -> str:
    """The key of PIN guesses by the user ``user_id``."""
    return f"pin:user:{user_id}"


def pin_key_file_key(fingerprint: str) -> str:
    """The key of PIN guesses at the key file whose certificate has ``fingerprint``."""
    return _bounded("pin:key", fingerprint)


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Attempt:
    """One attempt counted under a key: the failures counted so far (this one included)
    and, when this attempt locked the key, until when."""

    key: str
    failures: int
    locked_until: datetime | None


def reserve(session: Session, guarded: Mapping[str, AttemptLimits], *, subject: str,
            now: datetime | None = None) -> list[Attempt]:
    """Count an attempt about to be made under every key of ``guarded`` (each with its
    limits), as a failure until :func:`clear` or :func:`refund` says otherwise.

    Raise :class:`TooManyAttemptsError` naming ``subject`` (counting nothing: the caller's
    transaction rolls back) when a key is locked now, with the seconds until the last lock
    ends. Counting before the secret is tried means concurrent guesses cannot all slip in
    before the first failure is recorded: the attempt that reaches the limit locks the key
    for every later one. Commit the reservation before trying the secret. The counter rows
    are written first and locked (keys in sorted order), so concurrent reservations of one
    key wait for each other on PostgreSQL and on SQLite alike.
    """
    moment = _now(now)
    keys = sorted(guarded)
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    counters: list[AttemptCounter] = []
    for key in keys:
        session.execute(insert(AttemptCounter).values(
            key=key, failures=0, first_failure_at=moment, last_failure_at=moment,
            locked_until=None).on_conflict_do_nothing())
        counters.append(session.scalars(
            select(AttemptCounter).where(AttemptCounter.key == key).with_for_update()
            .execution_options(populate_existing=True)).one())
    ends = [_aware(counter.locked_until) for counter in counters
            if counter.locked_until is not None and _aware(counter.locked_until) > moment]
    if ends:
        wait = max(ends) - moment
        raise TooManyAttemptsError(
            "too many wrong attempts: locked for now, try again later",
            subject=subject, retry_after=math.ceil(wait.total_seconds()))
    attempts = []
    for counter in counters:
        limits = guarded[counter.key]
        if counter.failures and moment - _aware(counter.first_failure_at) > timedelta(
                seconds=limits.window_seconds):
            counter.failures, counter.first_failure_at = 0, moment
        if not counter.failures:
            counter.first_failure_at = moment
        counter.failures += 1
        counter.last_failure_at = moment
        lockout = limits.lockout_after(counter.failures)
        counter.locked_until = moment + lockout if lockout is not None else None
        attempts.append(Attempt(key=counter.key, failures=counter.failures,
                                locked_until=counter.locked_until))
    session.flush()
    return attempts


def refund(session: Session, attempts: Iterable[Attempt]) -> None:
    """Take back reserved attempts that were not wrong guesses (a success from a shared
    address, a failure of something else than the secret): one failure less, and the lock
    lifted when it was this attempt's."""
    for attempt in attempts:
        counter = session.scalars(select(AttemptCounter).where(
            AttemptCounter.key == attempt.key).with_for_update()).one_or_none()
        if counter is None:
            continue
        counter.failures = max(0, counter.failures - 1)
        if (attempt.locked_until is not None and counter.locked_until is not None
                and _aware(counter.locked_until) == _aware(attempt.locked_until)):
            counter.locked_until = None
    session.flush()


def clear(session: Session, keys: Iterable[str]) -> None:
    """Forget the failures under ``keys`` (the secret was proven)."""
    wanted = list(dict.fromkeys(keys))
    if wanted:
        session.execute(delete(AttemptCounter).where(AttemptCounter.key.in_(wanted)))


def audit_lockouts(session: Session, attempts: Iterable[Attempt]) -> None:
    """Audit each lock that ``attempts`` set (``locked_out``, one entry per key)."""
    for item in attempts:
        if item.locked_until is not None:
            append_audit(session, actor="system", action=AuditAction.locked_out,
                         subject_type="attempts", subject_id=item.key[:64],
                         details={"key": item.key, "failures": item.failures,
                                  "locked_until": item.locked_until})


def forget_stale(session: Session, older_than: timedelta, *,
                 now: datetime | None = None) -> int:
    """Delete counters that are unlocked and whose last failure is older than
    ``older_than`` (guesses at made-up usernames would otherwise accumulate)."""
    cutoff = _now(now) - older_than
    result = session.execute(delete(AttemptCounter).where(
        AttemptCounter.last_failure_at < cutoff,
        (AttemptCounter.locked_until.is_(None)) | (AttemptCounter.locked_until < cutoff)))
    return int(getattr(result, "rowcount", 0) or 0)
