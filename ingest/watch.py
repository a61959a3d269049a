"""The scanner folder: files network scanners drop into a directory are ingested once they
are complete, then moved to ``done/``, or to ``failed/`` beside a text file with the reason.

A file counts as complete when its size and modification time have not changed for
``settle`` seconds. Nothing is deleted: a file is only moved, and only after whatever it
became has been stored. An error that is not the file's fault (storage or database down)
leaves the file in place to be tried again on a later pass.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.errors import BadInputError

DONE, FAILED = "done", "failed"
log = logging.getLogger("sohoa.watch")

Ingest = Callable[[Path], dict[str, Any]]
"""Stores one complete file (splitting stacks) and returns what was made of it."""


@dataclass
class _Seen:
    size: int
    mtime: float
    since: float


@dataclass
class FolderWatcher:
    """Watches ``folder``; :meth:`scan_once` handles every file that has settled."""

    folder: Path
    ingest: Ingest
    settle: float = 2.0
    clock: Callable[[], float] = time.monotonic
    _seen: dict[Path, _Seen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in (DONE, FAILED):
            (self.folder / name).mkdir(parents=True, exist_ok=True)

    def candidates(self) -> list[Path]:
        """Visible regular files directly in the folder (not in done/ or failed/)."""
        return sorted(path for path in self.folder.iterdir()
                      if path.is_file() and not path.name.startswith((".", "~"))
                      and not path.name.endswith((".part", ".tmp", ".crdownload")))

    def settled(self, path: Path) -> bool:
        """Whether ``path`` has kept its size and time for ``settle`` seconds."""
        try:
            stat = path.stat()
        except FileNotFoundError:
            self._seen.pop(path, None)
            return False
        now = self.clock()
        seen = self._seen.get(path)
        if seen is None or (seen.size, seen.mtime) != (stat.st_size, stat.st_mtime):
            self._seen[path] = _Seen(stat.st_size, stat.st_mtime, now)
            return False
        return now - seen.since >= self.settle

    def scan_once(self) -> list[dict[str, Any]]:
        """Ingest every settled file; returns one outcome per file handled."""
        outcomes = []
        for path in self.candidates():
            if self.settled(path):
                outcomes.append(self.handle(path))
        return outcomes

    def handle(self, path: Path) -> dict[str, Any]:
        """Ingest one file and move it to done/ or failed/ (with the reason)."""
        self._seen.pop(path, None)
        try:
            result = self.ingest(path)
        except BadInputError as error:
            target = _free_name(self.folder / FAILED / path.name)
            os.replace(path, target)
            reason = target.with_name(target.name + ".reason.txt")
            reason.write_text(f"{error}\n", encoding="utf-8")
            log.warning("%s: refused: %s", path.name, error)
            return {"file": path.name, "status": "failed", "reason": str(error),
                    "moved_to": str(target)}
        target = _free_name(self.folder / DONE / path.name)
        os.replace(path, target)
        log.info("%s: ingested", path.name)
        return {"file": path.name, "status": "done", "moved_to": str(target), **result}

    def run(self, interval: float = 1.0, stop: Callable[[], bool] = lambda: False) -> None:
        """Scan every ``interval`` seconds until ``stop()`` says so. Errors that are not
        the file's fault are logged and the file is tried again on a later pass."""
        while not stop():
            try:
                self.scan_once()
            except Exception:  # storage or database down: keep watching, retry later
                log.exception("scanner folder pass failed; retrying")
            time.sleep(interval)


def _free_name(target: Path) -> Path:
    """``target``, or ``name (2).ext``, ``name (3).ext``, ... if it is taken."""
    if not target.exists():
        return target
    for number in range(2, 10_000):
        candidate = target.with_name(f"{target.stem} ({number}){target.suffix}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(target)
