"""Time-limited download URLs signed with HMAC-SHA256, for stores without native presigning.

The local backend hands out ``{url_base}/{key}?expires=<unix>&signature=<hex>``; the API route
serving ``url_base`` calls :func:`verify_download` before streaming the object.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import quote, urlencode


def _message(key: str, expires_at: int) -> bytes:
    return f"sohoa-download\n{key}\n{expires_at}".encode()


def sign_download(key: str, expires_at: int, secret: bytes) -> str:
    """The hex HMAC-SHA256 of ``key`` and its expiry time (Unix seconds) under ``secret``."""
    if not secret:
        raise ValueError("the download URL secret must not be empty")
    return hmac.new(secret, _message(key, int(expires_at)), hashlib.sha256).hexdigest()


def verify_download(
    key: str,
    expires: int | str,
    signature: str,
    secret: bytes,
    *,
    now: float | None = None,
) -> bool:
    """Whether ``signature`` is valid for ``key`` and ``expires`` has not passed yet.

    ``expires`` may be the raw query-string value; anything that is not a whole number is
    refused. The comparison is constant-time. ``now`` (Unix seconds) is for tests.
    """
    try:
        expires_at = int(expires)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if expires_at <= current or not secret:
        return False
    expected = sign_download(key, expires_at, secret)
    return hmac.compare_digest(expected.encode(), signature.strip().lower().encode())


def signed_download_url(url_base: str, key: str, expires_at: int, secret: bytes) -> str:
    """``{url_base}/{key}?expires=...&signature=...`` for ``key``, valid until ``expires_at``."""
    signature = sign_download(key, expires_at, secret)
    query = urlencode({"expires": int(expires_at), "signature": signature})
    return f"{url_base.rstrip('/')}/{quote(key, safe='/')}?{query}"
