"""The demo PKI's trust services as pure functions of a request: RFC 3161 time stamps,
OCSP responses and the root's CRL. Fast (one RSA signature each); never raise on a
malformed request, answering it with the protocol's own error response instead."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asn1crypto import algos, cms, core, tsp  # type: ignore[import-untyped, unused-ignore]
from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped, unused-ignore]
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509 import ocsp

from signing.pki.store import DemoPki

# the TSA policy: an OID under the UUID arc (ITU-T X.667), needing no registration
TSA_POLICY = "2.25.146453129327498384398624521404402125783"
_DIGEST_SIZES = {"sha1": 20, "sha224": 28, "sha256": 32, "sha384": 48, "sha512": 64}
_OCSP_HASHES: dict[str, hashes.HashAlgorithm] = {
    "sha1": hashes.SHA1(),  # noqa: S303 - OCSP CertIDs are SHA-1 by default (RFC 6960)
    "sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512(),
}
_MAX_REQUEST = 64 * 1024


# --- RFC 3161 time stamps ------------------------------------------------------------


class _RejectedResp(core.Sequence):  # type: ignore[misc]
    """A TimeStampResp without a token (asn1crypto's own class makes the token required)."""

    _fields = [("status", tsp.PKIStatusInfo)]  # noqa: RUF012 - asn1crypto's declaration


def _rejection(text: str, failure: str) -> bytes:
    status = tsp.PKIStatusInfo({"status": "rejection", "status_string": [text],
                                "fail_info": tsp.PKIFailureInfo({failure})})
    return bytes(_RejectedResp({"status": status}).dump())


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _check_request(request: tsp.TimeStampReq) -> tuple[str, str] | None:
    """Why the request cannot be granted, as (text, failure bit), or None."""
    if request["version"].native != "v1":
        return "unsupported version", "bad_request"
    imprint = request["message_imprint"]
    algorithm = imprint["hash_algorithm"]["algorithm"].native
    size = _DIGEST_SIZES.get(algorithm)
    if size is None:
        return f"unsupported hash algorithm {algorithm}", "bad_alg"
    if len(imprint["hashed_message"].native) != size:
        return f"the message imprint is not a {algorithm} digest", "bad_data_format"
    policy = request["req_policy"].native
    if policy is not None and policy != TSA_POLICY:
        return f"unsupported policy {policy}", "unaccepted_policy"
    if request["extensions"].native:
        return "extensions are not supported", "unaccepted_extension"
    return None


@dataclass(frozen=True)
class _TsaParts:
    """What every token repeats, encoded once (asn1crypto is slow to encode names)."""

    tsa_cert: bytes
    root_cert: bytes
    tsa_name: bytes
    signer_id: bytes
    signing_certificate: bytes


@functools.lru_cache(maxsize=8)
def _tsa_parts(tsa_der: bytes, root_der: bytes) -> _TsaParts:
    tsa = asn1_x509.Certificate.load(tsa_der)
    issuer_name = asn1_x509.GeneralName(name="directory_name", value=tsa.issuer)
    essid = tsp.ESSCertIDv2({
        "hash_algorithm": {"algorithm": "sha256"},
        "cert_hash": hashlib.sha256(tsa_der).digest(),
        "issuer_serial": {"issuer": [issuer_name], "serial_number": tsa.serial_number}})
    attribute = cms.CMSAttribute({"type": "signing_certificate_v2",
                                  "values": [tsp.SigningCertificateV2({"certs": [essid]})]})
    signer_id = cms.SignerIdentifier(name="issuer_and_serial_number", value={
        "issuer": tsa.issuer, "serial_number": tsa.serial_number})
    return _TsaParts(
        tsa_cert=tsa_der, root_cert=root_der,
        tsa_name=asn1_x509.GeneralName(name="directory_name", value=tsa.subject).dump(),
        signer_id=signer_id.dump(), signing_certificate=attribute.dump())


def timestamp_response(pki: DemoPki, request_der: bytes) -> bytes:
    """An RFC 3161 ``TimeStampResp`` (DER) for a ``TimeStampReq``: a SHA-256 token signed
    by the TSA certificate, echoing the nonce, carrying the TSA and root certificates when
    ``certReq`` is set. A malformed request gets a rejection, not an exception."""
    if len(request_der) > _MAX_REQUEST:
        return _rejection("the request is too large", "bad_request")
    try:
        request = tsp.TimeStampReq.load(request_der, strict=True)
        problem = _check_request(request)
        nonce = request["nonce"].native
        cert_req = bool(request["cert_req"].native)
    except Exception:  # asn1crypto raises many kinds on malformed input
        return _rejection("not a DER TimeStampReq", "bad_data_format")
    if problem is not None:
        return _rejection(*problem)

    parts = _tsa_parts(pki.tsa_cert.public_bytes(serialization.Encoding.DER),
                       pki.root_cert.public_bytes(serialization.Encoding.DER))
    now = datetime.now(UTC).replace(microsecond=0)
    info: dict[str, object] = {
        "version": "v1",
        "policy": TSA_POLICY,
        "message_imprint": request["message_imprint"],
        "serial_number": int.from_bytes(hashlib.sha256(
            request_der + now.isoformat().encode()).digest()[:15], "big"),
        "gen_time": now,
        "accuracy": {"seconds": 1},
        "tsa": asn1_x509.GeneralName.load(parts.tsa_name),
    }
    if nonce is not None:
        info["nonce"] = nonce
    tst_info = tsp.TSTInfo(info).dump()
    signed_attrs = cms.CMSAttributes([
        cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
        cms.CMSAttribute({"type": "signing_time", "values": [cms.Time({"utc_time": now})]}),
        cms.CMSAttribute({"type": "message_digest",
                          "values": [hashlib.sha256(tst_info).digest()]}),
        cms.CMSAttribute.load(parts.signing_certificate),
    ])
    signature = pki.tsa_key.sign(signed_attrs.dump(), PKCS1v15(), hashes.SHA256())
    digest_algorithm = algos.DigestAlgorithm({"algorithm": "sha256"})
    signer = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier.load(parts.signer_id),
        "digest_algorithm": digest_algorithm,
        "signed_attrs": signed_attrs,
        "signature_algorithm": {"algorithm": "rsassa_pkcs1v15"},
        "signature": signature,
    })
    signed_data: dict[str, object] = {
        "version": "v3",
        "digest_algorithms": [digest_algorithm],
        "encap_content_info": {"content_type": "tst_info",
                               "content": cms.ParsableOctetString(tst_info)},
        "signer_infos": [signer],
    }
    if cert_req:
        signed_data["certificates"] = [asn1_x509.Certificate.load(parts.tsa_cert),
                                       asn1_x509.Certificate.load(parts.root_cert)]
    token = cms.ContentInfo({"content_type": "signed_data",
                             "content": cms.SignedData(signed_data)})
    return bytes(tsp.TimeStampResp({"status": {"status": "granted"},
                                    "time_stamp_token": token}).dump())


# --- OCSP ----------------------------------------------------------------------------


def _unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(
        serialization.Encoding.DER)


def _issuer_hashes(pki: DemoPki, algorithm: str) -> tuple[bytes, bytes]:
    """The CertID hashes of the root: of its subject name and of its public key bits."""
    name = pki.root_cert.subject.public_bytes()
    key = _asn1(pki.root_cert).public_key["public_key"].contents[1:]  # past the unused-bits byte
    return hashlib.new(algorithm, name).digest(), hashlib.new(algorithm, key).digest()


def ocsp_response(pki: DemoPki, request_der: bytes) -> bytes:
    """An OCSP response (DER) signed by the responder certificate: good, revoked (with
    time and reason) or unknown (a serial the root never issued); valid for a day. A
    malformed request gets ``malformedRequest``; another CA's certificate ``unauthorized``."""
    if len(request_der) > _MAX_REQUEST:
        return _unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    try:
        request = ocsp.load_der_ocsp_request(request_der)
        serial = request.serial_number
        name_hash, key_hash = request.issuer_name_hash, request.issuer_key_hash
        algorithm = request.hash_algorithm
    except (ValueError, UnsupportedAlgorithm):
        return _unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    if algorithm.name not in _OCSP_HASHES:
        return _unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    if (name_hash, key_hash) != _issuer_hashes(pki, algorithm.name):
        return _unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)

    now = datetime.now(UTC).replace(microsecond=0)
    revocation = pki.revocations().get(serial)
    reason: x509.ReasonFlags | None = None
    if revocation is not None and revocation.time <= now:
        status, when = ocsp.OCSPCertStatus.REVOKED, revocation.time
        reason = x509.ReasonFlags[revocation.reason]
    elif serial in pki.issued_serials():
        status, when = ocsp.OCSPCertStatus.GOOD, None
    else:
        status, when = ocsp.OCSPCertStatus.UNKNOWN, None
    builder = (ocsp.OCSPResponseBuilder()
               .add_response_by_hash(name_hash, key_hash, serial, _OCSP_HASHES[algorithm.name],
                                     status, now, now + timedelta(days=1), when, reason)
               .responder_id(ocsp.OCSPResponderEncoding.HASH, pki.ocsp_cert)
               .certificates([pki.ocsp_cert]))
    nonce = _request_nonce(request)
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.sign(pki.ocsp_key, hashes.SHA256()).public_bytes(
        serialization.Encoding.DER)


def _request_nonce(request: ocsp.OCSPRequest) -> bytes | None:
    try:
        return request.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except (x509.ExtensionNotFound, ValueError):
        return None


# --- CRL -----------------------------------------------------------------------------


def crl_der(pki: DemoPki) -> bytes:
    """The root's CRL (DER) listing every revoked certificate, with a CRL number, valid
    for seven days, signed by the root."""
    now = datetime.now(UTC).replace(microsecond=0)
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(pki.root_cert.subject)
               .last_update(now).next_update(now + timedelta(days=7))
               .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   pki.root_key.public_key()), critical=False))
    for revocation in pki.revocations().values():
        if revocation.time > now:
            continue
        entry = (x509.RevokedCertificateBuilder()
                 .serial_number(revocation.serial).revocation_date(revocation.time))
        if revocation.reason != "unspecified":
            entry = entry.add_extension(
                x509.CRLReason(x509.ReasonFlags[revocation.reason]), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(pki.root_key, hashes.SHA256()).public_bytes(
        serialization.Encoding.DER)

