"""Signing with a key on a PKCS#11 token: real SoftHSM2 tokens, real PDFs, pyHanko and
poppler's ``pdfsig`` as the judges."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pymupdf
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from signing.errors import CertificateProblemError, SigningInputError, WrongPinError
from signing.token import open_token_signer
from tests.support.softhsm import (
    SoftToken,
    TestPki,
    import_key_and_cert,
    make_pki,
    make_token,
)

PDFSIG = "/usr/bin/pdfsig"


@dataclass(frozen=True)
class Tokens:
    """The session's tokens: ``single`` holds one signing key (plus the root CA
    certificate); ``multi`` holds several keys, some with bad certificates."""

    pki: TestPki
    single: SoftToken
    multi: SoftToken


@pytest.fixture(scope="session")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> Tokens:
    """One SoftHSM2 directory for the whole session, with two tokens in it."""
    directory = tmp_path_factory.mktemp("softhsm")
    pki = make_pki()
    single = make_token(directory, label="sohoa", pin="1234")
    multi = make_token(directory, label="sohoa-multi", pin="2468")
    import_key_and_cert(single, pki.signer_key, pki.signer_cert, "signer", object_id=b"\x01")
    import_key_and_cert(single, None, pki.root_cert, "root-ca", object_id=b"\x99")
    import_key_and_cert(multi, pki.signer_key, pki.signer_cert, "leader", object_id=b"\x01")
    import_key_and_cert(multi, pki.expired_key, pki.expired_cert, "expired", object_id=b"\x02")
    import_key_and_cert(multi, pki.future_key, pki.future_cert, "future", object_id=b"\x03")
    import_key_and_cert(multi, pki.mismatched_key, pki.mismatched_cert, "mismatched",
                        object_id=b"\x04")
    return Tokens(pki=pki, single=single, multi=multi)


def one_page_pdf() -> bytes:
    """A one-page A4 PDF made by PyMuPDF."""
    document = pymupdf.open()
    page = document.new_page(width=595, height=842)
    page.insert_text((72, 100), "Quyet dinh so 12/QD-UBND", fontsize=14)
    data: bytes = document.tobytes()
    document.close()
    return data


def sign_to(output: Path, token: SoftToken, *, pin: str | None = None,
            key_label: str | None = None, token_label: str | None = None) -> None:
    """Sign a fresh one-page PDF with the token into ``output`` (opened only once the
    signer is ready)."""
    with open_token_signer(token.module, token_label=token_label or token.label,
                           pin=token.pin if pin is None else pin,
                           key_label=key_label) as signer:
        data = signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(one_page_pdf())),
                                signers.PdfSignatureMetadata(field_name="Sig1"),
                                signer=signer)
        output.write_bytes(data.getvalue())


def root_trust(pki: TestPki) -> ValidationContext:
    der = pki.root_cert.public_bytes(serialization.Encoding.DER)
    return ValidationContext(trust_roots=list(load_certs_from_pemder_data(der)))


def test_signs_a_pdf_that_pyhanko_and_pdfsig_accept(tokens: Tokens, tmp_path: Path) -> None:
    output = tmp_path / "signed.pdf"
    sign_to(output, tokens.single)

    with output.open("rb") as handle:
        signatures = PdfFileReader(handle).embedded_signatures
        assert len(signatures) == 1
        assert signatures[0].field_name == "Sig1"
        status = validate_pdf_signature(signatures[0], root_trust(tokens.pki))
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.signing_cert.subject.native["common_name"] == "Nguyễn Văn An"

    result = subprocess.run([PDFSIG, str(output)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert "Signature Validation: Signature is Valid." in result.stdout, result.stdout


def test_signer_carries_the_ca_certificate_from_the_token(tokens: Tokens) -> None:
    token = tokens.single
    with open_token_signer(token.module, token_label=token.label, pin=token.pin) as signer:
        names = {cert.subject.native["common_name"] for cert in signer.cert_registry}
        assert signer.signing_cert.subject.native["common_name"] == "Nguyễn Văn An"
    assert "Sohoa Test Root CA" in names


def test_key_chosen_by_label_among_several(tokens: Tokens, tmp_path: Path) -> None:
    output = tmp_path / "leader.pdf"
    sign_to(output, tokens.multi, key_label="leader")
    with output.open("rb") as handle:
        status = validate_pdf_signature(PdfFileReader(handle).embedded_signatures[0],
                                        root_trust(tokens.pki))
    assert status.intact
    assert status.valid
    assert status.trusted


def test_several_keys_and_no_label_lists_the_labels(tokens: Tokens) -> None:
    token = tokens.multi
    with pytest.raises(SigningInputError) as raised, \
            open_token_signer(token.module, token_label=token.label, pin=token.pin):
        pass
    message = str(raised.value)
    for label in ("leader", "expired", "future", "mismatched"):
        assert repr(label) in message
    assert raised.value.subject == "token 'sohoa-multi'"


def test_wrong_pin_writes_nothing(tokens: Tokens, tmp_path: Path) -> None:
    output = tmp_path / "never.pdf"
    with pytest.raises(WrongPinError) as raised:
        sign_to(output, tokens.single, pin="0000")
    assert "the PIN is wrong for token 'sohoa'" in str(raised.value)
    assert raised.value.subject == "token 'sohoa'"
    assert not output.exists()
    sign_to(output, tokens.single)  # the right PIN still works afterwards
    with output.open("rb") as handle:
        [signature] = PdfFileReader(handle).embedded_signatures
        status = validate_pdf_signature(signature, root_trust(tokens.pki))
    assert (status.intact, status.valid, status.trusted) == (True, True, True)


def test_unknown_token_label_lists_the_tokens(tokens: Tokens, tmp_path: Path) -> None:
    output = tmp_path / "never.pdf"
    with pytest.raises(SigningInputError) as raised:
        sign_to(output, tokens.single, token_label="no-such-token")
    message = str(raised.value)
    assert "'no-such-token'" in message
    assert "'sohoa'" in message
    assert "'sohoa-multi'" in message
    assert raised.value.subject == tokens.single.module
    assert not output.exists()


def test_unknown_key_label(tokens: Tokens, tmp_path: Path) -> None:
    output = tmp_path / "never.pdf"
    with pytest.raises(SigningInputError) as raised:
        sign_to(output, tokens.single, key_label="giam-doc")
    assert "no private key labelled 'giam-doc'" in str(raised.value)
    assert "'signer'" in str(raised.value)
    assert not output.exists()


def test_unknown_certificate_label(tokens: Tokens) -> None:
    token = tokens.single
    with pytest.raises(SigningInputError) as raised, open_token_signer(
            token.module, token_label=token.label, pin=token.pin, cert_label="nope"):
        pass
    assert "no certificate labelled 'nope'" in str(raised.value)


def test_expired_certificate(tokens: Tokens, tmp_path: Path) -> None:
    output = tmp_path / "never.pdf"
    with pytest.raises(CertificateProblemError) as raised:
        sign_to(output, tokens.multi, key_label="expired")
    message = str(raised.value)
    assert "expired" in message
    assert "Trần Thị Bình" in (raised.value.subject or "")
    end = tokens.pki.expired_cert.not_valid_after_utc
    assert f"{end:%Y-%m-%d}" in message
    assert not output.exists()


def test_not_yet_valid_certificate(tokens: Tokens, tmp_path: Path) -> None:
    with pytest.raises(CertificateProblemError) as raised:
        sign_to(tmp_path / "never.pdf", tokens.multi, key_label="future")
    assert "not yet valid" in str(raised.value)
    start = tokens.pki.future_cert.not_valid_before_utc
    assert f"{start:%Y-%m-%d}" in str(raised.value)


def test_certificate_not_matching_the_key(tokens: Tokens, tmp_path: Path) -> None:
    output = tmp_path / "never.pdf"
    with pytest.raises(CertificateProblemError) as raised:
        sign_to(output, tokens.multi, key_label="mismatched")
    assert "does not belong to the private key 'mismatched'" in str(raised.value)
    assert "Phạm Thị Dung" in (raised.value.subject or "")
    assert not output.exists()


def test_missing_module_path(tmp_path: Path) -> None:
    missing = str(tmp_path / "libnothing.so")
    with pytest.raises(SigningInputError) as raised, open_token_signer(
            missing, token_label="sohoa", pin="1234"):
        pass
    assert raised.value.subject == missing
    assert "no PKCS#11 module" in str(raised.value)


def test_file_that_is_not_a_pkcs11_module(tmp_path: Path) -> None:
    fake = tmp_path / "libfake.so"
    fake.write_text("not a shared library\n")
    with pytest.raises(SigningInputError) as raised, open_token_signer(
            str(fake), token_label="sohoa", pin="1234"):
        pass
    assert raised.value.subject == str(fake)
    assert "cannot be loaded as a PKCS#11 module" in str(raised.value)


def assert_signs_with_the_tokens_certificate(signer: signers.Signer, pki: TestPki) -> None:
    """The signer's certificate is the one stored on the token next to the signing key:
    the same DER bytes (so the same fingerprint), subject and public key."""
    certificate = signer.signing_cert
    assert certificate.dump() == pki.signer_cert.public_bytes(serialization.Encoding.DER)
    assert certificate.sha256 == pki.signer_cert.fingerprint(hashes.SHA256())
    assert certificate.subject.native["common_name"] == "Nguyễn Văn An"
    assert certificate.issuer.native["common_name"] == "Sohoa Test Root CA"
    assert certificate.public_key.dump() == pki.signer_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def test_repeated_opens_reuse_the_module(tokens: Tokens) -> None:
    token = tokens.single
    for _ in range(5):
        with open_token_signer(token.module, token_label=token.label,
                               pin=token.pin) as signer:
            assert_signs_with_the_tokens_certificate(signer, tokens.pki)


def test_module_reached_through_another_path(tokens: Tokens) -> None:
    """The same module under its symlinked and real path (python-pkcs11 would try to
    initialise it twice)."""
    token = tokens.single
    real = str(Path(token.module).resolve())
    for module in (token.module, real, token.module):
        with open_token_signer(module, token_label=token.label, pin=token.pin) as signer:
            assert_signs_with_the_tokens_certificate(signer, tokens.pki)
