"""Concurrent uploads against ``sohoa serve`` on loopback: time to accept, all stored and
queued, none lost; on the embedded defaults and on PostgreSQL + Redis + S3 (SeaweedFS).

    .venv/bin/python benchmarks/upload_concurrency.py [--uploads 50] [--size-mb 5]
        [--only embedded|servers] [--singles 5] [--repeat 1] [--against COMMIT]
        [--client http|httpx] [--puts-alone] [--s3-outbox]

Each upload is a distinct scanned page of about ``--size-mb`` MB (a JPEG of noisy paper
with text), sent by its own client thread at once.
After the run every upload is checked: a document row with the original's SHA-256, the
object in the store, and an OCR job queued for it. Then ``--singles`` more uploads are sent
one after another: the accept time of one upload alone (median and max).

The clock runs from opening the connection to reading the whole answer. The client is lean
by default (``--client http``): each upload's multipart body is built before the clock
starts and sent by ``http.client`` in one ``sendall`` (the GIL released while the kernel
copies). ``--client httpx`` sends through ``httpx.post(files=...)`` as before: its 50
threads cost ~1.7 s of CPU in this process per 250 MB and on this 2-core machine measured
a p95 of ~3.2 s against a server that only drains the bodies (``http``: ~0.9 s), so that
figure is mostly the client's.

The CPU time the server, this client and (servers set) the S3 server used during the
concurrent uploads is printed, and what it comes to spread over every core of the machine:
even on an idle machine the last answers cannot come sooner (each figure includes its
kernel time; loopback TCP's receive work is mostly charged to the sender). On the servers
set ``--puts-alone`` also times the same number of S3 PUTs sent at once by this tree's
``S3ObjectStore.put_file`` with nothing else running: the PUT's own share of the accept time.
``--s3-outbox`` runs this tree's servers case with ``SOHOA_S3_OUTBOX=true`` (labelled
``outbox``): uploads are accepted once fsynced in the data directory's outbox and sent to S3
in the background; it also prints how long after the last answer S3 held all of them.

With ``--against COMMIT`` the same cases also run on that commit's code (``git archive``
into a temporary directory, served from there), alternating with this tree's ``--repeat``
times, so both are measured in the same run on the same noisy machine.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
from older_code import older_checkout  # beside this script

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.postgres import temporary_database  # noqa: E402
from tests.support.seaweed import SeaweedServer, start_seaweed  # noqa: E402


def scan_bytes(index: int, size_mb: float) -> bytes:
    """A distinct JPEG 'scan' of roughly ``size_mb`` MB."""
    rng = np.random.default_rng(index)
    side = int(1200 * max(size_mb, 0.5) ** 0.5)
    page = np.full((side * 14 // 10, side, 3), 235, np.uint8)
    page += rng.integers(0, 20, page.shape, dtype=np.uint8)
    for row in range(60, page.shape[0] - 60, 40):
        cv2.putText(page, f"Ho so {index} dong {row}", (60, row), cv2.FONT_HERSHEY_SIMPLEX,
                    1.0, (20, 20, 20), 2)
    ok, data = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, 97])
    assert ok
    return bytes(data)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process ``pid`` has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _group_cpu_seconds(group: int) -> float:
    """User + system CPU seconds used by the live processes of process group ``group``
    (SeaweedFS's ``weed server`` runs in its own group)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # exited meanwhile
        if int(fields[2]) == group:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def multipart_body(filename: str, content: bytes, media_type: str) -> tuple[bytes, str]:
    """The multipart/form-data body of one ``files`` part and its Content-Type header."""
    request = httpx.Request("POST", "http://127.0.0.1/", files=[
        ("files", (filename, content, media_type))])
    return request.read(), request.headers["content-type"]


def post_prebuilt(port: int, path: str, body: bytes, headers: dict[str, str]
                  ) -> tuple[int, str]:
    """POST ``body`` over a new connection with ``http.client`` (headers and body in one
    send); the answer's status and text."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def run_case(label: str, env: dict[str, str], uploads: int, size_mb: float, *,
             code: Path = REPO, singles: int = 5, client: str = "http",
             s3_group: int | None = None, s3_keys: Callable[[], set[str]] | None = None
             ) -> None:
    """Start sohoa serve (the code in ``code``) with ``env``, upload concurrently, check,
    then upload ``singles`` files one at a time; print the figures (with ``s3_group``, the
    S3 server's process group, also its CPU time during the concurrent uploads; with
    ``s3_keys`` (the bucket's keys) and an outbox, how long after the last answer S3 held
    every upload)."""
    sohoa = [sys.executable, "-m", "api"]
    env = {**env, "PYTHONPATH": str(code)}
    subprocess.run([*sohoa, "unit", "add", "BENCH", "Một cửa"], env=env, check=True,
                   capture_output=True, cwd=code)
    subprocess.run([*sohoa, "user", "add", "bench", "--role", "intake", "--unit", "BENCH",
                    "--password", "mat-khau-dai-du"], env=env, check=True, capture_output=True,
                   cwd=code)
    port = _free_port()
    server = subprocess.Popen([*sohoa, "serve", "--port", str(port), "--workers", "0"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              cwd=code)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code in (200, 503):
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{label}: sohoa serve did not start")
            time.sleep(0.2)
        token = httpx.post(f"{base}/auth/token", data={
            "username": "bench", "password": "mat-khau-dai-du"}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        dossier = httpx.post(f"{base}/dossiers", headers=headers, json={
            "procedure_code": "1.0", "applicant_name": "Lê Văn Bình",
            "processing_days": 5}).json()["id"]
        bodies = [scan_bytes(index, size_mb) for index in range(uploads)]
        path = f"/dossiers/{dossier}/documents"

        prebuilt: dict[int, tuple[bytes, str]] = {}

        def prepare(index: int) -> None:
            if client == "http":
                prebuilt[index] = multipart_body(f"scan-{index}.jpg", bodies[index],
                                                 "image/jpeg")

        def upload(index: int) -> tuple[float, int, str]:
            if client == "httpx":
                started = time.perf_counter()
                response = httpx.post(f"{base}{path}", headers=headers, timeout=300, files=[
                    ("files", (f"scan-{index}.jpg", bodies[index], "image/jpeg"))])
                return time.perf_counter() - started, response.status_code, response.text
            body, content_type = prebuilt.pop(index)
            started = time.perf_counter()
            status, text = post_prebuilt(port, path, body,
                                         {**headers, "Content-Type": content_type})
            return time.perf_counter() - started, status, text

        for index in range(uploads):
            prepare(index)
        cpu_before, client_before = _cpu_seconds(server.pid), _cpu_seconds(os.getpid())
        s3_before = _group_cpu_seconds(s3_group) if s3_group is not None else 0.0
        with ThreadPoolExecutor(uploads) as pool:
            results = list(pool.map(upload, range(uploads)))
        answered = time.perf_counter()
        server_cpu = _cpu_seconds(server.pid) - cpu_before
        client_cpu = _cpu_seconds(os.getpid()) - client_before
        s3_seconds = _group_cpu_seconds(s3_group) - s3_before if s3_group is not None else 0.0
        s3_cpu = f"S3 server CPU {s3_seconds:.1f} s, " if s3_group is not None else ""
        floor = (server_cpu + client_cpu + s3_seconds) / (os.cpu_count() or 1)
        times = sorted(seconds for seconds, _, _ in results)
        failed = [text for _, status, text in results if status != 201]
        listed = httpx.get(f"{base}/dossiers/{dossier}", headers=headers).json()
        stored = {hashlib.sha256(body).hexdigest() for body in bodies}
        documents = [d for d in _documents(base, headers, dossier)]
        found = {f["sha256"] for d in documents for f in d["files"] if f["role"] == "original"}
        queued = sum(1 for d in documents if d["status"] in ("queued", "processing",
                                                             "digitised"))
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{label:14} {uploads} x {sum(map(len, bodies)) / uploads / 1e6:.1f} MB: "
              f"p50 {statistics.median(times):.2f} s, p95 {p95:.2f} s, max {times[-1]:.2f} s; "
              f"accepted {uploads - len(failed)}, stored {len(stored & found)}, "
              f"queued {queued}, lost {len(stored - found)}; dossier {listed['status']}; "
              f"server CPU {server_cpu:.1f} s, {s3_cpu}client CPU {client_cpu:.1f} s "
              f"(all on {os.cpu_count()} cores: >= {floor:.2f} s), "
              f"load {os.getloadavg()[0]:.1f}")
        for text in failed[:3]:
            print(f"   refused: {text[:200]}")
        if s3_keys is not None and env.get("SOHOA_S3_OUTBOX") == "true":
            _wait_for_s3(label, s3_keys, stored, Path(env["SOHOA_DATA_DIR"]) / "s3-outbox",
                         answered)
        alone = []
        for index in range(uploads, uploads + singles):
            body = scan_bytes(index, size_mb)
            bodies.append(body)
            prepare(index)
            seconds, status, text = upload(index)
            if status != 201:
                print(f"   refused alone: {text[:200]}")
            alone.append(seconds)
        if alone:
            print(f"{label:14} 1 x {size_mb:.0f} MB alone ({singles} in turn): "
                  f"median {statistics.median(alone) * 1000:.0f} ms, "
                  f"max {max(alone) * 1000:.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for_s3(label: str, s3_keys: Callable[[], set[str]], stored: set[str],
                 outbox: Path, answered: float) -> None:
    """Wait until S3 holds every upload (by SHA-256) and the outbox is empty; print how
    long after ``answered`` (the last upload's answer)."""
    started = time.perf_counter()
    while True:
        in_s3 = {key.rsplit("/", 1)[-1].partition(".")[0] for key in s3_keys()} & stored
        waiting = [path for path in outbox.rglob("*")
                   if path.is_file() and not path.relative_to(outbox).parts[0].startswith(".")]
        if (len(in_s3) == len(stored) and not waiting) or time.perf_counter() - started > 300:
            break
        time.sleep(0.1)
    print(f"{label:14} in S3 {len(in_s3)} of {len(stored)}, {len(waiting)} left in the outbox, "
          f"{time.perf_counter() - answered:.1f} s after the last answer")


def puts_alone(s3: SeaweedServer, uploads: int, size_mb: float) -> None:
    """``uploads`` staged files of ``size_mb`` MB sent at once by this tree's
    ``S3ObjectStore.put_file`` to ``s3``, nothing else running: the PUT's share of an
    upload on the servers set (wall time, this process's CPU and the S3 server's)."""
    from storage.objects import S3StoreConfig
    from storage.objects.s3 import S3ObjectStore

    store = S3ObjectStore(S3StoreConfig(endpoint=s3.endpoint, access_key=s3.access_key,
                                        secret_key=s3.secret_key, bucket="bench-puts"))
    store.check()
    staged = []
    for _ in range(uploads):
        content = os.urandom(int(size_mb * 1e6))
        handle, name = tempfile.mkstemp(prefix="sohoa-bench-put-", dir=store.staging_dir())
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        staged.append((Path(name), hashlib.sha256(content).hexdigest()))

    def put(item: tuple[Path, str]) -> float:
        started = time.perf_counter()
        store.put_file("bench", item[0], sha256=item[1], suffix=".bin")
        return time.perf_counter() - started

    own_before, s3_before = _cpu_seconds(os.getpid()), _group_cpu_seconds(s3.process.pid)
    started = time.perf_counter()
    with ThreadPoolExecutor(uploads) as pool:
        times = sorted(pool.map(put, staged))
    wall = time.perf_counter() - started
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"{'S3 PUTs alone':14} {uploads} x {size_mb:.1f} MB put_file at once: "
          f"all in {wall:.2f} s, p50 {statistics.median(times):.2f} s, p95 {p95:.2f} s; "
          f"client CPU {_cpu_seconds(os.getpid()) - own_before:.1f} s, "
          f"S3 server CPU {_group_cpu_seconds(s3.process.pid) - s3_before:.1f} s, "
          f"load {os.getloadavg()[0]:.1f}")


def _documents(base: str, headers: dict[str, str], dossier: int) -> list[dict[str, Any]]:
    rows = []
    for number in range(1, 10_000):
        response = httpx.get(f"{base}/documents/{number}", headers=headers)
        if response.status_code == 404:
            break
        if response.json().get("dossier_id") == dossier:
            rows.append(response.json())
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--size-mb", type=float, default=5.0)
    parser.add_argument("--only", choices=("embedded", "servers"), default=None)
    parser.add_argument("--singles", type=int, default=5,
                        help="uploads sent one at a time after the concurrent ones")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--against", metavar="COMMIT", default=None,
                        help="also run that commit's code, alternating with this tree's")
    parser.add_argument("--s3-outbox", action="store_true",
                        help="servers: this tree's server accepts into its S3 outbox "
                             "(SOHOA_S3_OUTBOX); prints when S3 held every upload")
    parser.add_argument("--puts-alone", action="store_true",
                        help="servers: also time the same number of S3 PUTs alone (this "
                             "tree's put_file, no HTTP upload around them)")
    parser.add_argument("--client", choices=("http", "httpx"), default="http",
                        help="http: prebuilt bodies over http.client (lean); httpx: "
                             "httpx.post(files=...), whose CPU dominates on 2 cores")
    args = parser.parse_args()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    with contextlib.ExitStack() as stack:
        codes = [("now", REPO)]
        if args.against:
            codes.insert(0, stack.enter_context(older_checkout(args.against,
                                                               "sohoa-bench-code-")))
        for round_ in range(args.repeat):
            for name, code in codes:
                _run_kinds(args, clean, f"{name}#{round_ + 1}", code)
    return 0


def _run_kinds(args: argparse.Namespace, clean: dict[str, str], tag: str, code: Path) -> None:
    if args.only in (None, "embedded"):
        with tempfile.TemporaryDirectory(prefix="sohoa-bench-") as work:
            run_case(f"embedded {tag}", {**clean, "SOHOA_DATA_DIR": work}, args.uploads,
                     args.size_mb, code=code, singles=args.singles, client=args.client)
    if args.only in (None, "servers"):
        with tempfile.TemporaryDirectory(prefix="sohoa-bench-") as work, \
                temporary_database() as database_url, start_seaweed() as s3:
            env = {**clean, "SOHOA_DATA_DIR": work, "SOHOA_DATABASE_URL": database_url,
                   "SOHOA_REDIS_URL": "redis://127.0.0.1:6379/14",
                   "SOHOA_QUEUE_NAME": f"bench-{os.getpid()}",
                   "SOHOA_S3_ENDPOINT": s3.endpoint, "SOHOA_S3_ACCESS_KEY": s3.access_key,
                   "SOHOA_S3_SECRET_KEY": s3.secret_key, "SOHOA_S3_BUCKET": "bench"}
            label = f"servers {tag}"
            if args.s3_outbox and code == REPO:
                env["SOHOA_S3_OUTBOX"] = "true"
                label = f"outbox {tag}"
            client = s3.client()

            def s3_keys() -> set[str]:
                return {str(item.object_name) for item in
                        client.list_objects("bench", recursive=True)}

            run_case(label, env, args.uploads, args.size_mb, code=code,
                     singles=args.singles, client=args.client, s3_group=s3.process.pid,
                     s3_keys=s3_keys)
            if args.puts_alone and code == REPO:
                puts_alone(s3, args.uploads, args.size_mb)


if __name__ == "__main__":
    raise SystemExit(main())
