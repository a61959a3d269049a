"""A document's own validation material (the certificates, OCSP responses and CRLs of its
DSS), parsed once per process for each distinct DER encoding.

Documents signed by the same people carry the same certificates (and, re-verified, the
same revocation data): parsing them again, and recomputing what pyHanko's certificate
registry asks of each (issuer and serial, key hash, key identifier, subject), was about a
quarter of a verification. What is cached here is only the parsing of given bytes: equal
DER bytes are the same certificate, response or list, so sharing the parsed object cannot
change any decision. A bounded LRU per kind keeps memory flat whatever arrives.

The certificates a signature carries in its own CMS (the signer's, the time stamping
authority's, their chains) are the same from one document to the next too: :func:`install`
has pyHanko take them from the same store when it sorts a CMS's certificates (the signer's
from the others), so the parsing, the extensions and the prepared names of each are made
once per process instead of once per signature and time stamp.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from asn1crypto.core import Asn1Value
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.sign import general as pyhanko_general
from pyhanko.sign.validation.dss import DocumentSecurityStore

Parsed = TypeVar("Parsed", bound=Asn1Value)


class _Interned(Generic[Parsed]):
    """Parsed objects by their DER bytes, the ``size`` most recently used kept."""

    def __init__(self, load: Callable[[bytes], Parsed], size: int) -> None:
        self._load = load
        self._size = size
        self._items: OrderedDict[bytes, Parsed] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, der: bytes) -> Parsed:
        """The object ``der`` encodes (parsed on first sight; one larger than
        :data:`LARGEST` is parsed each time, lazily, as pyHanko does)."""
        if len(der) > LARGEST:
            return self._load(der)
        with self._lock:
            found = self._items.get(der)
            if found is not None:
                self._items.move_to_end(der)
                return found
        parsed = self._load(der)
        try:  # parsed in full now: later reads, maybe from several threads at once, find
            parsed.native  # noqa: B018  every part parsed (asn1crypto parses lazily, unlocked)
            if isinstance(parsed, asn1_x509.Certificate):  # and its extensions sorted out
                parsed.critical_extensions  # noqa: B018  (also lazy, also unlocked)
        except (ValueError, TypeError, KeyError, IndexError, OverflowError):
            return self._load(der)  # a part pyHanko may never read is malformed: not shared,
            # read lazily as pyHanko would
        with self._lock:
            self._items[der] = parsed
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return parsed

    def clear(self) -> None:
        """Forget everything (tests)."""
        with self._lock:
            self._items.clear()


LARGEST = 256 * 1024
"""Bytes: a larger object (a big CA's CRL) is not kept (nor parsed in full)."""

CERTIFICATES = _Interned(asn1_x509.Certificate.load, 512)
OCSP_RESPONSES = _Interned(asn1_ocsp.OCSPResponse.load, 512)
CRLS = _Interned(asn1_crl.CertificateList.load, 16)


def _data(reference: generic.IndirectObject, purpose: DecodePurpose) -> bytes:
    stream = reference.get_object()  # type: ignore[no-untyped-call]
    return bytes(stream.read_data(purpose))


class DssMaterial:
    """The certificates, OCSP responses and CRLs of a DSS, as pyHanko's
    ``DocumentSecurityStore.as_validation_context`` passes them to a validation context,
    read once per document."""

    def __init__(self, dss: DocumentSecurityStore) -> None:
        self.certs = [CERTIFICATES.get(_data(ref, DecodePurpose.CERTIFICATE))
                      for ref in dss.certs.values()]
        self.ocsps = [OCSP_RESPONSES.get(_data(ref, DecodePurpose.OCSP_RESPONSE))
                      for ref in dss.ocsps]
        self.crls = [CRLS.get(_data(ref, DecodePurpose.CRL)) for ref in dss.crls]


_ORIGINAL_PARTITION = getattr(pyhanko_general, "_partition_certs")  # noqa: B009 (private)


def _shared(certificate: Any) -> Any:
    """The certificate of :data:`CERTIFICATES` with ``certificate``'s DER (itself when it
    is no certificate)."""
    if not isinstance(certificate, asn1_x509.Certificate):
        return certificate
    return CERTIFICATES.get(certificate.dump())


def _partition_certs(certs: list[Any], signer_info: Any) -> tuple[Any, list[Any]]:
    """pyHanko's ``_partition_certs`` (the signer's certificate and the others) over the
    same certificates taken from :data:`CERTIFICATES`."""
    result: tuple[Any, list[Any]] = _ORIGINAL_PARTITION([_shared(item) for item in certs],
                                                        signer_info)
    return result


def install() -> None:
    """Have pyHanko sort a CMS's certificates as :func:`_partition_certs` does (for every
    caller: the certificates are equal, only parsed once). Idempotent."""
    setattr(pyhanko_general, "_partition_certs", _partition_certs)  # noqa: B010


def uninstall() -> None:
    """Put pyHanko's own ``_partition_certs`` back (tests). Idempotent."""
    setattr(pyhanko_general, "_partition_certs", _ORIGINAL_PARTITION)  # noqa: B010
