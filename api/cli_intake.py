"""Back-office intake commands: ``sohoa ingest``, ``sohoa dossier cover-sheet`` and
``sohoa watch``, on the configured installation (no server needed)."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from typing import Any

from storage.errors import BadInputError, SohoaError


def cmd_cover_sheet(args: argparse.Namespace) -> int:
    """Write a dossier's printable cover sheet (QR code with its id, summary in Vietnamese)."""
    from api.cli_commands import records_session
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


def cmd_ingest(args: argparse.Namespace) -> int:
    """Store files (splitting scanned stacks at cover sheets) and queue their processing."""
    from api.cli_commands import print_json
    from api.intake_service import IngestTarget, default_unit, ingest_path
    from api.progress import ProgressBar
    from api.runtime import open_runtime
    from api.settings import load_settings

    paths = [Path(name) for name in args.files]
    for path in paths:
        if not path.is_file():
            raise BadInputError("no such file", subject=str(path))
    runtime = open_runtime(load_settings())
    try:
        with runtime.db.session() as session:
            unit_id = default_unit(session, args.unit)
        target = IngestTarget(unit_id=unit_id, dossier_id=args.dossier, actor="cli")
        bar = ProgressBar("ingest")
        results = []
        for done, path in enumerate(paths, 1):
            results.append(ingest_path(runtime, path, target))
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
    from api.intake_service import IngestTarget, default_unit, ingest_path
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
        with runtime.db.session() as session:
            target = IngestTarget(unit_id=default_unit(session, args.unit), actor="watch")
        watcher = FolderWatcher(folder, lambda path: ingest_path(runtime, path, target),
                                settle=args.settle)
        print(f"watching {folder} (done/ and failed/ inside it)", file=sys.stderr)
        if args.once:
            deadline = time.monotonic() + args.settle + 5
            while watcher.candidates() and time.monotonic() < deadline:
                watcher.scan_once()
                time.sleep(0.2)
        else:
            watcher.run(interval=args.interval, stop=lambda: stopping)
    except SohoaError:
        raise
    finally:
        runtime.close()
    return 0
