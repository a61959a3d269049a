"""A self-contained demo PKI: a root CA, a leader's and an agency's signing keys, a
time-stamping unit and an OCSP responder, their images, and the trust services
(RFC 3161 time stamps, OCSP, CRL) as pure functions. ``sohoa pki init|serve|revoke``."""

from signing.pki.build import init_pki, issue_certificate, revoke_certificate
from signing.pki.services import crl_der, ocsp_response, timestamp_response
from signing.pki.store import DemoPki, Revocation, load_pki

__all__ = [
    "DemoPki",
    "Revocation",
    "crl_der",
    "init_pki",
    "issue_certificate",
    "load_pki",
    "ocsp_response",
    "revoke_certificate",
    "timestamp_response",
]
