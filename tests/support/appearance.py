"""Appearance helpers: synthetic Decree 30 documents, a throwaway signer,
signature and seal PNGs, and signing a file exactly as ``signing/pades.py`` will."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path
from typing import Any

import pymupdf
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from PIL import Image, ImageDraw
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigFieldSpec
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ingest.synthetic import SyntheticDocument, generate_document
from signing.appearance import AppearancePlan
from tests.support.synthetic_pdf import render_pdf

MM = 72 / 25.4


def decree_document(doc_type: str = "nghi_quyet", seed: int = 0,
                    doc_id: str = "appearance") -> SyntheticDocument:
    """A generated Decree 30 document (``nghi_quyet`` seed 0: "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH", "Phạm Thị Thùy Xuân")."""
    return generate_document(random.Random(seed), doc_type, doc_id)


def without_signer(document: SyntheticDocument) -> SyntheticDocument:
    """The same document with its signer blocks removed."""
    return dataclasses.replace(document, blocks=tuple(
        block for block in document.blocks if not block.kind.startswith("signer_")))


def born_digital(tmp_path: Path, document: SyntheticDocument, name: str = "draft.pdf") -> Path:
    """``document`` rendered as a born-digital PDF with a text layer."""
    path = tmp_path / name
    render_pdf(document, path)
    return path


@dataclasses.dataclass(frozen=True)
class ThrowawaySigner:
    """A throwaway RSA key and self-signed certificate, as pyHanko wants them."""

    signer: signers.SimpleSigner
    certificate: asn1_x509.Certificate


def make_signer(common_name: str = "Phạm Thị Thùy Xuân") -> ThrowawaySigner:
    """A self-signed signing certificate (digital signature + non-repudiation)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    certificate = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    private = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    signer = signers.SimpleSigner(
        signing_cert=certificate, signing_key=private,
        cert_registry=SimpleCertificateStore.from_certs([certificate]))
    return ThrowawaySigner(signer=signer, certificate=certificate)


def signature_png(path: Path, size: tuple[int, int] = (600, 300)) -> Path:
    """A blue handwritten-looking signature on a transparent background."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    width, height = size
    points = [(int(width * (0.05 + 0.09 * i)), int(height * (0.3 + 0.4 * (i % 2))))
              for i in range(11)]
    draw.line(points, fill=(20, 40, 200, 255), width=max(4, height // 30), joint="curve")
    draw.line([(width * 0.1, height * 0.8), (width * 0.9, height * 0.75)],
              fill=(20, 40, 200, 255), width=max(3, height // 40))
    image.save(path)
    return path


def seal_png(path: Path, size: int = 400) -> Path:
    """A red round seal on a transparent background."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (210, 20, 30, 255)
    draw.ellipse((4, 4, size - 5, size - 5), outline=red, width=size // 40)
    draw.ellipse((size // 8, size // 8, size - size // 8, size - size // 8), outline=red,
                 width=size // 80)
    draw.regular_polygon((size // 2, size // 2, size // 8), 5, fill=red)
    image.save(path)
    return path


def sign_with_plan(source: Path, output: Path, plan: AppearancePlan, field_name: str,
                   signer: ThrowawaySigner) -> None:
    """Sign ``source`` into ``output`` with a visible signature laid out by ``plan``, the way
    ``signing/pades.py`` does."""
    meta = signers.PdfSignatureMetadata(field_name=field_name)
    pdf_signer = signers.PdfSigner(
        meta, signer=signer.signer,
        new_field_spec=SigFieldSpec(sig_field_name=field_name, on_page=plan.page_index,
                                    box=plan.box),
        stamp_style=plan.style)
    with source.open("rb") as inf, output.open("wb") as outf:
        writer = IncrementalPdfFileWriter(inf)
        pdf_signer.sign_pdf(writer, output=outf)


def signature_widgets(path: Path, page_index: int) -> dict[str, Any]:
    """Field name -> widget rectangle (PyMuPDF coordinates: origin top left) on a page."""
    with pymupdf.open(path) as doc:
        return {widget.field_name: pymupdf.Rect(widget.rect)
                for widget in doc[page_index].widgets(
                    types=[pymupdf.PDF_WIDGET_TYPE_SIGNATURE])}


def line_rect(path: Path, page_index: int, text: str) -> Any:
    """The rectangle (PyMuPDF coordinates) of the lowest occurrence of the one-line text
    ``text`` on a page."""
    with pymupdf.open(path) as doc:
        found = doc[page_index].search_for(text)
    assert found, f"{text!r} not on page {page_index + 1}"
    return pymupdf.Rect(max(found, key=lambda rect: rect.y1))
