"""Writing edXML messages the strict way (``shared/spec/edxml.md``): every element of the
envelope carries the ``edXML:`` prefix, children in the standard's order, dates as
``YYYY/MM/DD``, the attachments base64 in ``AttachmentEncoded`` after the envelope, and an
enveloped rsa-sha256 XMLDSig in the header, by the sending unit's certificate."""

from __future__ import annotations

import base64
from datetime import date, datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree  # type: ignore[import-untyped]

from signing.edxml import dsig
from signing.edxml.model import NAMESPACE, Message, Organ

_PREFIXED = {"edXML": NAMESPACE}


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _q(name))
    if text is not None:
        element.text = text
    return element


def _day(value: date | None) -> str:
    return "" if value is None else value.strftime("%Y/%m/%d")


def _moment(value: datetime) -> str:
    return value.strftime("%Y/%m/%d %H:%M:%S")


def _organ(parent: etree._Element, name: str, organ: Organ) -> None:
    element = _add(parent, name)
    _add(element, "OrganId", organ.organ_id or "")
    _add(element, "OrganName", organ.name or "")


def _edoc_header(header: etree._Element, message: Message) -> None:
    _organ(header, "From", message.sender)
    for organ in message.receivers:
        _organ(header, "To", organ)
    _add(header, "DocumentId", message.document_id or "")
    code = _add(header, "Code")
    _add(code, "CodeNumber", message.code.number or "")
    _add(code, "CodeNotation", message.code.notation or "")
    promulgation = _add(header, "PromulgationInfo")
    _add(promulgation, "Place", message.promulgation.place or "")
    _add(promulgation, "PromulgationDate", _day(message.promulgation.date))
    doc_type = _add(header, "DocumentType")
    _add(doc_type, "Type", message.doc_type.type or "")
    _add(doc_type, "TypeName", message.doc_type.name or "")
    _add(header, "Subject", message.subject or "")
    _add(header, "Content", message.content or "")
    signer = _add(header, "SignerInfo")
    _add(signer, "Competence", message.signer.competence or "")
    _add(signer, "Position", message.signer.position or "")
    _add(signer, "FullName", message.signer.full_name or "")
    _add(header, "DueDate", _day(message.due_date))
    other = _add(header, "OtherInfo")
    _add(other, "Priority", str(message.priority or 0))
    _add(header, "SteeringType", str(message.steering_type or 1))
    places = _add(header, "ToPlaces")
    for place in message.to_places:
        _add(places, "Place", place)
    _response_for(header, message)


def _response_for(header: etree._Element, message: Message) -> None:
    answered = message.response_for
    if answered is None:
        return
    element = _add(header, "ResponseFor")
    _add(element, "OrganId", answered.organ_id or "")
    _add(element, "Code", answered.code or "")
    _add(element, "PromulgationDate", _day(answered.promulgation_date))
    _add(element, "DocumentId", answered.document_id or "")


def _status_header(header: etree._Element, message: Message, now: datetime) -> None:
    assert message.status is not None
    _organ(header, "From", message.sender)
    _response_for(header, message)
    _add(header, "StatusCode", message.status.code)
    _add(header, "Description", message.status.description or "")
    _add(header, "Timestamp", _moment(message.status.timestamp or now))


def _traces(header: etree._Element, message: Message, now: datetime) -> None:
    traces = _add(header, "TraceHeaderList")
    hops = message.traces or ()
    for hop in hops:
        trace = _add(traces, "TraceHeader")
        _add(trace, "OrganId", hop.organ_id)
        _add(trace, "Timestamp", _moment(hop.timestamp))
    if not hops:
        trace = _add(traces, "TraceHeader")
        _add(trace, "OrganId", message.sender.organ_id or "")
        _add(trace, "Timestamp", _moment(now))
    business = _add(traces, "Bussiness")
    _add(business, "DocumentId", message.document_id or "")
    _add(business, "BussinessDocType", str(message.business.type))
    _add(business, "BussinessDocReason", message.business.reason or "")
    _add(business, "Paper", "1" if message.business.paper else "0")
    if message.business.type in (2, 3):
        info = _add(business, "BussinessDocumentInfo")
        _add(info, "DocumentInfo", "1")
        _add(info, "DocumentReceiver", "0")
        _add(info, "ReceiverList")
        replacements = _add(business, "ReplacementInfoList")
        for item in message.business.replacements:
            replacement = _add(replacements, "ReplacementInfo")
            _add(replacement, "DocumentId", item.document_id)
            organs = _add(replacement, "OrganIdList")
            for organ_id in item.organ_ids:
                _add(organs, "OrganId", organ_id)


def build_message(message: Message, *, now: datetime) -> etree._Element:
    """The unsigned message's tree, with a signature placeholder in the header."""
    root = etree.Element(_q("edXML"), nsmap={None: NAMESPACE})
    envelope = etree.SubElement(root, _q("edXMLEnvelope"), nsmap=_PREFIXED)
    header = _add(envelope, "edXMLHeader")
    message_header = _add(header, "MessageHeader")
    if message.kind == "status":
        _status_header(message_header, message, now)
    else:
        _edoc_header(message_header, message)
    _traces(header, message, now)
    header.append(dsig.placeholder())
    body = _add(envelope, "edXMLBody")
    manifest = _add(body, "edXMLManifest")
    manifest.set("version", "1.0")
    for number, item in enumerate(message.attachments, start=1):
        reference = _add(manifest, "Reference")
        _add(reference, "ContentId", f"cid:{number}")
        _add(reference, "ContentType", item.content_type)
        _add(reference, "Description", item.description or item.name)
        _add(reference, "AttachmentName", item.name)
    if message.attachments:
        encoded = etree.SubElement(root, _q("AttachmentEncoded"))
        for number, item in enumerate(message.attachments, start=1):
            attachment = etree.SubElement(encoded, _q("Attachment"), nsmap=_PREFIXED)
            _add(attachment, "ContentId", f"cid:{number}")
            _add(attachment, "AttachmentName", item.name)
            _add(attachment, "Description", item.description or item.name)
            _add(attachment, "ContentType", item.content_type)
            _add(attachment, "ContentTransferEncoded",
                 base64.b64encode(item.data).decode("ascii"))
    return root


def write_message(message: Message, private_key: rsa.RSAPrivateKey,
                  certificate: x509.Certificate, *, now: datetime,
                  chain: list[x509.Certificate] | None = None) -> bytes:
    """The message as signed edXML bytes (UTF-8, with an XML declaration)."""
    signed = dsig.sign(build_message(message, now=now), private_key, certificate, chain)
    data: bytes = etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
    return data
