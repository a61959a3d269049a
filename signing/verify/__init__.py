"""Verification of signed PDFs: every signature and time stamp checked, tampering caught,
a report people can read (see :mod:`signing.verify.model`)."""

from signing.verify.checks import verify_pdf
from signing.verify.model import Reason, SignatureReport, VerificationReport

__all__ = ["Reason", "SignatureReport", "VerificationReport", "verify_pdf"]
