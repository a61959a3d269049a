"""``sohoa serve`` supervises its processes: a dead worker is reaped and started again, one
that keeps crashing is given up loudly (log line, ``/health`` degraded), the embedded Valkey
is restarted, and nothing outlives a killed ``serve``. Real processes, real signals."""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from api.runtime import open_records, open_store
from api.settings import Settings
from api.supervisor import Supervisor
from ingest.intake import store_original
from storage.records import Dossier
from tests.support.cli import run
from tests.support.pdfs import pdf_with
from tests.support.processes import children, exists, running_serve, wait_until

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def _pid(supervisor: Supervisor) -> int:
    process = supervisor.children[0].process
    assert process is not None
    return process.pid


def test_a_killed_child_is_reaped_and_started_again() -> None:
    supervisor = Supervisor(max_restarts=3, window_seconds=60, interval=0.1)
    supervisor.add("sleeper", SLEEPER, dict(os.environ))
    supervisor.start()
    try:
        first = _pid(supervisor)
        os.kill(first, signal.SIGKILL)
        wait_until(lambda: _pid(supervisor) != first, 10, "a new sleeper")
        assert not Path(f"/proc/{first}").exists()  # reaped, not left defunct
        assert supervisor.status()["processes"]["sleeper"] == {
            "pid": _pid(supervisor), "alive": True, "restarts": 1, "given_up": False}
        second = _pid(supervisor)
    finally:
        supervisor.stop()
    assert not exists(second)


def test_a_child_crashing_again_and_again_is_given_up_loudly(
        caplog: pytest.LogCaptureFixture) -> None:
    supervisor = Supervisor(max_restarts=2, window_seconds=60, interval=0.05)
    supervisor.add("crasher", [sys.executable, "-c", "raise SystemExit(3)"], dict(os.environ))
    with caplog.at_level(logging.WARNING, logger="sohoa.supervisor"):
        supervisor.start()
        try:
            wait_until(lambda: supervisor.given_up == ["crasher"], 20, "giving up")
            time.sleep(0.3)  # and it stays given up: no further start
            assert supervisor.status()["processes"]["crasher"]["restarts"] == 2
        finally:
            supervisor.stop()
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == ["sohoa serve: crasher exited 3 times within 60 s (last exit code 3); "
                      "not starting it again"]


def test_children_die_with_a_killed_parent_even_restarted_ones(tmp_path: Path) -> None:
    script = (
        "import os, sys, time\n"
        "from api.supervisor import Supervisor\n"
        "s = Supervisor(interval=0.1)\n"
        f"s.add('a', {SLEEPER!r}, dict(os.environ)); s.add('b', {SLEEPER!r}, dict(os.environ))\n"
        "s.start()\n"
        "print(' '.join(str(c.process.pid) for c in s.children), flush=True)\n"
        "time.sleep(120)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              cwd=Path(__file__).parents[2], start_new_session=True)
    try:
        assert parent.stdout is not None
        first_a, first_b = map(int, parent.stdout.readline().split())
        os.kill(first_b, signal.SIGKILL)  # 'b' is restarted by the watching thread
        wait_until(lambda: len(children(parent.pid)) == 2 and first_b not in children(
            parent.pid), 10, "b started again")
        kids = list(children(parent.pid))
        assert first_a in kids
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        wait_until(lambda: not any(exists(pid) for pid in kids), 10, "children gone")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def _stored_without_ocr(env: dict[str, str], dossier_id: int) -> int:
    """A document stored straight into the service's records (no OCR job queued before
    the one the test asks for)."""
    settings = Settings(_env_file=None, data_dir=Path(env["SOHOA_DATA_DIR"]))
    db, store = open_records(settings, upgrade=False), open_store(settings)
    try:
        with db.session() as session:
            dossier = session.get(Dossier, dossier_id)
            stored = store_original(session, store, dossier=dossier, filename="scan.pdf",
                                    stream=io.BytesIO(pdf_with(os.urandom(20_000))),
                                    actor="test", user_id=None)
            return stored.document.id
    finally:
        db.dispose()


def _admin_headers(client: object) -> dict[str, str]:
    response = client.post("/auth/token",  # type: ignore[attr-defined]
                           data={"username": "quantri", "password": "mật-khẩu-dài"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.mark.slow
def test_serve_restarts_its_worker_and_valkey_gives_up_then_dies_whole(
        env: dict[str, str], tmp_path: Path) -> None:
    assert run(["unit", "add", "UBND", "Ủy ban nhân dân"], env).returncode == 0
    assert run(["user", "add", "quantri", "--role", "admin", "--unit", "UBND",
                "--password", "mật-khẩu-dài"], env).returncode == 0
    env = {**env, "SOHOA_WORKER_MAX_RESTARTS": "1",
           "SOHOA_WORKER_RESTART_WINDOW_SECONDS": "600"}
    with running_serve(env, tmp_path / "serve.log", "--workers", "1") as serve:
        client = serve.client
        headers = _admin_headers(client)

        def details() -> dict[str, object]:
            body: dict[str, object] = client.get("/health", headers=headers).json()
            return body

        def worker_pid() -> int:
            processes = details()["workers"]["detail"]["supervisor"]["processes"]  # type: ignore[index]
            return int(processes["worker-1"]["pid"])

        def alive_workers() -> int:
            return int(details()["workers"]["detail"]["alive"])  # type: ignore[index]

        anonymous = client.get("/health")
        assert anonymous.json() == {"status": "ok"}  # no paths or versions for anyone
        wait_until(lambda: alive_workers() == 1, 60, "the worker registered")
        assert str(tmp_path) in str(details()["checks"])  # the admin sees the details

        # the embedded Valkey is killed: started again, the queue answers again
        valkey = [pid for pid, cmd in children(serve.process.pid).items() if "valkey" in cmd]
        assert len(valkey) == 1, children(serve.process.pid)
        os.kill(valkey[0], signal.SIGKILL)
        wait_until(lambda: details().get("status") == "ok" and details()["workers"][  # type: ignore[index]
            "detail"]["supervisor"]["valkey_restarts"] == 1, 30, "Valkey started again")

        # the worker is killed: reaped, started again, and it runs a new job
        first = worker_pid()
        os.kill(first, signal.SIGKILL)
        wait_until(lambda: worker_pid() != first, 15, "a new worker")
        assert not Path(f"/proc/{first}").exists()  # not left defunct
        wait_until(lambda: alive_workers() == 1, 60, "the new worker registered")
        dossier = client.post("/dossiers", headers=headers, json={
            "procedure_code": "1.000001", "applicant_name": "Lê Văn Tám",
            "processing_days": 2}).json()
        document_id = _stored_without_ocr(env, int(dossier["id"]))
        job = client.post(f"/documents/{document_id}/fixity", headers=headers).json()
        wait_until(lambda: client.get(f"/jobs/{job['id']}", headers=headers).json()[
            "status"] == "done", 60, "the fixity job done by the new worker")

        # killed again within the window: given up, loudly
        os.kill(worker_pid(), signal.SIGKILL)
        wait_until(lambda: client.get("/health").status_code == 503, 15, "health degraded")
        assert client.get("/health").json() == {"status": "degraded"}
        body = details()
        assert body["degraded"] == ["sohoa serve gave up restarting worker-1"]
        assert "worker-1 exited 2 times within 600 s" in serve.log()

        # serve itself is killed: nothing it started lives on
        kids = list(children(serve.process.pid))
        assert kids  # Valkey at least
        os.kill(serve.process.pid, signal.SIGKILL)
        serve.process.wait()
        wait_until(lambda: not any(exists(pid) for pid in kids), 10,
                   f"serve's children {kids} gone")


def test_a_worker_still_starting_is_not_counted_dead() -> None:
    """/health must not call the service degraded while a worker just started (importing,
    loading the classifier) has not registered with the queue yet (the load mix saw it)."""
    supervisor = Supervisor(interval=0.1)
    supervisor.add("worker-1", [sys.executable, "-c", "import time; time.sleep(30)"],
                   dict(os.environ))
    supervisor.add("watch", [sys.executable, "-c", "import time; time.sleep(30)"],
                   dict(os.environ))
    supervisor.start()
    try:
        assert supervisor.starting_workers == ["worker-1"]
        supervisor.children[0].started_at -= 61  # registered long ago, or never will
        assert supervisor.starting_workers == []
    finally:
        supervisor.stop()
