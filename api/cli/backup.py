"""``sohoa backup DIR`` and ``sohoa restore DIR``: records and objects of the configured
installation (SQLite + local objects, or PostgreSQL + S3), checked by hash on restore."""

from __future__ import annotations

import argparse
from pathlib import Path

from api.cli.common import Commands, records_and_store


def register(commands: Commands) -> None:
    """Add ``backup`` and ``restore``."""
    backup = commands.add_parser("backup", help="write every record and object to DIR")
    backup.add_argument("directory", metavar="DIR", type=Path, help="a new or empty directory")
    backup.add_argument("--json", action="store_true", help="print the summary as JSON")
    backup.set_defaults(run=cmd_backup)
    restore = commands.add_parser(
        "restore", help="restore a backup into this (empty) installation, checked by hash")
    restore.add_argument("directory", metavar="DIR", type=Path, help="a sohoa backup")
    restore.add_argument("--json", action="store_true", help="print the summary as JSON")
    restore.set_defaults(run=cmd_restore)


def _report(verb: str, directory: Path, summary: object, as_json: bool) -> None:
    from api.cli.common import print_json
    from storage.backup import BackupSummary

    assert isinstance(summary, BackupSummary)
    if as_json:
        print_json({"directory": str(directory), "schema_revision": summary.revision,
                    "rows": summary.rows, "search_rows": summary.search_rows,
                    "objects": summary.objects, "object_bytes": summary.object_bytes,
                    "audit_entries": summary.audit_entries})
        return
    print(f"{verb} {directory}: {summary.total_rows} rows in {len(summary.rows)} tables, "
          f"{summary.objects} objects ({summary.object_bytes} bytes), "
          f"{summary.audit_entries} audit entries verified, schema {summary.revision}")


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up the configured installation into DIR."""
    from api.cli.progress import ProgressBar
    from storage.backup import create_backup

    with records_and_store() as (_, db, store):
        summary = create_backup(db, store, args.directory,
                                progress=ProgressBar("backup", unit="items"))
    _report("backed up to", args.directory, summary, args.json)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore DIR into the configured installation, which must be empty."""
    from api.cli.progress import ProgressBar
    from storage.backup import restore_backup

    with records_and_store() as (_, db, store):
        summary = restore_backup(db, store, args.directory,
                                 progress=ProgressBar("restore", unit="items"))
    _report("restored from", args.directory, summary, args.json)
    return 0
