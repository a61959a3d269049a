"""The bodies of the ``sohoa`` commands; parsing and exit codes live in :mod:`api.cli`."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.accounts import create_unit, create_user, find_unit
from api.runtime import open_records, open_runtime
from api.settings import load_settings
from ingest.dossiers import NewDossier, create_dossier
from storage.errors import BadInputError, NotFoundError
from storage.records import Unit, verify_audit_chain


def print_json(value: object) -> None:
    """Print a value as indented UTF-8 JSON."""
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def cmd_serve(args: argparse.Namespace) -> int:
    """API + background workers on the configured (or embedded) services."""
    import uvicorn

    from api.app import create_app

    settings = load_settings()
    if "public_url" not in settings.model_fields_set:
        host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host  # noqa: S104
        settings.public_url = f"http://{host}:{args.port}"
    runtime = open_runtime(settings)
    env = {**os.environ, "SOHOA_REDIS_URL": runtime.redis_url,
           "SOHOA_DATA_DIR": str(settings.data_dir.resolve())}
    workers = [
        subprocess.Popen([sys.executable, "-m", "api", "worker"], env=env)
        for _ in range(max(args.workers, 0))
    ]
    if args.watch:  # the scanner folder, watched by its own process like the workers
        workers.append(subprocess.Popen([sys.executable, "-m", "api", "watch", args.watch],
                                        env=env))
    print(f"sohoa: serving on http://{args.host}:{args.port} (data: {settings.data_dir}, "
          f"{len(workers)} worker(s))", file=sys.stderr)
    # uvicorn re-raises SIGTERM after its graceful shutdown; make that a normal exit so
    # the workers and the embedded Valkey server below are stopped too.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        uvicorn.run(create_app(settings, runtime), host=args.host, port=args.port,
                    log_level="info")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
        runtime.close()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Process jobs from the queue until stopped (or, with --burst, until it is empty)."""
    from api.jobs import set_worker_runtime
    from api.queue import run_worker

    settings = load_settings()
    runtime = open_runtime(settings)
    set_worker_runtime(runtime)
    try:
        run_worker(runtime.redis, settings.queue_name, burst=args.burst, name=args.name)
    finally:
        runtime.close()
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password is not None:
        return str(args.password)
    from_env = os.environ.get("SOHOA_PASSWORD")
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise BadInputError("give --password or set SOHOA_PASSWORD", subject=args.username)
    first = getpass.getpass(f"Password for {args.username}: ")
    if first != getpass.getpass("Again: "):
        raise BadInputError("the two passwords differ", subject=args.username)
    return first


@contextmanager
def records_session() -> Iterator[Session]:
    """A session on the configured records database (schema upgraded), closed after."""
    db = open_records(load_settings())
    try:
        with db.session() as session:
            yield session
    finally:
        db.dispose()


def cmd_user_add(args: argparse.Namespace) -> int:
    """Create a user with a role in a unit."""
    with records_session() as session:
        user = create_user(session, username=args.username, password=_password(args),
                           role=args.role, unit_code=args.unit, full_name=args.full_name)
        print(f"user {user.username} ({args.role}) added to unit {args.unit}")
    return 0


def cmd_unit_add(args: argparse.Namespace) -> int:
    """Create a unit, optionally below a parent."""
    with records_session() as session:
        unit = create_unit(session, args.code, args.name, args.parent)
        print(f"unit {unit.code} added (id {unit.id})")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Check the audit log's hash chain; exit 3 if it was tampered with."""
    with records_session() as session:
        check = verify_audit_chain(session)
    if check.ok:
        print(f"audit log intact: {check.entries} entries")
        return 0
    print(f"audit log broken at entry {check.first_bad_id}: {check.reason}", file=sys.stderr)
    return 3


def cmd_dossier_new(args: argparse.Namespace) -> int:
    """Register a dossier and print it."""
    with records_session() as session:
        unit: Unit | None = find_unit(session, args.unit) if args.unit else session.scalar(
            select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
        if unit is None:
            raise NotFoundError("no unit exists: add one with 'sohoa unit add'",
                                subject="--unit")
        dossier = create_dossier(
            session,
            NewDossier(procedure_code=args.procedure, applicant_name=args.applicant,
                       processing_days=args.days, unit_id=unit.id,
                       procedure_name=args.procedure_name),
            actor="cli", created_by_id=None, holidays=load_settings().holiday_dates())
        out = {"id": dossier.id, "due_date": dossier.due_date.isoformat(),
               "unit": unit.code, "procedure_code": dossier.procedure_code,
               "procedure_name": dossier.procedure_name,
               "applicant_name": dossier.applicant_name, "status": str(dossier.status),
               "received_at": dossier.received_at.isoformat()}
    if args.json:
        print_json(out)
    else:
        print(f"dossier {out['id']} received, due {out['due_date']}")
    return 0

