"""Dossier and back-office intake commands: ``sohoa dossier new|cover-sheet``,
``sohoa ingest`` and ``sohoa watch``, on the configured installation (no server needed)."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from typing import Any

from api.cli.common import Commands, print_json, records_session
from storage.errors import BadInputError


def register(commands: Commands) -> None:
    """Add ``dossier new``, ``dossier cover-sheet``, ``ingest`` and ``watch``."""
    dossier = commands.add_parser("dossier", help="dossiers").add_subparsers(dest="action",
                                                                            required=True)
    new = dossier.add_parser("new", help="register a dossier")
    new.add_argument("--procedure", required=True, help="procedure code")
    new.add_argument("--applicant", required=True)
    new.add_argument("--procedure-name", default="")
    new.add_argument("--days", type=int, default=0, help="processing time in working days")
    new.add_argument("--unit", default=None, help="receiving unit code (default: the root)")
    new.add_argument("--json", action="store_true")
    new.set_defaults(run=cmd_dossier_new)
    cover = dossier.add_parser("cover-sheet", help="print a dossier's cover sheet")
    cover.add_argument("id")
    cover.add_argument("-o", "--output", required=True)
    cover.set_defaults(run=cmd_cover_sheet)
    ingest = commands.add_parser("ingest", help="store files, split scanned stacks, queue OCR")
    ingest.add_argument("files", nargs="+")
    ingest.add_argument("--dossier", type=int, default=None,
                        help="attach to this dossier (default: split at cover sheets)")
    ingest.add_argument("--unit", default=None, help="unit code (default: the first top unit)")
    ingest.add_argument("--wait", action="store_true", help="return when processing is done")
    ingest.add_argument("--json", action="store_true")
    ingest.set_defaults(run=cmd_ingest)
    watch = commands.add_parser("watch", help="ingest files that scanners drop into a folder")
    watch.add_argument("folder")
    watch.add_argument("--unit", default=None, help="unit code (default: the first top unit)")
    watch.add_argument("--settle", type=float, default=2.0,
                       help="seconds a file must stay unchanged before it is taken")
    watch.add_argument("--interval", type=float, default=1.0, help="seconds between passes")
    watch.add_argument("--once", action="store_true", help="handle what is there, then stop")
    watch.set_defaults(run=cmd_watch)


def cmd_dossier_new(args: argparse.Namespace) -> int:
    """Register a dossier and print it."""
    from api.settings import load_settings
    from ingest.dossiers import NewDossier, create_dossier
    from storage.accounts import default_unit

    with records_session() as session:
        unit = default_unit(session, args.unit)
        dossier = create_dossier(
            session,
            NewDossier(procedure_code=args.procedure, applicant_name=args.applicant,
                       processing_days=args.days, unit_id=unit.id,
                       procedure_name=args.procedure_name),
            actor="cli", created_by_id=None, calendar=load_settings().working_calendar())
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


def cmd_cover_sheet(args: argparse.Namespace) -> int:
    """Write a dossier's printable cover sheet (QR code with its id, summary in Vietnamese)."""
    from ingest.coversheet import dossier_cover_info, make_cover_sheet
    from storage.errors import NotFoundError
    from storage.records import Dossier

    if not str(args.id).isdigit():
        raise BadInputError("a dossier id is a number", subject=str(args.id))
    with records_session() as session:
        dossier = session.get(Dossier, int(args.id))
        if dossier is None:
            raise NotFoundError("no such dossier", subject=str(args.id))
        info = dossier_cover_info(session, dossier)
    make_cover_sheet(info, Path(args.output))
    print(f"cover sheet of dossier {info.dossier_id} written to {args.output}", file=sys.stderr)
    return 0


def _wait(runtime: Any, document_ids: list[int]) -> None:
    """Until every document's job is over. When no worker serves the queue, one runs for
    the purpose as a child process in burst mode (this process has imaged and threaded
    libraries loaded by now; a worker forked from it could deadlock)."""
    import os
    import subprocess

    from rq import Worker

    from storage.records import Document, DocumentStatus

    serving = [w for w in Worker.all(connection=runtime.redis)
               if runtime.settings.queue_name in w.queue_names()]
    if not serving:
        env = {**os.environ, "SOHOA_REDIS_URL": runtime.redis_url,
               "SOHOA_DATA_DIR": str(runtime.settings.data_dir.resolve())}
        subprocess.run([sys.executable, "-m", "api", "worker", "--burst"], env=env,
                       check=False, stdout=subprocess.DEVNULL)
    pending = {DocumentStatus.received, DocumentStatus.queued, DocumentStatus.processing}
    while True:
        with runtime.db.session() as session:
            states = [session.get(Document, i) for i in document_ids]
            if all(d is None or d.status not in pending for d in states):
                return
        time.sleep(0.5)


def _refresh(runtime: Any, entries: list[dict[str, Any]]) -> None:
    from storage.records import Document

    with runtime.db.session() as session:
        for entry in entries:
            document = session.get(Document, entry["document"])
            if document is not None:
                entry.update(doc_type=document.doc_type, fields=dict(document.fields or {}),
                             status=str(document.status))


def _file_ingester(runtime: Any, unit_code: str | None, dossier_id: int | None,
                   actor: str) -> Any:
    """``ingest(path)``: one file into the dossier, or split as a stack in the unit."""
    from ingest.files import ingest_path
    from storage.accounts import default_unit

    with runtime.db.session() as session:
        unit_id = default_unit(session, unit_code).id
    uploader = runtime.settings.uploader(actor, None)

    def ingest(path: Path) -> dict[str, Any]:
        return ingest_path(runtime.db.session, runtime.store, runtime.queue, path,
                           unit_id=unit_id, dossier_id=dossier_id, uploader=uploader)

    return ingest


def cmd_ingest(args: argparse.Namespace) -> int:
    """Store files (splitting scanned stacks at cover sheets) and queue their processing."""
    from api.cli.progress import ProgressBar
    from api.runtime import open_runtime
    from api.settings import load_settings

    paths = [Path(name) for name in args.files]
    for path in paths:
        if not path.is_file():
            raise BadInputError("no such file", subject=str(path))
    runtime = open_runtime(load_settings())
    try:
        ingest = _file_ingester(runtime, args.unit, args.dossier, "cli")
        bar = ProgressBar("ingest")
        results = []
        for done, path in enumerate(paths, 1):
            results.append(ingest(path))
            bar(done, len(paths))
        entries = [e for r in results for e in (*r["documents"], *r["unassigned"])]
        if args.wait:
            _wait(runtime, [e["document"] for e in entries])
            _refresh(runtime, entries)
    finally:
        runtime.close()
    if args.json:
        print_json(results)
    else:
        for result in results:
            made = ", ".join(f"dossier {e['dossier']}: document {e['document']} ({e['status']})"
                             for e in result["documents"]) or "no dossier part"
            tray = f"; {len(result['unassigned'])} unassigned" if result["unassigned"] else ""
            print(f"{result['file']}: {made}{tray}")
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """Ingest what scanners drop into a folder, moving each file to done/ or failed/."""
    from api.runtime import open_runtime
    from api.settings import load_settings
    from ingest.watch import FolderWatcher

    folder = Path(args.folder)
    if not folder.is_dir():
        raise BadInputError("no such folder", subject=str(folder))
    runtime = open_runtime(load_settings())
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        watcher = FolderWatcher(folder, _file_ingester(runtime, args.unit, None, "watch"),
                                settle=args.settle)
        print(f"watching {folder} (done/ and failed/ inside it)", file=sys.stderr)
        if args.once:
            deadline = time.monotonic() + args.settle + 5
            while watcher.candidates() and time.monotonic() < deadline:
                watcher.scan_once()
                time.sleep(0.2)
        else:
            watcher.run(interval=args.interval, stop=lambda: stopping)
    finally:
        runtime.close()
    return 0
