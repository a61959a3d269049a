"""The citizen's receipt (giấy tiếp nhận hồ sơ và hẹn trả kết quả) and the public status
look-up it opens.

A dossier's public code is ``HS-`` and its id in six or more digits (``HS-000042``); the
receipt also prints a check code: eight characters of an HMAC of that code under the
installation's secret (no column, no migration; the same secret gives the same code
forever). Anyone holding both may read the dossier's status and return date, nothing
more; a wrong code and a wrong check code give the same answer, and guesses are counted
per client address (:mod:`storage.attempts`), so the 40 bits of the check code cannot be
tried out.

    code, check = dossier_code(42), check_code(secret, 42)      # "HS-000042", "7KQ2-M9XD"
    status = look_up_status(sessions, secret, code, check, address="203.0.113.9",
                            limits=AttemptLimits(max_failures=20))
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import re
import unicodedata
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import segno
from sqlalchemy.orm import Session

from storage.attempts import AttemptLimits, audit_lockouts, refund, reserve
from storage.errors import NotFoundError
from storage.records import Dossier, DossierStatus

CODE_PREFIX = "HS-"
STATUS_PATH = "/status"
_CODE = re.compile(r"(?:HS)?0*([1-9][0-9]{0,17})")
_CROCKFORD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
                           "0123456789ABCDEFGHJKMNPQRSTVWXYZ")  # no I, L, O, U
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CHECK = re.compile(r"[0-9A-HJKMNP-TV-Z]{8}")

SessionFactory = Callable[[], AbstractContextManager[Session]]


def dossier_code(dossier_id: int) -> str:
    """The code of a dossier printed for the citizen: ``HS-000042``."""
    return f"{CODE_PREFIX}{dossier_id:06d}"


def parse_dossier_code(text: str) -> int | None:
    """The dossier id a typed code names (``HS-000042``, ``hs 42``, ``42``), else None."""
    compact = re.sub(r"[\s\-./]", "", unicodedata.normalize("NFKC", text)).upper()
    found = _CODE.fullmatch(compact)
    return int(found.group(1)) if found else None


def check_code(secret: bytes, dossier_id: int) -> str:
    """The receipt's check code of a dossier: ``XXXX-XXXX`` (Crockford base32 of the first
    40 bits of an HMAC-SHA256 of its code under ``secret``)."""
    digest = hmac.new(secret, b"sohoa-receipt:" + dossier_code(dossier_id).encode(),
                      hashlib.sha256).digest()
    text = base64.b32encode(digest[:5]).decode().translate(_CROCKFORD)
    return f"{text[:4]}-{text[4:]}"


def _normalised_check(text: str) -> str:
    compact = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text)).upper()
    return compact.translate(_LOOK_ALIKES)


def check_matches(secret: bytes, dossier_id: int, typed: str) -> bool:
    """Whether ``typed`` is the dossier's check code (case, dashes, spaces and O/0, I/L/1
    look-alikes forgiven), compared in constant time."""
    wanted = check_code(secret, dossier_id).replace("-", "")
    given = _normalised_check(typed)
    if not _CHECK.fullmatch(given):
        given = "#" * len(wanted)
    return hmac.compare_digest(given.encode(), wanted.encode())


def status_link(base_url: str, secret: bytes, dossier_id: int) -> str:
    """The public status page's address for the dossier, with both of its codes."""
    query = urlencode({"code": dossier_code(dossier_id),
                       "check": check_code(secret, dossier_id)})
    return f"{base_url.rstrip('/')}{STATUS_PATH}?{query}"


def status_qr_png(link: str) -> bytes:
    """The QR code of ``link`` as a PNG for the receipt (error correction M, about 4 cm
    printed)."""
    buffer = io.BytesIO()
    segno.make(link, error="m", micro=False).save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


@dataclass(frozen=True)
class PublicStatus:
    """All the public status page tells: the status and the return date."""

    code: str
    status: DossierStatus
    return_date: date


def status_address_key(address: str) -> str:
    """The attempt counter of status look-ups from one client address."""
    return f"status:addr:{address[:200]}"


def look_up_status(sessions: SessionFactory, secret: bytes, code: str, check: str, *,
                   address: str | None, limits: AttemptLimits) -> PublicStatus:
    """The public status of the dossier ``code`` if ``check`` is its check code.

    :class:`NotFoundError` (one message) for an unknown code and a wrong check code alike;
    :class:`TooManyAttemptsError` while the client ``address`` is locked after too many
    failed look-ups (counted before the codes are compared, in a transaction of its own;
    a found dossier takes its attempt back)."""
    guarded = {status_address_key(address or "unknown"): limits}
    with sessions() as session:
        attempts = reserve(session, guarded, subject="status")
    dossier_id = parse_dossier_code(code)
    found: PublicStatus | None = None
    with sessions() as session:
        dossier = session.get(Dossier, dossier_id) if dossier_id is not None else None
        matches = check_matches(secret, dossier_id or 0, check)
        if dossier is not None and matches:
            found = PublicStatus(dossier_code(dossier.id), dossier.status, dossier.due_date)
            refund(session, attempts)
        else:
            audit_lockouts(session, attempts)
    if found is None:
        raise NotFoundError("no dossier with this code and check code", subject="status")
    return found
