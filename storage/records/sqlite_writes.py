"""Writers to one SQLite file take turns in this process, in the order they arrive.

SQLite lets one connection write at a time; the others poll (``busy_timeout``), sleeping
up to 100 ms between tries and never queueing. Under a sustained load of short writes the
lock is almost always held, and a poller can lose every race for a whole minute:
``benchmarks/load_mix.py`` (50 clients) saw 24 uploads answer 503 "database is locked"
after waiting 55-60 s in ``INSERT INTO documents``, while no transaction held the lock for
more than a few seconds. So every write transaction of an engine first takes a
process-wide gate, whose waiters are woken one by one as it is released; SQLite's own
lock then only arbitrates between processes (the server and its workers).

The gate is taken before the first statement that writes, and given back when the
transaction ends (commit, rollback, or the pool resetting the connection). It is a plain
lock owned by the connection, not by a thread: a web request may commit on another thread
than the one that wrote.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine, event, exc

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")
_HOLDS = "sohoa_write_gate"


class WriteGate:
    """One lock per engine, held by the connection that is writing."""

    def __init__(self, timeout_seconds: float) -> None:
        self.timeout_seconds = timeout_seconds
        self._lock = threading.Lock()

    def enter(self, connection_info: dict[str, Any]) -> None:
        """Wait for this connection's turn to write (no-op when it already holds it)."""
        if connection_info.get(_HOLDS):
            return
        if not self._lock.acquire(timeout=self.timeout_seconds):
            raise exc.OperationalError(
                "BEGIN", None,
                Exception(f"database is locked (no turn to write in {self.timeout_seconds:.0f} s)"))
        connection_info[_HOLDS] = True

    def leave(self, connection_info: dict[str, Any]) -> None:
        """Give the turn back when this connection's transaction has ended."""
        if connection_info.pop(_HOLDS, False):
            self._lock.release()


def _writes(statement: str) -> bool:
    head = statement.lstrip()[:8].upper()
    return head.startswith(_WRITES)


def install_write_gate(engine: Engine, timeout_seconds: float) -> WriteGate:
    """Make ``engine``'s write transactions take turns (see the module's docstring)."""
    gate = WriteGate(timeout_seconds)

    def before_execute(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if _writes(statement):
            gate.enter(connection.connection.info)

    def after_end(connection: Any) -> None:
        gate.leave(connection.connection.info)

    def on_reset(dbapi_connection: Any, record: Any, *_args: Any) -> None:
        gate.leave(record.info)

    event.listen(engine, "before_cursor_execute", before_execute)
    event.listen(engine, "commit", after_end)
    event.listen(engine, "rollback", after_end)
    event.listen(engine, "reset", on_reset)
    event.listen(engine, "invalidate", on_reset)
    return gate
