"""A progress bar for long CLI work, drawn on stderr only when it is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """``bar(done, total)`` redraws ``[#####.....] done/total unit  elapsed``."""

    def __init__(self, label: str, unit: str = "pages", stream: TextIO | None = None,
                 width: int = 30) -> None:
        self.label = label
        self.unit = unit
        self.stream = stream or sys.stderr
        self.width = width
        self.enabled = self.stream.isatty()
        self.started = time.monotonic()
        self._last = -1.0

    def __call__(self, done: int, total: int) -> None:
        """Show ``done`` of ``total``; redraws at most ten times a second."""
        if not self.enabled:
            return
        moment = time.monotonic()
        if done < total and moment - self._last < 0.1:
            return
        self._last = moment
        filled = int(self.width * done / total) if total else self.width
        elapsed = int(moment - self.started)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                          f"{done}/{total} {self.unit} {elapsed // 60}:{elapsed % 60:02d}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
