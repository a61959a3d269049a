"""Processes for fault tests: a process's children (from ``/proc``), waiting for pids to
vanish, a private ``redis-server`` that can be killed and started again on its data, a
SeaweedFS killed and started again on its data, and a running ``sohoa serve``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import redis

from tests.support.seaweed import SeaweedServer, free_ports
from tests.support.seaweed import _wait_until_ready as wait_for_seaweed


def children(pid: int) -> dict[int, str]:
    """The live (not zombie) children of ``pid``: their pids and command lines."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if fields[0] != "Z" and int(fields[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def exists(pid: int) -> bool:
    """Whether ``pid`` is a process that has not exited (a zombie counts as exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def stop_group(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM the process's group (it leads its own session), SIGKILL it after
    ``timeout`` seconds if it is still there."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until(predicate: object, timeout: float, what: str) -> None:
    """Poll ``predicate()`` every 0.1 s until true; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what}: not within {timeout}s"
        time.sleep(0.1)


@dataclass
class PrivateRedis:
    """A ``redis-server`` of this test only, append-only with fsync on every write."""

    directory: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its URL (database 0)."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it on its port and directory (the append-only file is read back)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.directory), "--appendonly", "yes", "--appendfsync", "always",
             "--save", "", "--logfile", str(self.directory / "redis.log")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_until(answers, 15, "the private redis-server answering")

    def kill(self) -> None:
        """SIGKILL it (no shutdown save: only what the append-only file holds survives)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@contextmanager
def private_redis(directory: Path) -> Iterator[PrivateRedis]:
    """A started :class:`PrivateRedis` on a free port, killed at the end."""
    server = PrivateRedis(directory, free_ports(1)[0])
    server.start()
    try:
        yield server
    finally:
        server.kill()


@dataclass
class RunningServe:
    """A ``sohoa serve`` process and an HTTP client for it."""

    process: subprocess.Popen[bytes]
    client: httpx.Client
    log_path: Path

    def log(self) -> str:
        """Everything it wrote so far."""
        return self.log_path.read_text(errors="replace")


@contextmanager
def running_serve(env: dict[str, str], log_path: Path, *args: str,
                  timeout: float = 60, port: int | None = None) -> Iterator[RunningServe]:
    """``sohoa serve`` on ``port`` (default: a free one; a fixed one lets a restarted server
    keep the address its peers know), in its own session, answering ``/health``; killed
    with its process group at the end if it still runs. The log is appended to."""
    port = port or free_ports(1)[0]
    log = log_path.open("ab")
    process = subprocess.Popen([sys.executable, "-m", "api", "serve", "--port", str(port),
                                *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    client.get("/health")
                    break
                except httpx.TransportError:
                    assert process.poll() is None, log_path.read_text(errors="replace")
                    assert time.monotonic() < deadline, "sohoa serve did not answer"
                    time.sleep(0.2)
            yield RunningServe(process, client, log_path)
    finally:
        stop_group(process, 30)
        log.close()


def kill_seaweed(server: SeaweedServer) -> list[str]:
    """SIGKILL a running SeaweedFS (its whole process group), keeping its directory; return
    its command line for :func:`restart_seaweed`."""
    command = Path(f"/proc/{server.process.pid}/cmdline").read_bytes().split(b"\0")
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait()
    return [part.decode() for part in command if part]


def restart_seaweed(server: SeaweedServer, command: list[str], timeout: float = 60) -> None:
    """Start SeaweedFS again with the same command line: same ports, keys and data."""
    with (server.workdir / "weed.log").open("ab") as log:
        server.process = subprocess.Popen(command, cwd=server.workdir, stdin=subprocess.DEVNULL,
                                          stdout=log, stderr=subprocess.STDOUT,
                                          start_new_session=True)
    wait_for_seaweed(server, timeout)
