"""Independent checks of signed PDFs: poppler's ``pdfsig`` and pyHanko's validator."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext


@dataclass(frozen=True)
class PdfsigSignature:
    """What ``pdfsig`` says of one signature."""

    field: str
    valid: bool
    whole_file: bool
    kind: str


def pdfsig(path: Path) -> list[PdfsigSignature]:
    """Run poppler's ``pdfsig`` and parse each signature's verdict."""
    tool = shutil.which("pdfsig")
    assert tool, "pdfsig is missing: apt-get install poppler-utils"
    result = subprocess.run([tool, str(path)], capture_output=True, text=True, check=False,
                            timeout=60)
    blocks = re.split(r"^Signature #\d+:", result.stdout, flags=re.MULTILINE)[1:]
    found = []
    for block in blocks:
        field = re.search(r"Signature Field Name: (.*)", block)
        kind = re.search(r"Signature Type: (.*)", block)
        found.append(PdfsigSignature(
            field=field.group(1).strip() if field else "",
            valid="Signature Validation: Signature is Valid." in block,
            whole_file="Total document signed" in block,
            kind=kind.group(1).strip() if kind else ""))
    return found


def root_certificate(path: Path) -> asn1_x509.Certificate:
    """The trust anchor in a PEM file."""
    _, _, der = pem.unarmor(path.read_bytes())
    return asn1_x509.Certificate.load(der)


def pyhanko_status(path: Path, root: asn1_x509.Certificate, *, online: bool = True
                   ) -> list[tuple[str, bool, bool, bool]]:
    """(field, intact, valid, trusted) of every regular signature, by pyHanko's validator
    (fetching revocation data when ``online``)."""
    with path.open("rb") as stream:
        reader = PdfFileReader(stream)
        results = []
        for signature in reader.embedded_regular_signatures:
            # the fetched OCSP response is dated when it is made: a slow responder under
            # load must not make pyHanko's fixed "now" look older than it (as pyHanko's own
            # CLI, --time-tolerance; the service uses signing.pades.CLOCK_TOLERANCE)
            context = ValidationContext(trust_roots=[root], allow_fetching=online,
                                        time_tolerance=timedelta(minutes=2))
            status = validate_pdf_signature(signature, context)
            results.append((signature.field_name, status.intact, status.valid,
                            status.trusted))
        return results


def pyhanko_ltv_offline(path: Path, root: asn1_x509.Certificate) -> list[tuple[str, bool]]:
    """(field, valid and trusted) of every regular signature, validated only from the
    document's own validation data (its DSS): fetching off, revocation data required."""
    with path.open("rb") as stream:
        reader = PdfFileReader(stream)
        store = DocumentSecurityStore.read_dss(reader)
        results = []
        for signature in reader.embedded_regular_signatures:
            context = store.as_validation_context({
                "trust_roots": [root], "allow_fetching": False,
                "revocation_mode": "hard-fail"})
            status = validate_pdf_signature(signature, context)
            results.append((signature.field_name,
                            status.intact and status.valid and status.trusted))
        return results


def pyhanko_timestamps_offline(path: Path, root: asn1_x509.Certificate) -> list[bool]:
    """For each document time stamp: intact, valid and trusted, from the DSS alone."""
    with path.open("rb") as stream:
        reader = PdfFileReader(stream)
        store = DocumentSecurityStore.read_dss(reader)
        results = []
        for stamp in reader.embedded_timestamp_signatures:
            context = store.as_validation_context({
                "trust_roots": [root], "allow_fetching": False,
                "revocation_mode": "soft-fail"})
            status = validate_pdf_timestamp(stamp, validation_context=context)
            results.append(status.intact and status.valid and status.trusted)
        return results
