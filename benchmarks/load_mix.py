"""A mixed load against ``sohoa serve`` on the embedded defaults, over loopback: 50 client
threads for ``--seconds`` (default 120) uploading into dossiers, searching, verifying a
small signed PDF (``POST /verify``) and viewing pages (``GET /dossiers``,
``/documents/{id}``, ``/health``).

    .venv/bin/python benchmarks/load_mix.py [--seconds 120] [--clients 50] [--workers 1]

Afterwards every accepted upload is checked: its document answers with the original's
SHA-256, and the object downloads (through its signed link) with those bytes. It prints
p50/p95 per kind, the errors, the lost uploads and the server's peak RSS (its process and
children, sampled every 0.2 s with psutil); it exits 1 on any error or loss.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.support.pdfs import pdf_with  # noqa: E402
from tests.support.postgres import temporary_database  # noqa: E402

SOHOA = [sys.executable, "-m", "api"]
PASSWORD = "mat-khau-du-dai-12"  # noqa: S105  # a throw-away installation
WORDS = ("ho so dat dai", "giay chung nhan", "don de nghi", "quyet dinh", "UBND")
MIX = (("upload", 2), ("search", 3), ("verify", 1), ("dossiers", 2), ("document", 3),
       ("health", 1))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _sohoa(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run([*SOHOA, *args], env=env, capture_output=True, text=True,
                            check=False)
    if result.returncode:
        raise SystemExit(f"sohoa {' '.join(args)}: {result.stderr.strip()}")


def signed_pdf(work: Path, env: dict[str, str]) -> bytes:
    """A one-page PDF signed (B-B, attachment stamp) with a demo PKI's leader key."""
    _sohoa(["pki", "init", str(work / "pki")], env)
    (work / "draft.pdf").write_bytes(pdf_with(b"load test"))
    _sohoa(["sign", str(work / "draft.pdf"), "-o", str(work / "signed.pdf"), "--p12",
            str(work / "pki" / "leader.p12"), "--password", "1234", "--role", "attachment"],
           env)
    return (work / "signed.pdf").read_bytes()


class PeakRss(threading.Thread):
    """The largest resident set of a process and its children, sampled until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.2):
            try:
                total = self.process.memory_info().rss + sum(
                    child.memory_info().rss for child in self.process.children(recursive=True))
            except psutil.Error:
                continue
            self.peak = max(self.peak, total)


class Load:
    """The clients' shared state: timings per kind, errors and accepted uploads."""

    def __init__(self, base: str, headers: dict[str, str], dossiers: list[int],
                 signed: bytes) -> None:
        self.base, self.headers, self.dossiers, self.signed = base, headers, dossiers, signed
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.accepted: list[tuple[int, str]] = []  # (document id, sha256)
        self.lock = threading.Lock()

    def one(self, client: httpx.Client, kind: str, rng: random.Random) -> None:
        started = time.perf_counter()
        expected = 200
        if kind == "upload":
            body = pdf_with(secrets.token_bytes(rng.randint(2_000, 60_000)))
            response = client.post(f"/dossiers/{rng.choice(self.dossiers)}/documents",
                                   files=[("files", ("scan.pdf", body, "application/pdf"))])
            expected = 201
        elif kind == "search":
            response = client.get("/search", params={"q": rng.choice(WORDS)})
        elif kind == "verify":
            response = client.post("/verify", files=[("file", ("signed.pdf", self.signed,
                                                                "application/pdf"))])
        elif kind == "dossiers":
            response = client.get("/dossiers", params={"limit": 20})
        elif kind == "document":
            with self.lock:
                known = [doc for doc, _ in self.accepted[-200:]]
            path = f"/documents/{rng.choice(known)}" if known else "/health"
            response = client.get(path)
        else:
            response = client.get("/health")
        seconds = time.perf_counter() - started
        with self.lock:
            self.times[kind].append(seconds)
            if response.status_code != expected:
                self.errors.append(f"{kind}: {response.status_code} {response.text[:160]}")
            elif kind == "upload":
                (document,) = response.json()
                self.accepted.append((document["id"], hashlib.sha256(body).hexdigest()))
            elif kind == "verify" and response.json().get("signatures") in (None, []):
                self.errors.append("verify: no signature reported")

    def client(self, number: int, until: float) -> None:
        rng = random.Random(number)
        kinds = [kind for kind, weight in MIX for _ in range(weight)]
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=120) as client:
            while time.monotonic() < until:
                kind = rng.choice(kinds)
                try:
                    self.one(client, kind, rng)
                except (httpx.HTTPError, ValueError) as error:
                    with self.lock:
                        self.errors.append(f"{kind}: {type(error).__name__}: {error}")


def check_lost(base: str, headers: dict[str, str], accepted: list[tuple[int, str]]) -> list[str]:
    """Accepted uploads whose document or object is missing or differs."""
    lost = []
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for document, sha in accepted:
            row = client.get(f"/documents/{document}")
            originals = [f for f in row.json().get("files", []) if f.get("role") == "original"] \
                if row.status_code == 200 else []
            if not originals or originals[0]["sha256"] != sha:
                lost.append(f"document {document}: {row.status_code}")
                continue
            data = client.get(f"/documents/{document}/files/original", follow_redirects=True)
            if data.status_code != 200 or hashlib.sha256(data.content).hexdigest() != sha:
                lost.append(f"document {document}: object {data.status_code}")
    return lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1,
                        help="background workers of sohoa serve (its default, 1); with 0 "
                             "/health rightly answers 503 while jobs wait")
    parser.add_argument("--servers", action="store_true",
                        help="records in a fresh PostgreSQL database and jobs in the machine's "
                             "Redis (database 14) instead of the embedded defaults")
    args = parser.parse_args()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    with contextlib.ExitStack() as stack:
        work_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="sohoa-load-"))
        work, port = Path(work_dir), _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**clean, "SOHOA_DATA_DIR": str(work / "data"), "SOHOA_PUBLIC_URL": base}
        if args.servers:
            env["SOHOA_DATABASE_URL"] = stack.enter_context(temporary_database())
            env["SOHOA_REDIS_URL"] = os.environ.get("SOHOA_TEST_REDIS_URL",
                                                    "redis://127.0.0.1:6379/14")
            env["SOHOA_QUEUE_NAME"] = f"sohoa-load-{secrets.token_hex(4)}"
        _sohoa(["unit", "add", "LOAD", "Bộ phận một cửa"], env)
        _sohoa(["user", "add", "load", "--role", "admin", "--unit", "LOAD", "--password",
                PASSWORD], env)
        signed = signed_pdf(work, env)
        server = subprocess.Popen([*SOHOA, "serve", "--port", str(port), "--workers",
                                   str(args.workers)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        rss = PeakRss(server.pid)
        rss.start()
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("sohoa serve did not start")
                time.sleep(0.2)
            token = httpx.post(f"{base}/auth/token", data={
                "username": "load", "password": PASSWORD}).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            dossiers = [httpx.post(f"{base}/dossiers", headers=headers, json={
                "procedure_code": f"1.00{n}", "applicant_name": f"Nguyễn Văn {n}",
                "processing_days": 5}).json()["id"] for n in range(10)]
            load = Load(base, headers, dossiers, signed)
            until = time.monotonic() + args.seconds
            threads = [threading.Thread(target=load.client, args=(n, until))
                       for n in range(args.clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            lost = check_lost(base, headers, load.accepted)
        finally:
            rss.stopped.set()
            server.terminate()
            server.wait(timeout=30)
    total = sum(len(times) for times in load.times.values())
    print(f"{args.clients} clients, {args.seconds:.0f} s, {total} requests "
          f"({total / args.seconds:.1f}/s), workers {args.workers}, "
          f"{'PostgreSQL + Redis' if args.servers else 'embedded (SQLite)'}")
    for kind, _ in MIX:
        times = sorted(load.times.get(kind, []))
        if times:
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(f"  {kind:9} {len(times):6} requests  p50 {statistics.median(times) * 1000:7.1f}"
                  f" ms  p95 {p95 * 1000:7.1f} ms")
    print(f"errors {len(load.errors)}, accepted uploads {len(load.accepted)}, lost {len(lost)}, "
          f"server peak RSS {rss.peak / 2**20:.0f} MiB")
    kinds: dict[str, int] = {}
    for line in load.errors:
        head = line.split(" ", 2)
        kinds[" ".join(head[:2])] = kinds.get(" ".join(head[:2]), 0) + 1
    for kind, count in sorted(kinds.items(), key=lambda item: -item[1]):
        print(f"  {count:4d} x {kind}")
    for line in (load.errors + lost)[:10]:
        print(f"  {line}")
    return 1 if load.errors or lost else 0


if __name__ == "__main__":
    raise SystemExit(main())
