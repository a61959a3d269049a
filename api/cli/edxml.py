"""``sohoa edxml read|write`` (edXML exchange messages), ``sohoa unit exchange`` (a unit's
OrganId and message-signing key) and ``sohoa peer add`` (the directory of peers)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from api.cli.common import Commands, print_json
from storage.errors import BadInputError

_PRIORITIES = {0: "thường", 1: "khẩn", 2: "thượng khẩn", 3: "hỏa tốc", 4: "hỏa tốc hẹn giờ"}


def register(commands: Commands) -> None:
    """Add ``edxml read``, ``edxml write`` and ``peer add``."""
    edxml = commands.add_parser("edxml", help="read and write edXML exchange messages")
    actions = edxml.add_subparsers(dest="edxml_command", required=True)
    read = actions.add_parser("read", help="print an edXML document or status message")
    read.add_argument("file", type=Path)
    read.add_argument("--json", action="store_true", help="print the message as JSON")
    read.set_defaults(run=cmd_read)
    write = actions.add_parser("write", help="write a signed document's message, signed by "
                                              "its unit's exchange key")
    write.add_argument("document_id", type=int)
    write.add_argument("--to", nargs="+", required=True, metavar="ORGAN_ID",
                       help="recipients: OrganIds of units here or of registered peers")
    write.add_argument("-o", "--output", type=Path, required=True)
    write.add_argument("--password", "--pin", dest="password", default=None,
                       help="the unit key's PIN (default: $SOHOA_PASSWORD, else asked)")
    write.set_defaults(run=cmd_write)
    send = actions.add_parser("send", help="send a signed document to other units (queued: "
                                           "one message per recipient, retried until taken)")
    send.add_argument("document_id", type=int)
    send.add_argument("--to", nargs="+", required=True, metavar="ORGAN_ID")
    send.add_argument("--password", "--pin", dest="password", default=None,
                      help="the unit key's PIN (default: $SOHOA_PASSWORD, else asked)")
    send.set_defaults(run=cmd_send)
    peer = commands.add_parser("peer", help="the directory of exchange peers")
    peer_actions = peer.add_subparsers(dest="peer_command", required=True)
    add = peer_actions.add_parser("add", help="add or update a peer")
    add.add_argument("organ_id")
    add.add_argument("name")
    add.add_argument("--url", default=None, help="the peer installation's base URL")
    add.add_argument("--cert", type=Path, required=True,
                     help="the certificate (PEM) its messages are signed by")
    add.set_defaults(run=cmd_peer_add)


def register_unit_commands(unit: Commands) -> None:
    """Add ``unit exchange`` to the ``unit`` group."""
    exchange = unit.add_parser("exchange", help="a unit's organisation code (OrganId) and "
                                                "its key for signing exchange messages")
    exchange.add_argument("code", help="unit code")
    exchange.add_argument("--organ-id", default=None, help="e.g. 000.00.00.H41")
    exchange.add_argument("--p12", type=Path, default=None,
                          help="the unit's PKCS#12 for signing messages")
    exchange.add_argument("--password", "--pin", dest="password", default=None,
                          help="its PIN (default: $SOHOA_PASSWORD, else asked)")
    exchange.add_argument("--unattended", action="store_true",
                          help="let the server sign the unit's status messages by itself "
                               "(the PIN is kept sealed under the server's key)")
    exchange.set_defaults(run=cmd_unit_exchange)


def read_password(given: str | None, what: str) -> str:
    """The PIN from the option, else ``$SOHOA_PASSWORD`` (or ``$SOHOA_PIN``), else asked."""
    if given is not None:
        return given
    for name in ("SOHOA_PASSWORD", "SOHOA_PIN"):
        if os.environ.get(name) is not None:
            return os.environ[name]
    if sys.stdin.isatty():
        return getpass.getpass(f"PIN for {what}: ")
    raise BadInputError("no PIN given (--password, $SOHOA_PASSWORD, or a terminal to ask "
                        "on)", subject=what)


def cmd_read(args: argparse.Namespace) -> int:
    """Print the message (JSON, or a short summary)."""
    from api.settings import load_settings
    from signing.edxml.model import message_json
    from signing.edxml.parse import read_message_file

    message = read_message_file(args.file, max_bytes=load_settings().edxml_max_bytes)
    value = message_json(message)
    if args.json:
        print_json(value)
    else:
        print(summary(value))
    return 0


def summary(value: dict[str, Any]) -> str:
    """A short plain-text summary of a message's JSON, Vietnamese labels first."""
    sender = value["from"]
    lines = [f"Loại / kind: {'văn bản (edoc)' if value['kind'] == 'edoc' else 'trạng thái'}",
             f"Nơi gửi / from: {sender['name'] or ''} ({sender['organ_id'] or '?'})"]
    for organ in value["to"]:
        lines.append(f"Nơi nhận / to: {organ['name'] or ''} ({organ['organ_id'] or '?'})")
    code = "/".join(part for part in (value["code"]["number"], value["code"]["notation"])
                    if part)
    for label, text in (("Mã văn bản / id", value["document_id"]), ("Số, ký hiệu", code),
                        ("Loại văn bản", value["doc_type"]["name"]),
                        ("Trích yếu", value["subject"]),
                        ("Ngày ban hành", value["promulgation"]["date"]),
                        ("Người ký", value["signer"]["full_name"]),
                        ("Hạn xử lý", value["due_date"]),
                        ("Độ khẩn", _PRIORITIES.get(value["priority"] or 0))):
        if text:
            lines.append(f"{label}: {text}")
    if value["status"] is not None:
        status = value["status"]
        lines.append(f"Trạng thái / status: {status['code']} {status['description'] or ''}"
                     .rstrip())
    for item in value["attachments"]:
        lines.append(f"Đính kèm / attachment: {item['name']} ({item['size']} bytes, "
                     f"sha256 {item['sha256'][:16]}…)")
    signature = value["signature"]
    if not signature["present"]:
        lines.append("Chữ ký số / signature: không có (none)")
    else:
        verdict = "hợp lệ (valid)" if signature["valid"] else "KHÔNG hợp lệ (invalid)"
        lines.append(f"Chữ ký số / signature: {verdict}, {signature['signer'] or '?'}")
    return "\n".join(lines)


def cmd_write(args: argparse.Namespace) -> int:
    """Write the signed message of a document."""
    from api.cli.common import records_and_store
    from signing.edxml.outgoing import document_message

    with records_and_store() as (settings, db, store), db.session() as session:
        pin = read_password(args.password, "the unit's exchange key")
        data = document_message(session, store, settings.key_file_sealer(), args.document_id,
                                list(args.to), pin, now=_vietnam_now())
    try:
        args.output.write_bytes(data)
    except OSError as error:
        raise BadInputError(f"cannot be written: {error.strerror}",
                            subject=str(args.output)) from None
    print(f"{args.output}: edXML message of document {args.document_id} to "
          f"{', '.join(args.to)} ({len(data)} bytes, signed)")
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    """Queue a signed document's messages to the recipients (as the unit's records
    office: the first clerk of the document's unit)."""
    from api.runtime import open_runtime
    from api.settings import load_settings
    from signing.exchange.outbox import send_document
    from storage.accounts import CurrentUser
    from storage.records import Document
    from storage.records.models import User
    from storage.records.vocabulary import UserRole

    pin = read_password(args.password, "the unit's exchange key")
    runtime = open_runtime(load_settings(), start_embedded_redis=False, upgrade=False)
    try:
        with runtime.db.session() as session:
            document = session.get(Document, args.document_id)
            if document is None:
                raise BadInputError("no such document",
                                    subject=f"document {args.document_id}")
            clerk = session.query(User).filter(
                User.unit_id == document.unit_id,
                User.role.in_([UserRole.clerk, UserRole.admin]),
                User.active.is_(True)).order_by(User.id).first()
            user = CurrentUser(id=clerk.id if clerk else 0, username="cli",
                               role=UserRole.clerk, unit_id=document.unit_id,
                               visible_unit_ids=frozenset({document.unit_id}))
            rows = [(row.id, row.recipient) for row in send_document(
                session, runtime.store, runtime.queue, runtime.settings.key_file_sealer(),
                user, args.document_id, list(args.to), pin, now=_vietnam_now())]
    finally:
        runtime.close()
    for row_id, recipient in rows:
        print(f"outbox {row_id}: document {args.document_id} to {recipient} queued")
    return 0


def _vietnam_now() -> datetime:
    """Now in Vietnam's time, without a zone (edXML times are local)."""
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None, microsecond=0)


def cmd_unit_exchange(args: argparse.Namespace) -> int:
    """Set a unit's OrganId and/or register its message-signing key."""
    from api.cli.common import records_and_store
    from signing.exchange_parties import register_exchange_key, set_organ_id, unit_by_code

    if args.organ_id is None and args.p12 is None and not args.unattended:
        raise BadInputError("nothing to do: give --organ-id and/or --p12", subject=args.code)
    data = None
    if args.p12 is not None:
        try:
            data = args.p12.read_bytes()
        except OSError as error:
            raise BadInputError(f"cannot be read: {error.strerror}",
                                subject=str(args.p12)) from None
    with records_and_store() as (settings, db, store), db.session() as session:
        unit = unit_by_code(session, args.code)
        if args.organ_id is not None:
            set_organ_id(session, unit, args.organ_id)
        if data is not None:
            pin = read_password(args.password, str(args.p12))
            credential = register_exchange_key(session, store, settings.key_file_sealer(),
                                               unit, data, pin, str(args.p12))
            print(f"unit {unit.code}: exchange key {credential.subject} "
                  f"(sha256 {credential.fingerprint[:16]}…)")
        if args.unattended:
            from signing.exchange.statuses import allow_unattended_statuses

            pin = read_password(args.password, "the unit's exchange key")
            allow_unattended_statuses(session, store, settings.key_file_sealer(), unit, pin)
            print(f"unit {unit.code}: status messages signed unattended")
        print(f"unit {unit.code}: organisation code {unit.organ_id or '(none)'}")
    return 0


def cmd_peer_add(args: argparse.Namespace) -> int:
    """Add or update a peer of the exchange."""
    from api.cli.common import records_session
    from signing.exchange_parties import add_peer

    try:
        pem = args.cert.read_bytes()
    except OSError as error:
        raise BadInputError(f"cannot be read: {error.strerror}", subject=str(args.cert)) from None
    with records_session() as session:
        peer = add_peer(session, args.organ_id, args.name, pem, base_url=args.url,
                        source=str(args.cert))
        print(f"peer {peer.organ_id}: {peer.name} (sha256 {peer.fingerprint[:16]}…)")
    return 0
