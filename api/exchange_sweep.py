"""The exchange's statuses left pending, swept in the background: ``sohoa serve`` runs
the sweep periodically (:meth:`api.supervisor.Supervisor.every`), backing off from a unit
that still cannot sign its statuses unattended."""

from __future__ import annotations

from api.exchange_wiring import vietnam_now
from api.runtime import Runtime
from signing.exchange.pending import PendingStatusSweep, SweepResult


def pending_status_sweep(runtime: Runtime) -> PendingStatusSweep:
    """The sweep over the runtime's records, store and queue, backing off per unit from
    the sweep's period up to ``exchange_sweep_max_seconds``."""
    settings = runtime.settings
    return PendingStatusSweep(runtime.db.session, runtime.store, runtime.queue,
                              settings.key_file_sealer(),
                              first_delay=settings.exchange_sweep_seconds or 60.0,
                              longest_delay=settings.exchange_sweep_max_seconds)


def sweep_pending_statuses(sweep: PendingStatusSweep) -> SweepResult:
    """One round of ``sweep``, its status messages stamped with Vietnam's time now."""
    return sweep.run(now=vietnam_now())
