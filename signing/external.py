"""External signing: the key stays on the leader's own token; sohoa prepares and finishes.

:func:`prepare_external` lays out the signature in the PDF and returns a
:class:`PendingSignature` holding the prepared file and the CMS signed attributes the
token must sign (SHA-256, PKCS#1 v1.5 for RSA). :func:`finish_external` takes the
signature value, checks it against the certificate, and completes the PDF (pyHanko's
interrupted signing). B-LT and B-LTA validation data and the document time stamp are added
in further incremental updates after the signature, as PAdES allows.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers import ExternalSigner, PdfSigner
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

from signing.errors import SigningInputError
from signing.keys import SigningKey, certificate_store, check_validity
from signing.pades import (
    Level,
    SignOptions,
    TrustServices,
    _pdf_signer,
    add_long_term_data,
    signing_time_now,
)

_RESERVED = 24_000


@dataclass(frozen=True)
class PendingSignature:
    """A signature waiting for its value from an external token (serialisable)."""

    prepared_pdf: bytes
    document_digest: bytes
    region_start: int
    region_end: int
    signed_attributes: bytes
    certificate: bytes
    chain: tuple[bytes, ...]
    field_name: str
    level: str
    signing_time: str

    @property
    def data_to_sign(self) -> bytes:
        """The DER signed attributes: the token signs these (hashing them with SHA-256)."""
        return self.signed_attributes

    def to_json(self) -> str:
        """The pending state as JSON (bytes in base64), to keep between two requests."""
        def encode(value: object) -> object:
            if isinstance(value, bytes):
                return base64.b64encode(value).decode()
            if isinstance(value, tuple):
                return [encode(item) for item in value]
            return value
        return json.dumps({name: encode(getattr(self, name))
                           for name in self.__dataclass_fields__})

    @classmethod
    def from_json(cls, text: str) -> PendingSignature:
        """The inverse of :meth:`to_json`."""
        raw = json.loads(text)

        def decoded(name: str) -> bytes:
            return base64.b64decode(raw[name])

        return cls(prepared_pdf=decoded("prepared_pdf"),
                   document_digest=decoded("document_digest"),
                   region_start=int(raw["region_start"]), region_end=int(raw["region_end"]),
                   signed_attributes=decoded("signed_attributes"),
                   certificate=decoded("certificate"),
                   chain=tuple(base64.b64decode(item) for item in raw["chain"]),
                   field_name=str(raw["field_name"]), level=str(raw["level"]),
                   signing_time=str(raw["signing_time"]))


def _external_key(certificate: bytes, chain: tuple[bytes, ...], value: bytes | None,
                  source: str) -> SigningKey:
    cert = asn1_x509.Certificate.load(certificate)
    others = [asn1_x509.Certificate.load(item) for item in chain]
    size = (cert.public_key.bit_size + 7) // 8
    signer = ExternalSigner(signing_cert=cert,
                            cert_registry=certificate_store(others),
                            signature_value=value if value is not None else size)
    return SigningKey(signer=signer, certificate=cert, chain=others, source=source)


async def _prepare(pdf_signer: PdfSigner, writer: IncrementalPdfFileWriter,
                   signer: ExternalSigner, signing_time: datetime
                   ) -> tuple[PreparedByteRangeDigest, bytes, cms.CMSAttributes]:
    session = pdf_signer.init_signing_session(writer)
    session.system_time = signing_time
    tbs = session.prepare_tbs_document(validation_info=None, bytes_reserved=_RESERVED)
    output = io.BytesIO()
    digest, _ = tbs.digest_tbs_document(output=output)
    attributes = await signer.signed_attrs(
        digest.document_digest, "sha256",
        attr_settings=PdfCMSSignedAttributes(signing_time=signing_time), use_pades=True)
    return digest, output.getvalue(), attributes


def prepare_external(writer: IncrementalPdfFileWriter, certificate: bytes,
                     chain: tuple[bytes, ...], options: SignOptions,
                     *, source: str) -> PendingSignature:
    """Prepare ``writer``'s document for a signature by the holder of ``certificate``."""
    try:
        parsed = x509.load_der_x509_certificate(certificate)
    except ValueError as error:
        raise SigningInputError("not a DER X.509 certificate", subject="certificate") from error
    check_validity(parsed, subject="certificate")
    for index, item in enumerate(chain):
        try:
            x509.load_der_x509_certificate(item)
        except ValueError as error:
            raise SigningInputError(f"chain[{index}] is not a DER X.509 certificate",
                                    subject="chain") from error
    key = _external_key(certificate, chain, None, source)
    assert isinstance(key.signer, ExternalSigner)
    plain = SignOptions(level=Level.B_B, field_name=options.field_name, reason=options.reason,
                        location=options.location, appearance=options.appearance)
    pdf_signer = _pdf_signer(key, plain, TrustServices())
    signing_time = signing_time_now()
    digest, prepared, attributes = asyncio.run(_prepare(pdf_signer, writer, key.signer,
                                                        signing_time))
    return PendingSignature(
        prepared_pdf=prepared, document_digest=digest.document_digest,
        region_start=digest.reserved_region_start, region_end=digest.reserved_region_end,
        signed_attributes=attributes.dump(), certificate=certificate, chain=chain,
        field_name=options.field_name, level=options.level.value,
        signing_time=signing_time.isoformat())


def _check_value(pending: PendingSignature, value: bytes) -> None:
    public_key = x509.load_der_x509_certificate(pending.certificate).public_key()
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(value, pending.signed_attributes, padding.PKCS1v15(),
                              hashes.SHA256())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(value, pending.signed_attributes, ec.ECDSA(hashes.SHA256()))
        else:
            raise SigningInputError("only RSA and EC certificates are supported",
                                    subject="certificate")
    except InvalidSignature as error:
        raise SigningInputError(
            "the signature value was not made by this certificate's key over the data to sign",
            subject="signature value") from error


async def _finish(pending: PendingSignature, key: SigningKey, services: TrustServices,
                  output: IO[bytes]) -> None:
    level = Level(pending.level)
    assert isinstance(key.signer, ExternalSigner)
    signature_cms = await key.signer.async_sign_prescribed_attributes(
        "sha256", signed_attrs=cms.CMSAttributes.load(pending.signed_attributes),
        timestamper=services.timestamper() if level.needs_timestamp else None)
    digest = PreparedByteRangeDigest(document_digest=pending.document_digest,
                                     reserved_region_start=pending.region_start,
                                     reserved_region_end=pending.region_end)
    await PdfTBSDocument.async_finish_signing(output, digest, signature_cms)


def finish_external(pending: PendingSignature, signature_value: bytes,
                    services: TrustServices, *, source: str) -> bytes:
    """Complete the pending signature with ``signature_value`` and return the signed PDF."""
    _check_value(pending, signature_value)
    level = Level(pending.level)
    if level.needs_timestamp and services.tsa_url is None:
        raise SigningInputError(f"{level} needs a time-stamping service", subject="tsa")
    key = _external_key(pending.certificate, pending.chain, signature_value, source)
    output = io.BytesIO(pending.prepared_pdf)
    asyncio.run(_finish(pending, key, services, output))
    if not level.needs_validation_data:
        return output.getvalue()
    return add_long_term_data(output.getvalue(), key, level, services, source=source)
