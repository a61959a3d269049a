"""PAdES signatures (B-B, B-T, B-LT, B-LTA) as incremental updates, through pyHanko.

Every signature is an approval signature added in its own incremental update, so the
leader's, the agency's and any later signatures all stay valid. The level decides what is
added: B-T a RFC 3161 signature time stamp, B-LT the certificates and revocation data
(a DSS), B-LTA a document time stamp over all of it.

This is the one module that drives pyHanko's signer; its failures leave as the typed errors
of :mod:`signing.errors`, and the caller's output is written only when signing succeeded.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import io
from collections.abc import Coroutine, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import IO, Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields
from pyhanko.sign.attributes import CMSAttributeProvider, SigningCertificateV2Provider
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_cms import (
    CAdESSignedAttributeProviderSpec,
    PdfCMSSignedAttributes,
)
from pyhanko.sign.signers.pdf_signer import (
    DSSContentSettings,
    SigDSSPlacementPreference,
    TimestampDSSContentSettings,
)
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from signing.errors import (
    CertificateProblemError,
    SigningError,
    SigningInputError,
    TrustServiceUnavailableError,
)
from signing.keys import SigningKey
from signing.tsa_client import PooledTimeStamper

T = TypeVar("T")
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# How far a responder's clock and ours may disagree, including the time a fetch takes: a
# validation context fixes "now" when it is made, and an OCSP response or CRL fetched a few
# seconds later carries a thisUpdate after that moment. With pyHanko's default of one
# second, a responder that answers in more than a second made a good certificate
# "untrusted" (OCSP response is too recent) under load.
CLOCK_TOLERANCE = timedelta(minutes=2)
# Room for the CMS container, as hex in /Contents: key, chain, and a time stamp token with
# its own chain. Reserving it up front skips pyHanko's trial signature.
_RESERVED_BYTES = {"B-B": 12_000, "B-T": 24_000, "B-LT": 24_000, "B-LTA": 24_000}


class Level(StrEnum):
    """PAdES baseline levels."""

    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"

    @property
    def needs_timestamp(self) -> bool:
        """B-T and above carry a signature time stamp."""
        return self is not Level.B_B

    @property
    def needs_validation_data(self) -> bool:
        """B-LT and above embed certificates and revocation data."""
        return self in (Level.B_LT, Level.B_LTA)


class Appearance(Protocol):
    """Where a visible signature goes and how it looks (see ``signing.appearance``)."""

    @property
    def page_index(self) -> int:
        """Index of the page the signature shows on."""

    @property
    def box(self) -> tuple[float, float, float, float]:
        """The widget's rectangle in PDF user space."""

    @property
    def style(self) -> Any:
        """The pyHanko stamp style drawing it."""


@dataclass(frozen=True)
class TrustServices:
    """The time-stamping service and the trust anchors used to collect validation data.

    ``trust_roots`` empty: the self-signed certificates the signer's key file carries are
    used to build the certificate path (the verifier decides trust, not the signer).
    """

    tsa_url: str | None = None
    trust_roots: tuple[asn1_x509.Certificate, ...] = ()
    allow_fetching: bool = True
    timeout_seconds: float = 10.0

    def timestamper(self) -> TimeStamper | None:
        """A client of the configured time-stamping service, if any (its connections are
        kept open between time stamps: see :mod:`signing.tsa_client`)."""
        if self.tsa_url is None:
            return None
        return PooledTimeStamper(self.tsa_url, timeout=self.timeout_seconds)

    def validation_context(self, key: SigningKey) -> ValidationContext:
        """A validation context for collecting (and checking) the key's revocation data."""
        roots = list(self.trust_roots) or [cert for cert in key.chain if cert.self_signed]
        return ValidationContext(trust_roots=roots, other_certs=key.chain,
                                 allow_fetching=self.allow_fetching,
                                 revocation_mode="soft-fail", time_tolerance=CLOCK_TOLERANCE)


@dataclass(frozen=True)
class SignOptions:
    """What to sign with and how."""

    level: Level = Level.B_B
    field_name: str = "Signature"
    reason: str | None = None
    location: str | None = None
    appearance: Appearance | None = None


@dataclass(frozen=True)
class SignedDocument:
    """What a signature added: its field, the signing time (Vietnam time) and level."""

    field_name: str
    signing_time: datetime
    level: Level


def existing_field_names(writer: IncrementalPdfFileWriter) -> list[str]:
    """Names of the signature fields the document already has."""
    return [name for name, _, _ in fields.enumerate_sig_fields(writer.prev)]


def unique_field_name(taken: Sequence[str], base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not taken yet."""
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def open_for_signing(stream: IO[bytes], *, source: str) -> IncrementalPdfFileWriter:
    """An incremental writer over ``stream``; a file pyHanko cannot read is bad input."""
    try:
        writer = IncrementalPdfFileWriter(stream, strict=False)
    except (PdfError, ValueError, KeyError, TypeError) as error:
        raise SigningInputError(f"not a readable PDF ({error})", subject=source) from error
    if writer.prev.encrypted:
        raise SigningInputError("the PDF is encrypted; decrypt it before signing",
                                subject=source)
    return writer


def _field_spec(options: SignOptions) -> fields.SigFieldSpec:
    if options.appearance is None:
        return fields.SigFieldSpec(sig_field_name=options.field_name)
    x0, y0, x1, y1 = options.appearance.box
    return fields.SigFieldSpec(sig_field_name=options.field_name,
                               on_page=options.appearance.page_index,
                               box=(round(x0), round(y0), round(x1), round(y1)))


def _dss_settings(level: Level) -> DSSContentSettings:
    """B-LT: the validation data goes into the signature's own revision, so the signature
    still covers the whole file; B-LTA: into the document time stamp's revision."""
    if level is Level.B_LT:
        return DSSContentSettings(placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
                                  include_vri=False)
    return DSSContentSettings(
        placement=SigDSSPlacementPreference.TOGETHER_WITH_NEXT_TS, include_vri=False,
        next_ts_settings=TimestampDSSContentSettings(update_before_ts=True, include_vri=False))


@functools.lru_cache(maxsize=64)
def _signing_certificate_v2(certificate: bytes) -> bytes:
    """The DER of the signing-certificate-v2 attribute value naming ``certificate``."""
    return bytes(as_signing_certificate_v2(asn1_x509.Certificate.load(certificate)).dump())


class _KnownSigningCertificate(CMSAttributeProvider):
    """pyHanko's signing-certificate-v2 provider, its value parsed from DER made once per
    certificate. pyHanko builds the value afresh for every signature, and asn1crypto then
    re-encodes the freshly built issuer name inside the attribute set: ~10 ms of a ~30 ms
    signature here; a value parsed from its DER encodes to the same bytes in ~0.2 ms."""

    attribute_type = "signing_certificate_v2"

    def __init__(self, certificate: asn1_x509.Certificate) -> None:
        self.certificate = certificate

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        """The attribute's value (the same with ``dry_run``)."""
        return tsp.SigningCertificateV2.load(_signing_certificate_v2(self.certificate.dump()))


class _PadesSignedAttributes(CAdESSignedAttributeProviderSpec):
    """pyHanko's PAdES signed attributes, with :class:`_KnownSigningCertificate` in place of
    its signing-certificate-v2 provider."""

    def signed_attr_providers(self, data_digest: bytes,
                              digest_algorithm: str) -> Iterator[CMSAttributeProvider]:
        """The providers pyHanko would use, the signing certificate's swapped."""
        for provider in super().signed_attr_providers(data_digest, digest_algorithm):
            if isinstance(provider, SigningCertificateV2Provider):
                yield _KnownSigningCertificate(provider.signing_cert)
            else:
                yield provider


def _pdf_signer(key: SigningKey, options: SignOptions, services: TrustServices) -> PdfSigner:
    level = options.level
    metadata = PdfSignatureMetadata(
        field_name=options.field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=options.reason,
        location=options.location,
        embed_validation_info=level.needs_validation_data,
        use_pades_lta=level is Level.B_LTA,
        validation_context=(services.validation_context(key)
                            if level.needs_validation_data else None),
        dss_settings=_dss_settings(level),
    )
    timestamper = services.timestamper() if level.needs_timestamp else None
    if level.needs_timestamp and timestamper is None:
        raise SigningInputError(f"{level} needs a time-stamping service (--tsa URL)",
                                subject="tsa")
    style = options.appearance.style if options.appearance is not None else None
    # a copy per signature: _sign gives it the signed attributes of this signature only
    # (the key's signer is shared by the signatures of a batch, possibly in threads)
    signer = copy.copy(key.signer)
    return PdfSigner(metadata, signer, timestamper=timestamper, stamp_style=style,
                     new_field_spec=_field_spec(options))


def _run(coroutine: Coroutine[Any, Any, T], *contexts: ValidationContext | None) -> T:
    """Run ``coroutine`` in a fresh event loop, then close the network sessions the
    validation contexts opened (while that loop still runs)."""
    async def run_and_close() -> T:
        try:
            return await coroutine
        finally:
            for context in contexts:
                if context is not None:
                    await context.aclose()  # type: ignore[no-untyped-call]

    return asyncio.run(run_and_close())


def signing_time_now() -> datetime:
    """Now in Vietnam time, to the second (what the appearance shows and the CMS says)."""
    return datetime.now(VIETNAM).replace(microsecond=0)


async def _sign(pdf_signer: PdfSigner, writer: IncrementalPdfFileWriter, output: IO[bytes],
                level: Level, signing_time: datetime) -> None:
    session = pdf_signer.init_signing_session(writer)
    session.system_time = signing_time
    validation = await session.perform_presign_validation(writer)
    tbs = session.prepare_tbs_document(validation_info=validation,
                                       bytes_reserved=_RESERVED_BYTES[level.value])
    digest, written = tbs.digest_tbs_document(output=output)
    attributes = PdfCMSSignedAttributes(
        signing_time=signing_time,
        adobe_revinfo_attr=None if validation is None else validation.adobe_revinfo_attr)
    signer = pdf_signer.signer
    assert signer.signing_cert is not None
    signer.signed_attr_prov_spec = _PadesSignedAttributes(
        attr_settings=attributes, signing_cert=signer.signing_cert, is_pades=True,
        timestamper=pdf_signer.default_timestamper)
    post_signing = await tbs.perform_signature(document_digest=digest.document_digest,
                                               pdf_cms_signed_attrs=attributes)
    await post_signing.post_signature_processing(written)


@contextmanager
def pyhanko_errors(key: SigningKey, services: TrustServices, source: str,
                   what: str) -> Iterator[None]:
    """Turn pyHanko's and its fetchers' failures into sohoa's typed errors."""
    try:
        yield
    except TimestampRequestError as error:
        raise TrustServiceUnavailableError(f"the time-stamping service failed: {error}",
                                           subject=services.tsa_url) from error
    except (PathBuildingError, PathValidationError) as error:
        raise CertificateProblemError(f"the certificate cannot be used: {error}",
                                      subject=key.source) from error
    except PyHankoSigningError as error:
        raise _signing_error(error, key, source) from error
    except PdfError as error:
        raise SigningInputError(f"{what}: {error}", subject=source) from error
    except OSError as error:
        raise TrustServiceUnavailableError(f"a trust service is unreachable: {error}",
                                           subject=services.tsa_url) from error


def sign_pdf(writer: IncrementalPdfFileWriter, output: IO[bytes], key: SigningKey,
             options: SignOptions, services: TrustServices, *, source: str) -> SignedDocument:
    """Add one PAdES signature to the document in ``writer``, writing the result to
    ``output`` (readable and writable: pyHanko hashes what it wrote).

    Raises :class:`SigningInputError` for an unusable document or option,
    :class:`CertificateProblemError` when the certificate's path or revocation status
    fails, :class:`TrustServiceUnavailableError` when a needed service is unreachable.
    """
    pdf_signer = _pdf_signer(key, options, services)
    signing_time = signing_time_now()
    with pyhanko_errors(key, services, source, "cannot sign this PDF"):
        _run(_sign(pdf_signer, writer, output, options.level, signing_time),
             pdf_signer.signature_meta.validation_context)
    return SignedDocument(field_name=options.field_name, signing_time=signing_time,
                          level=options.level)


def _signing_error(error: PyHankoSigningError, key: SigningKey, source: str) -> Exception:
    text = str(error)
    cause = error.__cause__ or error.__context__
    if isinstance(cause, PathBuildingError | PathValidationError) or "revoked" in text.lower():
        return CertificateProblemError(f"the certificate cannot be used: {cause or text}",
                                       subject=key.source)
    if "field" in text.lower():
        return SigningInputError(text, subject=source)
    return SigningError(text, subject=source)


def check_certificate(key: SigningKey, services: TrustServices) -> None:
    """Check the key's certificate path and revocation status now (once per signing
    session): a revoked certificate, or one that chains to no known root, may not sign.

    Revocation services that cannot be reached do not stop signing (soft-fail); a
    certificate they report revoked does.
    """
    from pyhanko_certvalidator import CertificateValidator

    context = services.validation_context(key)
    validator = CertificateValidator(key.certificate, intermediate_certs=key.chain,
                                     validation_context=context)
    try:
        _run(validator.async_validate_usage(set()), context)  # type: ignore[no-untyped-call]
    except (PathBuildingError, PathValidationError) as error:
        raise CertificateProblemError(f"the certificate cannot be used: {error}",
                                      subject=key.source) from error


async def _add_long_term_data(data: bytes, key: SigningKey, level: Level,
                              services: TrustServices, context: ValidationContext) -> bytes:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.signers import PdfTimeStamper
    from pyhanko.sign.validation.dss import async_add_validation_info

    reader = PdfFileReader(io.BytesIO(data))
    signature = reader.embedded_regular_signatures[-1]
    with_dss = await async_add_validation_info(signature, context, output=io.BytesIO())
    if level is not Level.B_LTA:
        return bytes(with_dss.getvalue())
    timestamper = services.timestamper()
    assert timestamper is not None
    stamped = await PdfTimeStamper(timestamper).async_timestamp_pdf(
        IncrementalPdfFileWriter(with_dss, strict=False), "sha256", context,
        output=io.BytesIO())
    return bytes(stamped.getvalue())


def add_long_term_data(data: bytes, key: SigningKey, level: Level, services: TrustServices,
                       *, source: str) -> bytes:
    """Add the validation data of the document's last signature in a DSS update (B-LT),
    then a document time stamp (B-LTA), each as a further incremental update."""
    with pyhanko_errors(key, services, source, "cannot extend this PDF"):
        context = services.validation_context(key)
        return _run(_add_long_term_data(data, key, level, services, context), context)
