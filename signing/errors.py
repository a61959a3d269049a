"""Errors of the signing package.

Every failure of a signing step is raised as one of these, with ``subject`` naming the file,
key, token or certificate concerned; the edges map their kinds to HTTP statuses and exit
codes. No file is written when one of them is raised.
"""

from __future__ import annotations

from storage.errors import BadInputError, SohoaError, UnavailableError


class SigningError(SohoaError):
    """Signing failed for a reason inside sohoa or pyHanko (reported as internal)."""


class SigningInputError(BadInputError):
    """The document, image or option given for signing cannot be used as it is."""


class WrongPinError(BadInputError):
    """The PIN or password does not open the key (PKCS#12 file or PKCS#11 token)."""


class CertificateProblemError(BadInputError):
    """The signer's certificate may not sign now: expired, not yet valid, revoked,
    untrusted, or not matching its private key."""


class SignerBlockNotFoundError(SigningInputError):
    """The leader's signature has nowhere to go: no signer block on the last page."""


class PkiError(BadInputError):
    """A demo PKI directory is missing, incomplete or was made with another password."""


class TrustServiceUnavailableError(UnavailableError):
    """A time-stamping, OCSP or CRL service needed for the requested level is unreachable."""
