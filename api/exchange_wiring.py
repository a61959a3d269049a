"""The exchange use cases wired to a runtime (settings, store, queue), shared by the JSON
routes, the CLI and the delivery job."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from api.runtime import Runtime
from signing.exchange.answers import answer_pending_statuses
from signing.exchange.inbox import InboxSetup, Receipt, receive_message, take_status
from signing.exchange.outbox import DeliverySetup
from signing.exchange.request_auth import Caller, answer_headers, authenticate_request
from signing.exchange.transport import (
    MESSAGES_PATH,
    HttpTransport,
    InternalTransport,
    Transports,
)
from storage.errors import SohoaError

_log = logging.getLogger(__name__)


def vietnam_now() -> datetime:
    """Now in Vietnam's time, without a zone (edXML times are local)."""
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None, microsecond=0)


def inbox_setup(runtime: Runtime) -> InboxSetup:
    """What receiving a message needs, from the runtime's settings."""
    settings = runtime.settings
    return InboxSetup(sealer=settings.key_file_sealer(), verify=settings.verify_setup(),
                      max_bytes=settings.edxml_max_bytes)


def receive(runtime: Runtime, session: Session, data: bytes,
            caller: Caller | None = None) -> Receipt:
    """Take in one delivered message (HTTP, signed by ``caller``, or internal)."""
    return receive_message(session, runtime.store, runtime.queue, data, inbox_setup(runtime),
                           now=vietnam_now(), caller=caller)


def authenticate_delivery(runtime: Runtime, headers: Mapping[str, str], body: bytes, *,
                          address: str | None) -> Caller | None:
    """The peer that signed a POST to the messages endpoint (None: unsigned, allowed only
    when the settings do not require signed requests); ``RequestAuthError`` (401) or
    ``TooManyAttemptsError`` (429) otherwise, before anything is read or stored."""
    return authenticate_request(runtime.db.session, headers, method="POST",
                                path=MESSAGES_PATH, body=body, address=address,
                                policy=runtime.settings.exchange_request_policy(),
                                now=datetime.now(UTC))


def sign_answer(runtime: Runtime, session: Session, caller: Caller | None, *, status: int,
                body: bytes) -> dict[str, str]:
    """The headers by which the unit addressed signs its answer to ``caller`` (none for
    an unsigned request)."""
    if caller is None:
        return {}
    return answer_headers(session, runtime.store, runtime.settings.key_file_sealer(),
                          caller, status=status, body=body, now=datetime.now(UTC))


def answer_statuses(runtime: Runtime, session: Session, unit_id: int) -> None:
    """Queue, with the register step just taken, the statuses the unit owes the senders of
    documents it received by exchange (05 assigned, 06 done)."""
    answer_pending_statuses(session, runtime.store, runtime.queue,
                            runtime.settings.key_file_sealer(), unit_id, now=vietnam_now())


def delivery_setup(runtime: Runtime) -> DeliverySetup:
    """The transports (HTTP to peers, internal to units here) and how answers are taken."""
    def receive_here(data: bytes) -> bytes:
        with runtime.db.session() as session:
            return receive(runtime, session, data).answer

    def take_answer(session: Session, body: bytes) -> None:
        try:
            take_status(session, body, max_bytes=runtime.settings.edxml_max_bytes)
        except SohoaError as error:  # delivered all the same; the answer is not trusted
            _log.warning("exchange answer ignored: %s", error)

    settings = runtime.settings
    return DeliverySetup(Transports(HttpTransport(), InternalTransport(receive_here)),
                         take_answer, sealer=settings.key_file_sealer(),
                         window_seconds=float(settings.exchange_request_window_seconds))
