"""A demo PKI with its trust services running (``sohoa pki serve``) for signing tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from signing.pki import DemoPki, init_pki

SOHOA = Path(sys.executable).parent / "sohoa"


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class RunningPki:
    """A demo PKI directory and the base URL its services answer on."""

    pki: DemoPki
    directory: Path
    base_url: str

    @property
    def tsa_url(self) -> str:
        """The RFC 3161 endpoint."""
        return f"{self.base_url}/tsa"


def _wait(url: str, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sohoa pki serve exited: {process.stderr.read()!r}")  # type: ignore[union-attr]
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"sohoa pki serve did not answer at {url}")


@contextmanager
def running_pki(directory: Path) -> Iterator[RunningPki]:
    """Create a demo PKI in ``directory`` and serve it on a free loopback port."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    pki = init_pki(directory, base_url=base_url)
    env = {key: value for key, value in os.environ.items() if not key.startswith("SOHOA_")}
    process = subprocess.Popen([str(SOHOA), "pki", "serve", str(directory), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        _wait(f"{base_url}/crl/root.crl", process, time.monotonic() + 30)
        yield RunningPki(pki=pki, directory=directory, base_url=base_url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
