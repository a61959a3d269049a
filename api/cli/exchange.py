"""``sohoa exchange flush``: send now the exchange statuses left pending (what ``sohoa
serve`` does in the background every ``SOHOA_EXCHANGE_SWEEP_SECONDS``)."""

from __future__ import annotations

import argparse

from api.cli.common import EXIT_FAILURE, Commands, print_json


def register(commands: Commands) -> None:
    """Add ``exchange flush``."""
    exchange = commands.add_parser("exchange", help="the exchange of documents between units")
    actions = exchange.add_subparsers(dest="exchange_command", required=True)
    flush = actions.add_parser("flush", help="send now the statuses (04, 05, 06) the units' "
                                             "registers recorded and could not send yet")
    flush.add_argument("--json", action="store_true", help="print the result as JSON")
    flush.set_defaults(run=cmd_flush)


def cmd_flush(args: argparse.Namespace) -> int:
    """Answer the senders of every unit with statuses left pending; exit 1 when a unit
    still cannot (each named with the problem on stdout)."""
    from sqlalchemy import select

    from api.exchange_sweep import pending_status_sweep, sweep_pending_statuses
    from api.runtime import open_runtime
    from api.settings import load_settings
    from storage.records.models import Unit

    runtime = open_runtime(load_settings(), start_embedded_redis=False, upgrade=False)
    try:
        result = sweep_pending_statuses(pending_status_sweep(runtime))
        with runtime.db.session() as session:
            codes = {unit_id: code for unit_id, code in session.execute(
                select(Unit.id, Unit.code).where(
                    Unit.id.in_([*result.sent, *result.left_pending])))}
    finally:
        runtime.close()
    if args.json:
        print_json({"sent": {codes[unit]: count for unit, count in result.sent.items()},
                    "left_pending": {codes[unit]: problem
                                     for unit, problem in result.left_pending.items()}})
    else:
        for unit, count in result.sent.items():
            print(f"unit {codes[unit]}: {count} status message(s) queued")
        for unit, problem in result.left_pending.items():
            print(f"unit {codes[unit]}: statuses left pending: {problem}")
        if not result.sent and not result.left_pending:
            print("no status pending")
    return EXIT_FAILURE if result.left_pending else 0
