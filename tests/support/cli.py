"""The ``sohoa`` command run as scripts run it: a subprocess of this interpreter."""

from __future__ import annotations

import subprocess
import sys

SOHOA = [sys.executable, "-m", "api"]


def run(args: list[str], env: dict[str, str],
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``sohoa *args`` with ``env``; its exit code, stdout and stderr (text), never raising."""
    return subprocess.run([*SOHOA, *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
