"""``sohoa stats``: the office's figures from the configured records, no server needed."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from api.cli.common import Commands
from storage.errors import BadInputError

if TYPE_CHECKING:
    from ingest.figures import Acknowledgement


def register(commands: Commands) -> None:
    """Add ``stats``."""
    stats = commands.add_parser("stats", help="the office's figures")
    stats.add_argument("--unit", default=None, help="a unit code and the units below it")
    stats.add_argument("--from", dest="date_from", default=None, help="YYYY-MM-DD")
    stats.add_argument("--to", dest="date_to", default=None, help="YYYY-MM-DD")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(run=cmd_stats)


_COLUMNS = (("unit_code", "unit", 12), ("received", "received", 9), ("resolved", "resolved", 9),
            ("resolved_early", "early", 6), ("resolved_on_time", "on time", 8),
            ("resolved_late", "late", 6), ("overdue_now", "overdue", 8),
            ("share_digitised", "digitised", 10), ("share_signed_digitally", "signed", 8))


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise BadInputError("not a date (YYYY-MM-DD)", subject=option) from error


def cmd_stats(args: argparse.Namespace) -> int:
    """Print the figures per unit and the total, as a table or JSON."""
    from sqlalchemy import select

    from api.cli.common import print_json, records_session
    from ingest.figures import compute_figures
    from storage.errors import NotFoundError
    from storage.records import Unit
    from storage.records.units import unit_subtree_ids

    start, end = _date(args.date_from, "--from"), _date(args.date_to, "--to")
    if start and end and start > end:
        raise BadInputError("is after --to", subject="--from")
    with records_session() as session:
        if args.unit:
            unit_id = session.scalar(select(Unit.id).where(Unit.code == args.unit))
            if unit_id is None:
                raise NotFoundError("no such unit", subject=args.unit)
            unit_ids = unit_subtree_ids(session, unit_id)
        else:
            unit_ids = set(session.scalars(select(Unit.id)))
        figures = compute_figures(session, unit_ids, date_from=start, date_to=end)
    if args.json:
        print_json(figures.to_json())
        return 0
    print(" ".join(f"{title:>{width}}" for _, title, width in _COLUMNS)
          + f" {'ack same day':>{_ACK_WIDTH}}")
    for row in [*figures.units, figures.total]:
        values = row.__dict__
        print(" ".join(
            f"{values[key]:>{width}.0%}" if key.startswith("share") else
            f"{values[key]!s:>{width}}" for key, _, width in _COLUMNS)
            + f" {_acknowledged(figures.acknowledgement(row.unit_code)):>{_ACK_WIDTH}}")
    return 0


_ACK_WIDTH = 16


def _acknowledged(row: Acknowledgement) -> str:
    """``same_day/received (share)``, e.g. ``2/3 (67%)``; ``-`` when nothing arrived."""
    return f"{row.same_day}/{row.received} ({row.share:.0%})" if row.received else "-"
