"""A job's fixed overhead: the time from queueing a job whose own work is negligible (the
fixity check of a one-page document) to its "done", through ``sohoa serve`` on loopback
with one worker, on the embedded defaults.

    .venv/bin/python benchmarks/job_overhead.py [--jobs 30] [--code DIR ...]

``--code`` names checkouts of sohoa to measure side by side in the same run (default:
this one), e.g. the code before the worker kept its runtime across jobs:

    git worktree add /tmp/sohoa-before 7c1ecba
    .venv/bin/python benchmarks/job_overhead.py --code /tmp/sohoa-before --code .

Each checkout runs from its own directory (``python -m api``) with this venv's packages.
Printed per checkout: median and p90 of the queue-to-done latency of ``--jobs`` jobs run
one after another, ``--pause`` seconds apart.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pymupdf

PASSWORD = "do-dai-du-8-ky-tu"  # noqa: S105 - a throwaway benchmark user


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _sohoa(code: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "api", *args], cwd=code, env=env, check=True,
                   capture_output=True)


def _pdf(path: Path) -> Path:
    with pymupdf.open() as document:
        document.new_page().insert_text((72, 72), "Giấy biên nhận hồ sơ")
        document.save(path)
    return path


def _wait(client: httpx.Client, job_id: str, headers: dict[str, str], limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        body = client.get(f"/jobs/{job_id}", headers=headers).json()
        if body["status"] in ("done", "failed"):
            assert body["status"] == "done", body
            return
        time.sleep(0.002)
    raise TimeoutError(f"job {job_id} not done in {limit} s")


def measure(code: Path, jobs: int, pause: float) -> list[float]:
    """Queue-to-done seconds of ``jobs`` fixity jobs, one after another."""
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-") as work:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
        env.update(SOHOA_DATA_DIR=str(Path(work) / "data"), PYTHONWARNINGS="ignore")
        _sohoa(code, env, "unit", "add", "BENCH", "Đơn vị đo")
        _sohoa(code, env, "user", "add", "bench", "--role", "intake", "--unit", "BENCH",
               "--password", PASSWORD)
        port = _free_port()
        log = (Path(work) / "serve.log").open("wb")
        server = subprocess.Popen([sys.executable, "-m", "api", "serve", "--port", str(port),
                                   "--workers", "1"], cwd=code, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                for _ in range(300):
                    try:
                        if client.get("/health").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    time.sleep(0.1)
                token = client.post("/auth/token", data={"username": "bench",
                                                         "password": PASSWORD}).json()
                headers = {"Authorization": f"Bearer {token['access_token']}"}
                dossier = client.post("/dossiers", headers=headers, json={
                    "procedure_code": "1.0", "applicant_name": "Lê Văn Đo",
                    "processing_days": 1}).json()["id"]
                pdf = _pdf(Path(work) / "page.pdf")
                document = client.post(f"/dossiers/{dossier}/documents", headers=headers,
                                       files={"files": ("page.pdf", pdf.read_bytes(),
                                                        "application/pdf")}).json()[0]["id"]
                deadline = time.monotonic() + 300  # let the upload's OCR job finish first
                while client.get(f"/documents/{document}", headers=headers).json()[
                        "status"] not in ("digitised", "failed"):
                    assert time.monotonic() < deadline, "the OCR of the page never finished"
                    time.sleep(0.1)
                seconds = []
                for _ in range(jobs):
                    time.sleep(pause)
                    started = time.perf_counter()
                    job = client.post(f"/documents/{document}/fixity", headers=headers).json()
                    _wait(client, job["id"], headers, 60)
                    seconds.append(time.perf_counter() - started)
                return seconds
        except Exception:
            print((Path(work) / "serve.log").read_text(errors="replace")[-3000:],
                  file=sys.stderr)
            raise
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()


def main() -> None:
    """Measure each checkout and print the figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=30)
    parser.add_argument("--code", action="append", default=[], type=Path)
    parser.add_argument("--pause", type=float, default=0.5,
                        help="seconds between jobs (the code before issue 12 loses a rerun "
                             "asked for while RQ still finishes the previous one)")
    args = parser.parse_args()
    for code in args.code or [Path(__file__).resolve().parents[1]]:
        seconds = measure(code.resolve(), args.jobs, args.pause)
        ordered = sorted(seconds)
        print(f"{code}: {args.jobs} jobs, queue-to-done median "
              f"{statistics.median(seconds) * 1000:.0f} ms, p90 "
              f"{ordered[int(0.9 * (len(ordered) - 1))] * 1000:.0f} ms", flush=True)


if __name__ == "__main__":
    main()
