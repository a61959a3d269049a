"""The status trail's order, and the transports' routing and failures."""

from __future__ import annotations

import pytest

from signing.exchange.statuses import moves_forward
from signing.exchange.transport import (
    Delivery,
    DeliveryRefusedError,
    Destination,
    HttpTransport,
    InternalTransport,
    Transports,
)
from storage.errors import UnavailableError


@pytest.mark.parametrize(("current", "code", "expected"), [
    (None, "01", True), ("01", "03", True), ("03", "04", True), ("04", "06", True),
    ("03", "01", False), ("04", "04", False), ("06", "05", False),
    (None, "02", True), ("01", "02", True), ("03", "02", False), ("02", "03", False),
    ("01", "99", False),
])
def test_statuses_move_only_forward(current: str | None, code: str, expected: bool) -> None:
    assert moves_forward(current, code) is expected


def test_units_here_go_through_the_internal_transport() -> None:
    taken: list[bytes] = []

    def receive(data: bytes) -> bytes:
        taken.append(data)
        return b"<answer/>"

    class Remote:
        def deliver(self, destination: Destination, message: bytes) -> Delivery:
            raise AssertionError("a unit here is not reached over HTTP")

    transports = Transports(Remote(), InternalTransport(receive))
    assert transports.deliver(Destination("000.00.00.H41"), b"<m/>").body == b"<answer/>"
    assert taken == [b"<m/>"]


def test_an_unreachable_peer_is_unavailable_and_a_peer_without_url_refused() -> None:
    transport = HttpTransport(timeout_seconds=2)
    with pytest.raises(UnavailableError):
        transport.deliver(Destination("X", "http://127.0.0.1:9"), b"<m/>")
    with pytest.raises(DeliveryRefusedError):
        transport.deliver(Destination("X", None), b"<m/>")
