"""An RFC 3161 time-stamping client that keeps its HTTP connections open between requests.

pyHanko's ``HTTPTimeStamper`` opens an aiohttp session, and so a new TCP (and TLS)
connection, for every time stamp: each signature runs in its own short event loop, and a
session cannot outlive its loop. Signing a batch made one connection per signature.

:class:`PooledTimeStamper` posts the request with the standard library's ``http.client``
over a connection taken from a process-wide pool (one pool per scheme, host and port, safe
to use from several threads at once) and puts it back when the server keeps it open. A
pooled connection the server has closed meanwhile is replaced once, transparently. The
request is made synchronously inside the signature's event loop: that loop runs one
signature and has nothing else to do while the time stamp is on its way; signatures of a
batch run in threads of their own (see :func:`signing.requests.sign_batch`).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from asn1crypto import tsp
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError

REPLY_TYPE = "application/timestamp-reply"
MAX_IDLE = 16
"""Idle connections kept per server (the most time stamps a batch has in flight)."""
IDLE_SECONDS = 2.0
"""A connection idle longer than this is not reused: servers close idle keep-alive
connections after a few seconds (uvicorn: 5 s), and one closed while we write to it fails."""
MAX_REPLY = 1_000_000
"""A time-stamp reply is a few kilobytes; anything much larger is refused unread."""
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
          ConnectionAbortedError)
"""What a kept-alive connection the server has since closed raises on reuse."""

Connection = http.client.HTTPConnection


class _Http(http.client.HTTPConnection):
    """No Nagle delay: ``http.client`` sends a request's headers and body in two writes,
    and the body then waited for the server's delayed ACK of the headers (~40 ms)."""

    def connect(self) -> None:
        """Connect, then turn Nagle's algorithm off."""
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _Https(http.client.HTTPSConnection):
    """:class:`_Http` over TLS."""

    def connect(self) -> None:
        """Connect (TLS handshake included), then turn Nagle's algorithm off."""
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _Pool:
    """Idle keep-alive connections to one server."""

    def __init__(self, scheme: str, host: str, port: int | None) -> None:
        self.scheme, self.host, self.port = scheme, host, port
        self._idle: list[tuple[float, Connection]] = []
        self._lock = threading.Lock()

    def take(self, timeout: float, *, fresh: bool = False) -> tuple[Connection, bool]:
        """An idle connection used less than :data:`IDLE_SECONDS` ago (True: reused) or a
        new one (False; always with ``fresh``)."""
        now = time.monotonic()
        expired: list[Connection] = []
        reused: Connection | None = None
        with self._lock:
            while self._idle and not fresh:
                since, connection = self._idle.pop()
                if now - since < IDLE_SECONDS:
                    reused = connection
                    break
                expired.append(connection)
        for connection in expired:
            connection.close()
        if reused is not None:
            reused.timeout = timeout
            if reused.sock is not None:
                reused.sock.settimeout(timeout)
            return reused, True
        if self.scheme == "https":
            return _Https(self.host, self.port, timeout=timeout,
                          context=ssl.create_default_context()), False
        return _Http(self.host, self.port, timeout=timeout), False

    def give_back(self, connection: Connection) -> None:
        """Keep ``connection`` for the next request (closed when the pool is full)."""
        with self._lock:
            if len(self._idle) < MAX_IDLE:
                self._idle.append((time.monotonic(), connection))
                return
        connection.close()

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, []
        for _, connection in idle:
            connection.close()


_POOLS: dict[tuple[str, str, int | None], _Pool] = {}
_POOLS_LOCK = threading.Lock()


def _pool(scheme: str, host: str, port: int | None) -> _Pool:
    with _POOLS_LOCK:
        return _POOLS.setdefault((scheme, host, port), _Pool(scheme, host, port))


def close_connections() -> None:
    """Close the idle connections of every pool (tests; a process exiting needs nothing)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
    for pool in pools:
        pool.close()


class PooledTimeStamper(TimeStamper):
    """pyHanko's time stamper over pooled keep-alive HTTP(S) connections (see the module
    docstring). Failures leave as pyHanko's ``TimestampRequestError``."""

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.url = url
        self.timeout = timeout
        try:
            parts = urllib.parse.urlsplit(url)
            port = parts.port
        except ValueError:  # a port that is not a number, a broken IPv6 address
            parts, port = urllib.parse.urlsplit(""), None
        # an unusable URL fails each time stamp as an unreachable service would
        self._usable = parts.scheme in ("http", "https") and bool(parts.hostname)
        self._pool = _pool(parts.scheme, parts.hostname or "", port)
        self._target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._host_header = parts.netloc.rsplit("@", 1)[-1]

    def post(self, body: bytes) -> bytes:
        """POST a DER time-stamp request and return the DER reply."""
        if not self._usable:
            raise TimestampRequestError(f"not an HTTP(S) URL: {self.url!r}")
        for attempt in (1, 2):
            connection, reused = self._pool.take(self.timeout, fresh=attempt > 1)
            try:
                reply = self._exchange(connection, body)
            except _STALE as error:
                connection.close()
                if reused and attempt == 1:
                    continue  # the server closed the idle connection: once more, afresh
                raise TimestampRequestError(f"the time-stamping service at {self.url} "
                                            f"closed the connection ({error})") from error
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                raise TimestampRequestError(f"cannot reach the time-stamping service at "
                                            f"{self.url} ({error})") from error
            except BaseException:
                connection.close()
                raise
            return reply
        raise AssertionError("unreachable")  # pragma: no cover

    def _exchange(self, connection: Connection, body: bytes) -> bytes:
        connection.request("POST", self._target, body=body, headers={
            "Host": self._host_header, "Content-Type": "application/timestamp-query",
            "Content-Length": str(len(body)), "Connection": "keep-alive"})
        _ack_at_once(connection)
        with _closing_on_error(connection):
            response = connection.getresponse()
            length = response.getheader("Content-Length")
            if length is not None and length.isdigit() and int(length) > MAX_REPLY:
                raise TimestampRequestError(f"the time-stamping service at {self.url} sent "
                                            f"{length} bytes")
            data = response.read(MAX_REPLY + 1)
            kind = (response.getheader("Content-Type") or "").split(";")[0].strip()
            keep = not response.will_close and len(data) <= MAX_REPLY
        if keep:
            self._pool.give_back(connection)
        else:
            connection.close()
        if response.status != 200:
            raise TimestampRequestError(f"the time-stamping service at {self.url} answered "
                                        f"{response.status} {response.reason}")
        if len(data) > MAX_REPLY:
            raise TimestampRequestError(f"the time-stamping service at {self.url} sent more "
                                        f"than {MAX_REPLY} bytes")
        if kind != REPLY_TYPE:
            raise TimestampRequestError(f"the time-stamping service at {self.url} answered "
                                        f"{kind or 'no content type'}, not {REPLY_TYPE}")
        return data

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        """pyHanko's hook: send ``req`` and parse the reply (blocking; see the module
        docstring)."""
        data = self.post(req.dump())
        try:
            return tsp.TimeStampResp.load(data)
        except ValueError as error:
            raise TimestampRequestError(f"the time-stamping service at {self.url} sent "
                                        f"an unreadable reply ({error})") from error


_QUICKACK = getattr(socket, "TCP_QUICKACK", None)  # Linux


def _ack_at_once(connection: Connection) -> None:
    """Acknowledge the reply's first segment at once (Linux): a server that writes the
    reply's headers and body separately with Nagle's algorithm on (uvicorn does) holds the
    body until the headers are acknowledged, and a delayed ACK took ~40 ms; measured on
    loopback against ``sohoa pki serve``: 44 ms -> 2 ms a time stamp. Quick-ACK mode does
    not last, so it is set again for every request."""
    if _QUICKACK is None or connection.sock is None:
        return
    # not a socket the kernel lets us tune: the reply only comes later
    with suppress(OSError):
        connection.sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)


@contextmanager
def _closing_on_error(connection: Connection) -> Iterator[None]:
    try:
        yield
    except BaseException:
        connection.close()
        raise
