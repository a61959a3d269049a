"""How a signed message reaches a party: over HTTP to another sohoa installation, or
internally to a unit of the same deployment (through the same receive function). An
adapter of the national axis's polled API implements the same :class:`Transport`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import httpx

from signing.exchange.request_auth import (
    RequestCredentials,
    ResponseAuthError,
    check_response,
    new_nonce,
    sign_request,
)
from storage.errors import BadInputError, UnavailableError

MESSAGES_PATH = "/exchange/messages"
"""Where a sohoa installation takes edXML messages."""


@dataclass(frozen=True)
class Destination:
    """Where a message goes: the party's OrganId and, for another installation, its base
    URL (None: a unit of this deployment) and what signs the request to it."""

    organ_id: str
    base_url: str | None = None
    auth: RequestCredentials | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Delivery:
    """What the receiving side answered: its body (a signed status message, or empty)."""

    body: bytes
    content_type: str = "application/xml"


class DeliveryRefusedError(BadInputError):
    """The receiver refused the message for good (sending it again cannot help)."""


class Transport(Protocol):
    """Hands a signed message to a party. Raises :class:`UnavailableError` when the party
    cannot be reached now (the delivery is tried again later) and
    :class:`DeliveryRefusedError` when it refuses the message."""

    def deliver(self, destination: Destination, message: bytes) -> Delivery:
        """Deliver ``message`` to ``destination``; the receiver's answer."""
        ...


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class HttpTransport:
    """POSTs the message to ``{base_url}/exchange/messages`` of another installation,
    signed by the sending unit's key (:mod:`signing.exchange.request_auth`); the answer is
    taken only once its signature by the recipient is checked."""

    timeout_seconds: float = 30.0
    clock: Callable[[], datetime] = _utcnow

    def deliver(self, destination: Destination, message: bytes) -> Delivery:
        """POST the signed request; 5xx, 401 (not authenticated: the peer may not know
        this unit's certificate yet, or the clocks differ), network errors and an answer
        not signed by the recipient are :class:`UnavailableError` or
        :class:`ResponseAuthError` (tried again), other refusals
        :class:`DeliveryRefusedError`."""
        if not destination.base_url:
            raise DeliveryRefusedError("the peer has no base URL (sohoa peer add --url)",
                                       subject=destination.organ_id)
        auth = destination.auth
        if auth is None:
            raise UnavailableError("no key to sign the request to this peer",
                                   subject=destination.organ_id)
        url = destination.base_url.rstrip("/") + MESSAGES_PATH
        timeout = httpx.Timeout(self.timeout_seconds, connect=min(5.0, self.timeout_seconds))
        nonce = new_nonce()
        headers = sign_request(auth.key, sender=auth.sender, recipient=destination.organ_id,
                               method="POST", path=MESSAGES_PATH, body=message,
                               now=self.clock(), nonce=nonce)
        try:
            response = httpx.post(url, content=message, timeout=timeout,
                                  headers={"content-type": "application/xml", **headers})
        except httpx.HTTPError as error:
            raise UnavailableError(f"cannot reach {url}: {error}",
                                   subject=destination.organ_id) from error
        if response.status_code >= 500 or response.status_code in (401, 408, 429):
            raise UnavailableError(f"{url} answered {response.status_code}: "
                                   f"{response.text[:300]}", subject=destination.organ_id)
        if response.status_code >= 400:
            raise DeliveryRefusedError(f"{url} refused the message ({response.status_code}: "
                                       f"{response.text[:300]})", subject=destination.organ_id)
        try:
            check_response(response.headers, status=response.status_code,
                           body=response.content, credentials=auth,
                           responder=destination.organ_id, request_nonce=nonce,
                           now=self.clock())
        except ResponseAuthError as error:
            raise ResponseAuthError(error.problem, f"the answer of {url} is not "
                                    f"authenticated: {error}",
                                    subject=destination.organ_id) from error
        return Delivery(response.content,
                        response.headers.get("content-type", "application/xml"))


@dataclass(frozen=True)
class InternalTransport:
    """Delivers to a unit of this deployment by calling the receive function directly
    (no HTTP): ``receive`` takes the message and gives the signed answer."""

    receive: Callable[[bytes], bytes]

    def deliver(self, destination: Destination, message: bytes) -> Delivery:
        """Hand the message to the receive function."""
        return Delivery(self.receive(message))


@dataclass(frozen=True)
class Transports:
    """The transport for each kind of destination."""

    remote: Transport
    internal: Transport

    def deliver(self, destination: Destination, message: bytes) -> Delivery:
        """Deliver through the internal transport to a unit here, else the remote one."""
        chosen = self.internal if destination.base_url is None else self.remote
        return chosen.deliver(destination, message)
