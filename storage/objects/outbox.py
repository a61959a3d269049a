"""The S3 backend's outbox: accepted uploads kept on local disk until S3 holds them.

Sending an object to S3 costs far more than writing it locally: on the 2-core benchmark
machine, 50 concurrent 5 MB PUTs to SeaweedFS take 2-3 s of the S3 server's CPU (over half of
it MD5) on top of the upload's own work, so an upload that waited for its PUT could not be
accepted at the speed of the disk. With an outbox, ``S3ObjectStore.put_file`` fsyncs the
staged file and renames it into this directory (a :class:`LocalObjectStore`, so the same
atomic, content-addressed layout), and returns: the caller's record then points at an object
that is durable on this machine. An :class:`OutboxPusher` thread sends each entry to S3 and
removes it only once S3 answers with the object; until then the store reads the object from
the outbox. A process that exits normally first sends what it staged (a CLI import
returns once S3 holds its files); entries left by a process that crashed are sent by the
next one that opens the store on this outbox (``check()``) and by any running one within
:data:`RESCAN_SECONDS`, so an accepted upload is never lost.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage.errors import SohoaError
from storage.objects.base import LocalStoreConfig, ObjectInfo, S3StoreConfig, StoreConfig
from storage.objects.local import LocalObjectStore

QUIET_SECONDS = 1.0
"""An entry is sent once no upload has been staged for this long (a burst of uploads keeps
the cores for accepting them) ..."""
MAX_DELAY = timedelta(seconds=10)
"""... or once it has waited this long, whatever arrives."""
RESCAN_SECONDS = 30.0
"""How often the outbox is looked at when nothing wakes the pusher (entries another process
on this machine left behind)."""
RETRY_SECONDS = 5.0
"""The pause after a pass in which some entry could not be sent (S3 unreachable)."""

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxBacklog:
    """What waits in the outbox to be sent to S3: a growing backlog means S3 is away or
    slower than the uploads."""

    entries: int
    bytes: int
    oldest_age_seconds: float | None
    """How long the oldest entry has waited (``None`` when the outbox is empty)."""


def backlog_of(entries: Iterable[ObjectInfo], now: datetime | None = None) -> OutboxBacklog:
    """Count ``entries`` (an outbox's) and the age of the oldest at ``now``."""
    count = size = 0
    oldest: datetime | None = None
    for info in entries:
        count += 1
        size += info.size
        if oldest is None or info.modified < oldest:
            oldest = info.modified
    age = None if oldest is None else max(
        0.0, round(((now or datetime.now(UTC)) - oldest).total_seconds(), 1))
    return OutboxBacklog(entries=count, bytes=size, oldest_age_seconds=age)


def outbox_backlog(config: StoreConfig) -> OutboxBacklog | None:
    """The backlog of the outbox ``config`` names, read from this machine's disk (so it
    is known while S3 is down); ``None`` when the store has no outbox."""
    if not isinstance(config, S3StoreConfig) or config.outbox is None:
        return None
    if not config.outbox.is_dir():  # nothing staged yet
        return backlog_of([])
    # Listing needs no download secret: the store is only read here.
    outbox = LocalObjectStore(LocalStoreConfig(root=config.outbox, url_secret=b""))
    return backlog_of(outbox.list(""))


class OutboxPusher:
    """A daemon thread sending the outbox's entries to S3 one at a time, oldest first.

    ``pending`` lists the outbox's entries; ``push`` sends one to S3 and removes it from the
    outbox (raising a :class:`~storage.errors.SohoaError` if it could not).
    """

    def __init__(self, pending: Callable[[], Iterable[ObjectInfo]],
                 push: Callable[[str], None]) -> None:
        self._pending = pending
        self._push = push
        self._wake = threading.Event()
        self._last_staged = time.monotonic() - QUIET_SECONDS
        self._mine: set[str] = set()
        self._mine_lock = threading.Lock()
        atexit.register(self.drain)
        self._thread = threading.Thread(target=self._run, name="sohoa-s3-outbox", daemon=True)
        self._thread.start()
        self._wake.set()  # look at the outbox now: entries a stopped process left

    def staged(self, key: str) -> None:
        """Note that this process just added entry ``key`` (sent once uploads pause)."""
        with self._mine_lock:
            self._mine.add(key)
        self._last_staged = time.monotonic()
        self._wake.set()

    def drain(self) -> None:
        """Send now every entry this process added that is still waiting (run at exit);
        one that cannot be sent stays for the next process."""
        with self._mine_lock:
            keys = sorted(self._mine)
        for key in keys:
            self._send(key)

    def _send(self, key: str) -> bool:
        """Send one entry; whether it went (or was gone already)."""
        try:
            self._push(key)
        except SohoaError as error:
            _log.warning("could not send %s to S3 yet: %s", key, error)
            return False
        with self._mine_lock:
            self._mine.discard(key)
        return True

    def _run(self) -> None:
        while True:
            self._wake.wait(RESCAN_SECONDS)
            self._wake.clear()
            try:
                failed = self._send_all()
            except Exception:  # never let the thread die: the next pass tries again
                _log.exception("listing the S3 outbox failed")
                failed = True
            if failed:
                time.sleep(RETRY_SECONDS)

    def _send_all(self) -> bool:
        """Send every entry, new ones included, until the outbox is empty or an entry
        fails; whether one failed (the others were still tried)."""
        failed: set[str] = set()
        while True:
            entries = sorted((info for info in self._pending() if info.key not in failed),
                             key=lambda info: info.modified)
            if not entries:
                return bool(failed)
            for info in entries:
                self._wait_for_quiet(info.modified)
                if not self._send(info.key):
                    failed.add(info.key)

    def _wait_for_quiet(self, added: datetime) -> None:
        while (time.monotonic() - self._last_staged < QUIET_SECONDS
               and datetime.now(UTC) - added < MAX_DELAY):
            time.sleep(0.05)
