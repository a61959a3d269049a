"""Reading edXML messages as any exchange software writes them, from hostile input too.

Accepted: the QCVN 102 namespace or none, ``edXML:`` prefixes or none, children in any
order, whitespace anywhere, a stray byte (or BOM) before ``<?xml``, attachments inside or
outside the envelope, signatures in rsa-sha1 or rsa-sha256. Refused before parsing: more
bytes than the limit, and any DOCTYPE or ENTITY declaration (so no external entity and no
entity expansion ever happens); the parser itself resolves no entity, loads no DTD and
reaches no network.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from cryptography import x509
from lxml import etree  # type: ignore[import-untyped]

from signing.edxml import dsig
from signing.edxml.errors import EdxmlError, EdxmlTooLargeError, HostileXmlError
from signing.edxml.model import (
    NAMESPACE,
    Attachment,
    Business,
    Code,
    DocType,
    Message,
    Organ,
    Promulgation,
    Replacement,
    ResponseFor,
    SignatureCheck,
    SignerInfo,
    Status,
    Trace,
)

_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)
_ROOTS = frozenset({"edXML", "edXMLEnvelope"})
_DATES = ("%Y/%m/%d", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
_TIMES = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M:%S",
          "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z")


def hardened_parser() -> etree.XMLParser:
    """An lxml parser that resolves no entity, loads no DTD and reaches no network.

    libxml2's "huge" mode is on: without it a text node over 10 MB is refused, and the
    base64 of an ordinary 8 MB scanned PDF is one. What that mode guards against cannot
    reach it here: :func:`parse_xml` refuses any DOCTYPE or entity declaration before
    parsing (no entity can expand) and the message's size is bounded by the setting
    ``SOHOA_EDXML_MAX_BYTES`` first; the depth limit stays (2,048 levels)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                           dtd_validation=False, load_dtd=False)


def parse_xml(data: bytes, *, source: str, max_bytes: int) -> etree._Element:
    """The root element of ``data``, refused cleanly when hostile or not XML."""
    if len(data) > max_bytes:
        raise EdxmlTooLargeError(f"the message is {len(data)} bytes, more than the limit "
                                 f"of {max_bytes}", subject=source)
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        start = data.find(b"<")
        if start < 0:
            raise EdxmlError("not an edXML message: no XML in it", subject=source)
        data = data[start:]
    if _DECLARATION.search(data) or _DECLARATION.search(data.replace(b"\x00", b"")):
        raise HostileXmlError("refused: a DOCTYPE or entity declaration (a message never "
                              "needs one; external entities and entity expansion are not "
                              "allowed)", subject=source)
    try:
        root = etree.fromstring(data, parser=hardened_parser())
    except etree.XMLSyntaxError as error:
        raise EdxmlError(f"not an edXML message: not well-formed XML ({error.msg})",
                         subject=source) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise HostileXmlError("refused: a DOCTYPE declaration", subject=source)
    return root


def read_message_file(path: Path, *, max_bytes: int,
                      expected: x509.Certificate | None = None) -> Message:
    """The message in ``path``; its size is checked against ``max_bytes`` before a byte
    is read. See :func:`read_message`."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise EdxmlTooLargeError(f"the message is {size} bytes, more than the limit of "
                                     f"{max_bytes}", subject=source)
        data = path.read_bytes()
    except OSError as error:
        raise EdxmlError(f"cannot be read: {error.strerror}", subject=source) from None
    return read_message(data, source=source, max_bytes=max_bytes, expected=expected)


def read_message(data: bytes, *, source: str, max_bytes: int,
                 expected: x509.Certificate | None = None) -> Message:
    """The edXML document or status message in ``data``, with its signature checked
    against ``expected`` (the sender's registered certificate) or, without one, against
    the certificate it carries. Raises :class:`EdxmlError` (naming ``source``) when it is
    not an edXML message, :class:`HostileXmlError` or :class:`EdxmlTooLargeError`."""
    root = parse_xml(data, source=source, max_bytes=max_bytes)
    try:
        message = _interpret(root)
    except EdxmlError as error:
        raise EdxmlError(error.message, subject=source) from None
    signature = dsig.verify(root, hardened_parser(), expected=expected)
    if not signature.present and _stray_signature(root):
        signature = SignatureCheck(present=True, valid=False, problem=(
            "the Signature element is not in the XMLDSig namespace, so it cannot be "
            "verified"))
    return replace(message, signature=signature)


def _stray_signature(root: etree._Element) -> bool:
    """Whether the header has a ``<Signature>`` outside the XMLDSig namespace, as the
    national axis SDK sample writes it (no ``xmlns`` of its own, so it falls in the
    edXML default namespace): a signature is there, but not one anybody can check."""
    return any(_kid(header, "Signature") is not None
               for header in _descendants(root, "edXMLHeader"))


# --- reading elements by local name ----------------------------------------------------


def _name(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def _kids(element: etree._Element | None, name: str) -> list[etree._Element]:
    if element is None:
        return []
    return [child for child in element if isinstance(child.tag, str) and _name(child) == name]


def _kid(element: etree._Element | None, name: str) -> etree._Element | None:
    found = _kids(element, name)
    return found[0] if found else None


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = unicodedata.normalize("NFC", text.strip())
    return text or None


def _text(element: etree._Element | None, *path: str) -> str | None:
    for name in path:
        element = _kid(element, name)
    return None if element is None else _clean("".join(element.itertext()))


def _date(element: etree._Element | None, *path: str) -> date | None:
    text = _text(element, *path)
    if text is None:
        return None
    head = text.split()[0].split("T")[0]
    for pattern in _DATES:
        try:
            return datetime.strptime(head, pattern).date()
        except ValueError:
            continue
    raise EdxmlError(f"{'/'.join(path)} is not a date: {text!r}")


def _time(element: etree._Element | None, *path: str) -> datetime | None:
    text = _text(element, *path)
    if text is None:
        return None
    for pattern in _TIMES:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise EdxmlError(f"{'/'.join(path)} is not a time: {text!r}")


def _int(element: etree._Element | None, *path: str) -> int | None:
    text = _text(element, *path)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise EdxmlError(f"{'/'.join(path)} is not a number: {text!r}") from None


def _descendants(root: etree._Element, name: str) -> list[etree._Element]:
    return [element for element in root.iter() if isinstance(element.tag, str)
            and _name(element) == name]


# --- the message ------------------------------------------------------------------------


def _check_root(root: etree._Element) -> None:
    namespace = etree.QName(root).namespace
    if _name(root) not in _ROOTS:
        raise EdxmlError(f"not an edXML message: the root element is <{_name(root)}>")
    if namespace not in (None, NAMESPACE):
        raise EdxmlError(f"not an edXML message: the namespace is {namespace}")


def _organ(element: etree._Element) -> Organ:
    return Organ(organ_id=_text(element, "OrganId"), name=_text(element, "OrganName"))


def _business_element(traces: etree._Element | None) -> etree._Element | None:
    found = _kid(traces, "Bussiness")
    return found if found is not None else _kid(traces, "Business")


def _business(traces: etree._Element | None) -> Business:
    found = _business_element(traces)
    if found is None:
        return Business(0)
    kind = _int(found, "BussinessDocType")
    kind = _int(found, "BusinessDocType") if kind is None else kind
    if kind is not None and kind not in (0, 1, 2, 3):
        raise EdxmlError(f"BussinessDocType must be 0 to 3, not {kind}")
    reason = _text(found, "BussinessDocReason") or _text(found, "BusinessDocReason")
    replacements = tuple(
        Replacement(document_id, tuple(
            organ for organ_element in _kids(_kid(element, "OrganIdList"), "OrganId")
            if (organ := _text(organ_element)) is not None))
        for element in _kids(_kid(found, "ReplacementInfoList"), "ReplacementInfo")
        if (document_id := _text(element, "DocumentId")) is not None)
    return Business(type=kind or 0, reason=reason, paper=_text(found, "Paper") == "1",
                    replacements=replacements)


def _response_for(header: etree._Element) -> ResponseFor | None:
    found = _kid(header, "ResponseFor")
    if found is None or not any(isinstance(child.tag, str) and _clean("".join(
            child.itertext())) for child in found):
        return None  # absent, or written with every child empty as some writers do
    return ResponseFor(organ_id=_text(found, "OrganId"), document_id=_text(found, "DocumentId"),
                       code=_text(found, "Code"),
                       promulgation_date=_date(found, "PromulgationDate"))


def _status(header: etree._Element) -> Status | None:
    code = _text(header, "StatusCode")
    if code is None:
        return None
    if code.isdigit() and len(code) == 1:
        code = code.zfill(2)
    return Status(code=code, description=_text(header, "Description"),
                  timestamp=_time(header, "Timestamp"))


def _attachments(root: etree._Element) -> tuple[Attachment, ...]:
    found = []
    for element in _descendants(root, "Attachment"):
        encoded = _kid(element, "ContentTransferEncoded")
        if encoded is None:
            continue
        name = _text(element, "AttachmentName") or _text(element, "ContentId") or "attachment"
        try:
            data = base64.b64decode("".join((encoded.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            raise EdxmlError(f"the attachment {name} is not valid base64") from None
        found.append(Attachment(name=name,
                                content_type=_text(element, "ContentType")
                                or "application/octet-stream",
                                data=data, description=_text(element, "Description")))
    return tuple(found)


def _interpret(root: etree._Element) -> Message:
    _check_root(root)
    headers = _descendants(root, "MessageHeader")
    if not headers:
        raise EdxmlError("not an edXML message: it has no MessageHeader")
    header = headers[0]
    sender = _kid(header, "From")
    if sender is None:
        raise EdxmlError("not an edXML message: its MessageHeader has no From")
    trace_lists = _descendants(root, "TraceHeaderList")
    traces = trace_lists[0] if trace_lists else None
    business = _business(traces)
    status = _status(header)
    document_id = (_text(header, "DocumentId")
                   or _text(_business_element(traces), "DocumentId"))
    return Message(
        kind="status" if status is not None else "edoc",
        sender=_organ(sender),
        receivers=tuple(_organ(element) for element in _kids(header, "To")),
        document_id=document_id,
        code=Code(_text(header, "Code", "CodeNumber"), _text(header, "Code", "CodeNotation")),
        subject=_text(header, "Subject"),
        content=_text(header, "Content"),
        doc_type=DocType(_text(header, "DocumentType", "Type"),
                         _text(header, "DocumentType", "TypeName")),
        promulgation=Promulgation(_text(header, "PromulgationInfo", "Place"),
                                  _date(header, "PromulgationInfo", "PromulgationDate")),
        signer=SignerInfo(_text(header, "SignerInfo", "Competence"),
                          _text(header, "SignerInfo", "Position"),
                          _text(header, "SignerInfo", "FullName")),
        due_date=_date(header, "DueDate"),
        priority=_int(header, "OtherInfo", "Priority"),
        steering_type=_int(header, "SteeringType"),
        to_places=tuple(text for element in _kids(_kid(header, "ToPlaces"), "Place")
                        if (text := _text(element)) is not None),
        business=business,
        response_for=_response_for(header),
        status=status,
        traces=tuple(Trace(organ_id=organ, timestamp=moment)
                     for element in _kids(traces, "TraceHeader")
                     if (organ := _text(element, "OrganId")) is not None
                     and (moment := _time(element, "Timestamp")) is not None),
        attachments=_attachments(root),
    )
