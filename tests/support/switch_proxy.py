"""A loopback TCP proxy a test can switch off and on again (same port), or set to drop
everything after a number of bytes: a server "going away" and coming back, for one client,
while the real server (shared by everyone on this machine) keeps running."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable


class SwitchProxy:
    """Forwards 127.0.0.1:<port> to ``target`` while on; while off, every connection is
    dropped at once (open ones too)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._on = True
        self._budget: int | None = None
        self.tripped = threading.Event()
        self.on_trip: Callable[[], object] | None = None
        """Called (in the proxy's thread) when :meth:`off_after`'s budget is used up."""
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def address(self) -> str:
        """``127.0.0.1:port`` of the proxy."""
        return f"127.0.0.1:{self.port}"

    def off(self) -> None:
        """Drop every open connection and refuse (accept, then close) new ones."""
        with self._lock:
            self._on = False
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def on(self) -> None:
        """Forward again."""
        with self._lock:
            self._on = True
            self._budget = None
            self.tripped.clear()

    def off_after(self, upstream_bytes: int) -> None:
        """Switch off once ``upstream_bytes`` more bytes went from clients to the server."""
        with self._lock:
            self._budget = upstream_bytes

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                on = self._on
            if not on:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True),
                             daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False),
                             daemon=True).start()

    def _spend(self, count: int) -> bool:
        """Count ``count`` upstream bytes; True when the budget is used up."""
        with self._lock:
            if self._budget is None:
                return False
            self._budget -= count
            return self._budget <= 0

    def _pump(self, source: socket.socket, sink: socket.socket, upstream: bool) -> None:
        try:
            while data := source.recv(65536):
                if upstream and self._spend(len(data)):
                    if self.on_trip is not None:
                        self.on_trip()
                    self.off()
                    self.tripped.set()
                    return
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        """Stop listening and drop everything."""
        self.off()
        self.listener.close()
