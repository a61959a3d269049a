"""``sohoa fsck``: compare the object store with the records (no server needed)."""

from __future__ import annotations

import argparse
import sys

from api.cli.common import Commands

EXIT_FINDINGS = 3


def register(commands: Commands) -> None:
    """Add ``fsck``."""
    fsck = commands.add_parser(
        "fsck", help="list objects no record references, and records whose object is "
                     "missing or has another size")
    fsck.add_argument("--delete", action="store_true",
                      help="remove the unreferenced objects (those older than an hour: "
                           "younger ones may be uploads still in progress)")
    fsck.add_argument("--json", action="store_true")
    fsck.set_defaults(run=cmd_fsck)


def cmd_fsck(args: argparse.Namespace) -> int:
    """Print what is unreferenced, missing or resized; exit 3 unless all is in order (after
    ``--delete``, unreferenced objects it removed count as in order)."""
    from api.cli.common import print_json
    from api.runtime import open_records, open_store
    from api.settings import load_settings
    from storage.orphans import check_store

    settings = load_settings()
    store = open_store(settings)
    db = open_records(settings)
    try:
        with db.session() as session:
            result = check_store(session, store, delete=args.delete)
    finally:
        db.dispose()
    if args.json:
        print_json(result.to_json())
        return 0 if result.clean else EXIT_FINDINGS
    deleted = set(result.deleted)
    for info in result.unreferenced:
        state = "deleted" if info.key in deleted else "unreferenced"
        print(f"{state}\t{info.key}\t{info.size} bytes\t{info.modified:%Y-%m-%d %H:%M}")
    for key in result.missing:
        print(f"missing\t{key}")
    for key, recorded, actual in result.wrong_size:
        print(f"wrong size\t{key}\trecorded {recorded} bytes, stored {actual}")
    left = len(result.unreferenced) - len(deleted)
    summary = (f"{result.objects} objects: {left} unreferenced, {len(deleted)} deleted, "
               f"{len(result.missing)} missing, {len(result.wrong_size)} of the wrong size")
    print(summary, file=sys.stdout if result.clean else sys.stderr)
    return 0 if result.clean else EXIT_FINDINGS
