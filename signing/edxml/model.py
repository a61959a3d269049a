"""What an edXML document or status message says, as plain frozen values.

The field names follow the CLI's JSON (``sohoa edxml read --json``); :func:`message_json`
gives that JSON. Texts are NFC; absent values are None.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
"""The edXML namespace (QCVN 102:2016)."""

MessageKind = Literal["edoc", "status"]


@dataclass(frozen=True)
class Organ:
    """A party: its organisation code (OrganId) and name."""

    organ_id: str | None
    name: str | None = None


@dataclass(frozen=True)
class Code:
    """The number/notation (số/ký hiệu) split at the first ``/``."""

    number: str | None
    notation: str | None

    @classmethod
    def of(cls, so_ky_hieu: str | None) -> Code:
        """Split a printed number/symbol such as ``12/UBND-VP``."""
        if not so_ky_hieu:
            return cls(None, None)
        number, slash, notation = so_ky_hieu.partition("/")
        return cls(number.strip() or None, notation.strip() if slash else None)

    def joined(self) -> str:
        """``number/notation`` as printed (empty when neither is known)."""
        return "/".join(part for part in (self.number, self.notation) if part)


@dataclass(frozen=True)
class DocType:
    """The document type: the numeric ``Type`` and its name (e.g. ``Công văn``)."""

    type: str | None
    name: str | None


@dataclass(frozen=True)
class Promulgation:
    """Where and when the document was issued."""

    place: str | None
    date: date | None


@dataclass(frozen=True)
class SignerInfo:
    """Who signed: competence (``KT. CHỦ TỊCH``), position, full name."""

    competence: str | None
    position: str | None
    full_name: str | None


@dataclass(frozen=True)
class Replacement:
    """``ReplacementInfo``: the earlier document an update or replacement stands for,
    and the parties it was sent to."""

    document_id: str
    organ_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Business:
    """The trace's business: 0 new, 1 revoke, 2 update, 3 replace, with a reason; an
    update or replacement names the documents it replaces."""

    type: int
    reason: str | None = None
    paper: bool = False
    replacements: tuple[Replacement, ...] = ()


@dataclass(frozen=True)
class ResponseFor:
    """The message a message answers."""

    organ_id: str | None
    document_id: str | None
    code: str | None
    promulgation_date: date | None = None


@dataclass(frozen=True)
class Status:
    """A status message's code (01..16), description and time."""

    code: str
    description: str | None
    timestamp: datetime | None


@dataclass(frozen=True)
class Trace:
    """One hop of ``TraceHeaderList``."""

    organ_id: str
    timestamp: datetime


@dataclass(frozen=True)
class Attachment:
    """One attached file, decoded."""

    name: str
    content_type: str
    data: bytes = field(repr=False)
    description: str | None = None

    @property
    def size(self) -> int:
        """Bytes of the decoded file."""
        return len(self.data)

    @property
    def sha256(self) -> str:
        """SHA-256 (hex) of the decoded file."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class SignatureCheck:
    """The message's XMLDSig: whether there is one, whether it verifies (None: not
    checked), and the signing certificate's subject common name."""

    present: bool
    valid: bool | None = None
    signer: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Message:
    """An edXML document message (``kind="edoc"``) or status message (``"status"``)."""

    kind: MessageKind
    sender: Organ
    receivers: tuple[Organ, ...] = ()
    document_id: str | None = None
    code: Code = Code(None, None)
    subject: str | None = None
    content: str | None = None
    doc_type: DocType = DocType(None, None)
    promulgation: Promulgation = Promulgation(None, None)
    signer: SignerInfo = SignerInfo(None, None, None)
    due_date: date | None = None
    priority: int | None = None
    steering_type: int | None = None
    to_places: tuple[str, ...] = ()
    business: Business = Business(0)
    response_for: ResponseFor | None = None
    status: Status | None = None
    traces: tuple[Trace, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    signature: SignatureCheck = SignatureCheck(present=False)


def _organ(organ: Organ) -> dict[str, Any]:
    return {"organ_id": organ.organ_id, "name": organ.name}


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def message_json(message: Message) -> dict[str, Any]:
    """The message as the JSON of ``sohoa edxml read --json`` (the CLI contract)."""
    response = message.response_for
    status = message.status
    return {
        "kind": message.kind,
        "document_id": message.document_id,
        "from": _organ(message.sender),
        "to": [_organ(organ) for organ in message.receivers],
        "code": {"number": message.code.number, "notation": message.code.notation},
        "subject": message.subject,
        "doc_type": {"type": message.doc_type.type, "name": message.doc_type.name},
        "promulgation": {"place": message.promulgation.place,
                         "date": _iso(message.promulgation.date)},
        "signer": {"competence": message.signer.competence,
                   "position": message.signer.position,
                   "full_name": message.signer.full_name},
        "due_date": _iso(message.due_date),
        "priority": message.priority,
        "steering_type": message.steering_type,
        "to_places": list(message.to_places),
        "business": {"type": message.business.type, "reason": message.business.reason},
        "response_for": None if response is None else {
            "organ_id": response.organ_id, "document_id": response.document_id,
            "code": response.code},
        "status": None if status is None else {
            "code": status.code, "description": status.description,
            "timestamp": _iso(status.timestamp)},
        "attachments": [{"name": item.name, "content_type": item.content_type,
                         "size": item.size, "sha256": item.sha256}
                        for item in message.attachments],
        "signature": {"present": message.signature.present, "valid": message.signature.valid,
                      "signer": message.signature.signer},
    }
