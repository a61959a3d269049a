"""The pooled time-stamping client against the demo TSA: tokens over the given digest,
one kept-alive connection reused, failures as pyHanko's TimestampRequestError."""

from __future__ import annotations

import asyncio
import hashlib

import pytest
from pyhanko.sign.timestamps.common_utils import TimestampRequestError

from signing import tsa_client
from signing.tsa_client import PooledTimeStamper
from tests.support.pki_server import RunningPki, free_port


def _imprint(token: object) -> bytes:
    from asn1crypto import tsp

    info = tsp.TSTInfo.load(
        token["content"]["encap_content_info"]["content"].parsed.dump())  # type: ignore[index]
    return bytes(info["message_imprint"]["hashed_message"].native)


def test_tokens_over_one_kept_alive_connection(served_pki: RunningPki) -> None:
    tsa_client.close_connections()
    stamper = PooledTimeStamper(served_pki.tsa_url)
    digests = [hashlib.sha256(bytes([n])).digest() for n in range(3)]
    tokens = [asyncio.run(stamper.async_timestamp(digest, "sha256")) for digest in digests]
    assert [_imprint(token) for token in tokens] == digests
    pool = tsa_client._pool("http", "127.0.0.1", int(served_pki.base_url.rsplit(":", 1)[1]))
    assert len(pool._idle) == 1  # the three went over one connection, kept for the next


def test_unreachable_or_unusable_service_fails_as_pyhanko_does() -> None:
    digest = hashlib.sha256(b"x").digest()
    for url in (f"http://127.0.0.1:{free_port()}/tsa", "ftp://example.invalid/tsa",
                "http://[::1/tsa"):
        with pytest.raises(TimestampRequestError):
            asyncio.run(PooledTimeStamper(url, timeout=2).async_timestamp(digest, "sha256"))
