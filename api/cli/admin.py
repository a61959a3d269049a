"""``sohoa user``, ``sohoa unit`` and ``sohoa audit``: administration on the configured
records (no server needed)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from api.cli import edxml
from api.cli.common import Commands, records_session
from storage.errors import BadInputError


def register(commands: Commands) -> None:
    """Add ``user add``, ``unit add`` and ``audit verify``."""
    user = commands.add_parser("user", help="manage users").add_subparsers(dest="action",
                                                                           required=True)
    add = user.add_parser("add", help="add a user")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["intake", "leader", "clerk", "admin"])
    add.add_argument("--unit", required=True, help="unit code")
    add.add_argument("--full-name", default="")
    add.add_argument("--password", default=None,
                     help="default: $SOHOA_PASSWORD, else asked on the terminal")
    add.set_defaults(run=cmd_user_add)
    unit = commands.add_parser("unit", help="manage units").add_subparsers(dest="action",
                                                                           required=True)
    unit_add = unit.add_parser("add", help="add a unit (agency or department)")
    unit_add.add_argument("code")
    unit_add.add_argument("name")
    unit_add.add_argument("--parent", default=None, help="parent unit code")
    unit_add.set_defaults(run=cmd_unit_add)
    edxml.register_unit_commands(unit)
    audit = commands.add_parser("audit", help="the audit log").add_subparsers(dest="action",
                                                                             required=True)
    audit.add_parser("verify", help="check the audit log's hash chain").set_defaults(
        run=cmd_audit_verify)


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


def cmd_user_add(args: argparse.Namespace) -> int:
    """Create a user with a role in a unit."""
    from storage.accounts import create_user

    with records_session() as session:
        user = create_user(session, username=args.username, password=_password(args),
                           role=args.role, unit_code=args.unit, full_name=args.full_name)
        print(f"user {user.username} ({args.role}) added to unit {args.unit}")
    return 0


def cmd_unit_add(args: argparse.Namespace) -> int:
    """Create a unit, optionally below a parent."""
    from storage.accounts import create_unit

    with records_session() as session:
        unit = create_unit(session, args.code, args.name, args.parent)
        print(f"unit {unit.code} added (id {unit.id})")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Check the audit log's hash chain; exit 3 if it was tampered with."""
    from storage.records import verify_audit_chain

    with records_session() as session:
        check = verify_audit_chain(session)
    if check.ok:
        print(f"audit log intact: {check.entries} entries")
        return 0
    print(f"audit log broken at entry {check.first_bad_id}: {check.reason}", file=sys.stderr)
    return 3
