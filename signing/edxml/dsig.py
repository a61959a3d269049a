"""XMLDSig of edXML messages with signxml: enveloped, ``Reference URI=""``, exclusive C14N.

Messages are signed rsa-sha256/sha256 (the spec's form to write); rsa-sha1/sha1 and
rsa-sha256/sha256 are accepted when verifying, since messages in the wild use sha1. The
signature covers the whole message, attachments included, so a byte changed anywhere but
in the signature itself makes it invalid.
"""

from __future__ import annotations

import base64

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree  # type: ignore[import-untyped]
from signxml import methods
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidInput, InvalidSignature
from signxml.signer import XMLSigner
from signxml.verifier import SignatureConfiguration, XMLVerifier

from signing.edxml.model import SignatureCheck

DSIG = "http://www.w3.org/2000/09/xmldsig#"
EXCLUSIVE_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ACCEPTED = SignatureConfiguration(
    signature_methods=frozenset({SignatureMethod.RSA_SHA1, SignatureMethod.RSA_SHA256}),
    digest_algorithms=frozenset({DigestAlgorithm.SHA1, DigestAlgorithm.SHA256}),
)
"""What a received message's signature may use."""


def placeholder() -> etree._Element:
    """The ``<ds:Signature Id="placeholder"/>`` marking where :func:`sign` puts the
    signature (signxml's convention for a signature inside the document)."""
    element = etree.Element(f"{{{DSIG}}}Signature", nsmap={"ds": DSIG})
    element.set("Id", "placeholder")
    return element


class _Signer(XMLSigner):
    """signxml's signer re-parsing the message with the reader's hardened parser: its own
    default parser refuses a text node over 10 MB (an attachment of ~7.5 MB)."""

    @property
    def parser(self) -> etree.XMLParser:
        """The parser signxml uses for the copy of the document it signs."""
        from signing.edxml.parse import hardened_parser

        return hardened_parser()


def sign(root: etree._Element, private_key: rsa.RSAPrivateKey,
         certificate: x509.Certificate, chain: list[x509.Certificate] | None = None
         ) -> etree._Element:
    """``root`` signed (rsa-sha256, enveloped, exclusive C14N) with the certificate in
    ``KeyInfo/X509Data``; the signature replaces the placeholder when there is one."""
    signer = _Signer(method=methods.enveloped, signature_algorithm="rsa-sha256",
                     digest_algorithm="sha256", c14n_algorithm=EXCLUSIVE_C14N)
    signed: etree._Element = signer.sign(root, key=private_key,
                                         cert=[certificate, *(chain or [])],
                                         )
    return signed


def embedded_certificate(root: etree._Element) -> x509.Certificate | None:
    """The first certificate of the signature's ``KeyInfo/X509Data`` (None: none there)."""
    found = root.find(f".//{{{DSIG}}}Signature//{{{DSIG}}}X509Certificate")
    if found is None or not (found.text or "").strip():
        return None
    try:
        return x509.load_der_x509_certificate(base64.b64decode("".join(found.text.split())))
    except ValueError:
        return None


def common_name(certificate: x509.Certificate) -> str | None:
    """The subject's common name (the agency or person), None when it has none."""
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else None


def verify(root: etree._Element, parser: etree.XMLParser, *,
           expected: x509.Certificate | None = None) -> SignatureCheck:
    """Check the message's signature against ``expected`` (the sender's registered
    certificate) or, without it, against the certificate the message carries; the
    result says present/valid and the signing certificate's common name."""
    if root.find(f".//{{{DSIG}}}Signature") is None:
        return SignatureCheck(present=False)
    embedded = embedded_certificate(root)
    certificate = expected or embedded
    if certificate is None:
        return SignatureCheck(present=True, valid=False,
                              problem="the signature carries no certificate")
    signer = common_name(certificate)
    if expected is not None and embedded is not None and embedded != expected:
        return SignatureCheck(present=True, valid=False, signer=common_name(embedded),
                              problem="signed by another certificate than the sender's")
    try:
        XMLVerifier().verify(root, x509_cert=certificate, parser=parser,
                             expect_config=ACCEPTED)
    except (InvalidSignature, InvalidInput) as error:
        problem = str(error) or type(error).__name__
        if _default_namespace(root):
            problem = _problem_excised(root, certificate, parser) or ""
        if problem:
            return SignatureCheck(present=True, valid=False, signer=signer, problem=problem)
    return SignatureCheck(present=True, valid=True, signer=signer)


def _default_namespace(root: etree._Element) -> bool:
    """Whether the signature is written ``<Signature xmlns="…xmldsig#">`` (as .NET's
    SignedXml writes it) rather than with a prefix."""
    signature = root.find(f".//{{{DSIG}}}Signature")
    return signature is not None and signature.prefix is None


def _problem_excised(root: etree._Element, certificate: x509.Certificate,
                     parser: etree.XMLParser) -> str | None:
    """Verify again without the ``xmlns=""`` lxml adds to ``SignedInfo``'s grandchildren
    under a default-namespace signature: inclusive C14N renders none there, so .NET signs
    bytes without them (signxml issue #193, fixed upstream in its PR #286). None when it
    verifies, else what is wrong (a digest mismatch says which part was changed)."""
    verifier = XMLVerifier()
    verifier.excise_empty_xmlns_declarations = True
    try:
        verifier.verify(root, x509_cert=certificate, parser=parser, expect_config=ACCEPTED)
    except (InvalidSignature, InvalidInput) as error:
        return str(error) or type(error).__name__
    return None
