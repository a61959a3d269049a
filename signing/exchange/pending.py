"""Statuses that never stay pending: a status a register recorded for a document received
by exchange (``04``, ``05``, ``06``) that could not be sent with its register step (the
unit did not allow unattended signing yet, or an error) is sent by a periodic sweep,
without waiting for the unit's next register step.

Each unit is tried in a transaction of its own; a unit that still cannot send is tried
again after a back-off that doubles from ``first_delay`` up to ``longest_delay`` seconds,
and is tried at once again on the next sweep after it succeeds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.exchange.answers import send_pending_statuses
from signing.keystore import KeyFileSealer
from storage.errors import SohoaError
from storage.jobs import JobQueue, SessionFactory
from storage.objects import ObjectStore
from storage.records.models import ExchangeInboxMessage, RegisterEntry, RegisterEvent

_log = logging.getLogger(__name__)


def units_with_pending_statuses(session: Session) -> list[int]:
    """The units whose registers recorded statuses for documents received by exchange
    (and accepted) that were not sent yet, by id."""
    return list(session.scalars(select(RegisterEntry.unit_id).distinct().join(
        RegisterEvent, RegisterEvent.entry_id == RegisterEntry.id).join(
        ExchangeInboxMessage, ExchangeInboxMessage.entry_id == RegisterEntry.id).where(
        ExchangeInboxMessage.unit_id == RegisterEntry.unit_id,
        ExchangeInboxMessage.accepted.is_(True), RegisterEvent.status_code.is_not(None),
        RegisterEvent.sent_at.is_(None)).order_by(RegisterEntry.unit_id)))


@dataclass
class SweepResult:
    """What one sweep did: statuses queued per unit, the units left pending with the
    problem, and the units not tried (backing off)."""

    sent: dict[int, int] = field(default_factory=dict)
    left_pending: dict[int, str] = field(default_factory=dict)
    backing_off: list[int] = field(default_factory=list)


@dataclass
class _Backoff:
    failures: int
    next_try: float


class PendingStatusSweep:
    """Sends every unit's pending statuses, backing off from a unit that cannot."""

    def __init__(self, sessions: SessionFactory, store: ObjectStore, queue: JobQueue,
                 sealer: KeyFileSealer, *, first_delay: float = 60.0,
                 longest_delay: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.sessions, self.store, self.queue, self.sealer = sessions, store, queue, sealer
        self.first_delay, self.longest_delay = first_delay, longest_delay
        self.clock = clock
        self._backoff: dict[int, _Backoff] = {}

    def delay(self, failures: int) -> float:
        """The wait before trying a unit again after ``failures`` failures in a row."""
        return float(min(self.first_delay * 2 ** max(failures - 1, 0), self.longest_delay))

    def run(self, *, now: datetime) -> SweepResult:
        """One sweep: every unit with pending statuses and not backing off is answered;
        ``now`` (Vietnam time, naive) stamps the status messages."""
        result = SweepResult()
        with self.sessions() as session:
            units = units_with_pending_statuses(session)
        moment = self.clock()
        for unit_id in units:
            waiting = self._backoff.get(unit_id)
            if waiting is not None and moment < waiting.next_try:
                result.backing_off.append(unit_id)
                continue
            try:
                with self.sessions() as session:
                    queued = send_pending_statuses(session, self.store, self.queue,
                                                   self.sealer, unit_id, now=now)
            except Exception as error:  # one unit's failure must not stop the others
                failures = (waiting.failures if waiting else 0) + 1
                self._backoff[unit_id] = _Backoff(failures, moment + self.delay(failures))
                result.left_pending[unit_id] = (str(error) if isinstance(error, SohoaError)
                                                else f"{type(error).__name__}: {error}")
                log = _log.warning if isinstance(error, SohoaError) else _log.error
                log("exchange statuses of unit %s still pending (try %d, next in %.0f s): %s",
                    unit_id, failures, self.delay(failures), result.left_pending[unit_id])
                continue
            self._backoff.pop(unit_id, None)
            result.sent[unit_id] = len(queued)
        for unit_id in set(self._backoff) - set(units):
            del self._backoff[unit_id]  # nothing pending any more (sent by a register step)
        return result
