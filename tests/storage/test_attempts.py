"""Attempt limits on SQLite and PostgreSQL: counting, lockout with doubling back-off,
clearing and refunding; and login through them: failures audited, unknown users paying
the same Argon2 check, and at most ``hashing_slots`` hashes computed at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

import storage.accounts as accounts
from storage.accounts import LoginPolicy, create_unit, create_user, login
from storage.attempts import (
    AttemptLimits,
    clear,
    password_address_key,
    password_user_key,
    refund,
    reserve,
)
from storage.errors import AuthenticationError, TooManyAttemptsError
from storage.records import AttemptCounter, AuditEntry, Database

PASSWORD = "mật-khẩu-đủ-dài"
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
LIMITS = AttemptLimits(max_failures=3, lockout_seconds=30, max_lockout_seconds=100)


def _guess(records_db: Database, key: str, at: datetime) -> None:
    with records_db.session() as session:
        reserve(session, {key: LIMITS}, subject="test", now=at)


def test_lockout_doubles_and_is_capped(records_db: Database) -> None:
    key = password_user_key("an")
    for _ in range(2):
        _guess(records_db, key, T0)
    _guess(records_db, key, T0)  # the third failure locks for 30 s
    with pytest.raises(TooManyAttemptsError) as locked:
        _guess(records_db, key, T0 + timedelta(seconds=10))
    assert locked.value.retry_after == 20
    assert locked.value.subject == "test"
    _guess(records_db, key, T0 + timedelta(seconds=31))  # after the lock: locked 60 s
    with pytest.raises(TooManyAttemptsError) as longer:
        _guess(records_db, key, T0 + timedelta(seconds=32))
    assert longer.value.retry_after == 59
    _guess(records_db, key, T0 + timedelta(seconds=92))  # 120 s, capped at 100
    with pytest.raises(TooManyAttemptsError) as capped:
        _guess(records_db, key, T0 + timedelta(seconds=93))
    assert capped.value.retry_after == 99
    with records_db.session() as session:
        counter = session.get(AttemptCounter, key)
        assert counter is not None
        assert counter.failures == 5  # refusals while locked were not counted
        clear(session, [key])
    _guess(records_db, key, T0 + timedelta(seconds=94))  # cleared: counting from one again
    with records_db.session() as session:
        counter = session.get(AttemptCounter, key)
        assert counter is not None
        assert counter.failures == 1


def test_keys_are_independent_and_a_refund_lifts_its_own_lock(records_db: Database) -> None:
    address, other = password_address_key("10.0.0.1"), password_address_key("10.0.0.2")
    for _ in range(2):
        _guess(records_db, address, T0)
    with records_db.session() as session:
        attempts = reserve(session, {address: LIMITS}, subject="test", now=T0)
    assert attempts[0].failures == 3
    assert attempts[0].locked_until is not None
    _guess(records_db, other, T0)  # another address is not locked
    with records_db.session() as session:
        refund(session, attempts)
    _guess(records_db, address, T0 + timedelta(seconds=1))  # lock lifted, count back to 2


def test_failures_are_forgotten_after_the_window(records_db: Database) -> None:
    key = password_user_key("binh")
    for _ in range(2):
        _guess(records_db, key, T0)
    later = T0 + timedelta(seconds=LIMITS.window_seconds + 1)
    _guess(records_db, key, later)  # counted as the first of a new window: not locked
    _guess(records_db, key, later)
    with records_db.session() as session:
        counter = session.get(AttemptCounter, key)
        assert counter is not None
        assert (counter.failures, counter.locked_until) == (2, None)


@pytest.fixture
def unit(records_db: Database) -> Database:
    with records_db.session() as session:
        create_unit(session, "UB", "Ủy ban")
        create_user(session, username="an", password=PASSWORD, role="clerk", unit_code="UB")
    return records_db


def test_login_locks_the_account_and_audits(unit: Database) -> None:
    policy = LoginPolicy(account=AttemptLimits(max_failures=3))
    for attempt in range(3):
        with pytest.raises(AuthenticationError):
            login(unit.session, "an", f"sai-{attempt}-mật-khẩu", hours=1, address="10.1.1.1",
                  policy=policy)
    with pytest.raises(TooManyAttemptsError) as locked:  # even the right password
        login(unit.session, "an", PASSWORD, hours=1, address="10.1.1.2", policy=policy)
    assert 25 <= locked.value.retry_after <= 30
    with unit.session() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        failed = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "login_failed")).all()
    assert actions.count("login_failed") == 3
    assert actions.count("locked_out") == 1
    assert {entry.subject_id for entry in failed} == {"an"}
    assert failed[0].details["address"] == "10.1.1.1"
    # the lock passes: the right password logs in and clears the account's count
    with unit.session() as session:
        counter = session.get(AttemptCounter, password_user_key("an"))
        assert counter is not None
        counter.locked_until = datetime.now(UTC) - timedelta(seconds=1)
    assert login(unit.session, "an", PASSWORD, hours=1, address="10.1.1.1", policy=policy)
    with unit.session() as session:
        assert session.get(AttemptCounter, password_user_key("an")) is None
        address = session.get(AttemptCounter, password_address_key("10.1.1.1"))
        assert address is not None
        assert address.failures == 3


def test_unknown_users_are_locked_like_known_ones(unit: Database) -> None:
    policy = LoginPolicy(account=AttemptLimits(max_failures=2))
    for name in ("an", "nobody"):
        for _ in range(2):
            with pytest.raises(AuthenticationError, match="wrong username or password"):
                login(unit.session, name, "sai-mật-khẩu", hours=1, policy=policy)
        with pytest.raises(TooManyAttemptsError):
            login(unit.session, name, "sai-mật-khẩu", hours=1, policy=policy)


class _CountingHasher:
    """The real Argon2 hasher, counting verifications and the most running at once."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.verified = 0
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def _counted(self, call: Callable[..., Any], *args: Any) -> Any:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            return call(*args)
        finally:
            with self.lock:
                self.running -= 1

    def verify(self, *args: Any) -> Any:
        with self.lock:
            self.verified += 1
        return self._counted(self.real.verify, *args)

    def hash(self, *args: Any) -> Any:
        return self._counted(self.real.hash, *args)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> _CountingHasher:
    counting = _CountingHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", counting)
    return counting


def test_unknown_users_cost_a_hash_check(unit: Database, hasher: _CountingHasher) -> None:
    def timed(name: str) -> float:
        start = time.perf_counter()
        with pytest.raises(AuthenticationError):
            login(unit.session, name, "sai-mật-khẩu", hours=1)
        return time.perf_counter() - start

    timed("nobody-warm-up")  # the dummy hash is made once
    before = hasher.verified
    known = min(timed("an") for _ in range(2))
    unknown = min(timed(f"nobody-{n}") for n in range(2))
    assert hasher.verified - before == 4  # one Argon2 check each, known or not
    assert unknown / known > 0.3, (unknown, known)


def test_concurrent_logins_hash_at_most_the_slots(unit: Database,
                                                  hasher: _CountingHasher) -> None:
    policy = LoginPolicy(account=AttemptLimits(max_failures=100),
                         address=AttemptLimits(max_failures=100), hashing_slots=2)

    def attempt(number: int) -> str:
        try:
            login(unit.session, "an", f"sai-{number}-mật-khẩu", hours=1,
                  address="10.9.9.9", policy=policy)
        except AuthenticationError:
            return "refused"
        return "logged in"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    assert outcomes == ["refused"] * 8
    assert hasher.verified == 8
    assert hasher.most == 2
