"""What the verifier keeps from one document to the next (``signing.verify.pathcache``:
validated certificate paths; ``signing.verify.material``: parsed DSS material) must never
make a revoked, expired or untrusted certificate look valid.

Each test first lets the cache keep a *valid* answer, then asks again with one thing
changed that must change the answer: the revocation data, the trust anchors, the
validation time. Were the cache's key too loose (no revocation data, no anchors, no time
window), the second answer would come from the cache and say valid: these tests fail
(checked by replacing ``cache_key`` with one that drops the revocation data, or the
anchors, the time window being then taken from the certificate's validity only, and with
one that drops the window: each time the matching test fails).
"""

from __future__ import annotations

import asyncio
import io
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathValidationError
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo, ValidationTimingParams

from signing.document import RoleOptions, sign_document
from signing.keys import SigningKey, unlock_pkcs12
from signing.pades import Level, TrustServices
from signing.pki import issue_certificate, revoke_certificate
from signing.verify import material, pathcache, verify_pdf
from tests.support import pdf_attacks as attacks
from tests.support.pki_server import RunningPki
from tests.support.signature_checks import root_certificate


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key(pki: RunningPki, name: str) -> SigningKey:
    path = pki.directory / f"{name}.p12"
    return unlock_pkcs12(path.read_bytes(), "1234", source=path.name)


def _signed(pki: RunningPki, plain: bytes, key: SigningKey) -> bytes:
    services = TrustServices(tsa_url=pki.tsa_url,
                             trust_roots=(root_certificate(pki.pki.root_pem_path),))
    data, _ = sign_document(plain, key, level=Level.B_B, services=services,
                            source="decision.pdf",
                            role=RoleOptions(role="leader", image=pki.pki.leader_signature_path))
    return data


@pytest.fixture(autouse=True)
def empty_caches() -> None:
    pathcache.PATHS.clear()


def test_revocation_data_is_part_of_the_key(served_pki: RunningPki,
                                            decision_pdf: Path) -> None:
    """Same document, same certificate, same anchors: only the embedded revocation data
    changes (good, then revoked)."""
    root = root_certificate(served_pki.pki.root_pem_path)
    name = f"cached-{secrets.token_hex(3)}"
    issue_certificate(served_pki.directory, name, common_name="Phạm Văn Bộ Đệm")
    key = _key(served_pki, name)
    data = _signed(served_pki, decision_pdf.read_bytes(), key)
    good = attacks.embed_revocation_data(data, served_pki.directory, key.certificate)
    first = verify_pdf(good, source="good.pdf", trust_roots=[root])
    assert first.signatures[0].trusted
    assert first.signatures[0].revocation == "good"
    again = verify_pdf(good, source="good.pdf", trust_roots=[root])
    assert again.to_json()["signatures"] == first.to_json()["signatures"]
    assert pathcache.PATHS.hits >= 1  # the second verification was served by the cache

    revoke_certificate(served_pki.directory, name)
    revoked = attacks.embed_revocation_data(data, served_pki.directory, key.certificate)
    report = verify_pdf(revoked, source="revoked.pdf", trust_roots=[root])
    assert not report.valid
    assert report.signatures[0].revocation == "revoked"
    assert "revoked" in {reason.code for reason in report.signatures[0].reasons}


def test_trust_anchors_are_part_of_the_key(served_pki: RunningPki,
                                           decision_pdf: Path) -> None:
    """Same document: valid under the demo root, then untrusted under another root only."""
    root = root_certificate(served_pki.pki.root_pem_path)
    key = _key(served_pki, "leader")
    data = _signed(served_pki, decision_pdf.read_bytes(), key)
    assert verify_pdf(data, source="a.pdf", trust_roots=[root]).signatures[0].trusted
    assert verify_pdf(data, source="a.pdf", trust_roots=[root]).signatures[0].trusted
    assert pathcache.PATHS.hits >= 1
    other_root = attacks.rogue_signer(_name("Rogue")).root
    report = verify_pdf(data, source="a.pdf", trust_roots=[other_root])
    assert not report.signatures[0].trusted
    assert "untrusted" in {reason.code for reason in report.signatures[0].reasons}


def _context_at(root: asn1_x509.Certificate, leaf: asn1_x509.Certificate,
                moment: datetime) -> ValidationContext:
    """A context the verifier would cache (now, nothing fetched), its clock set to
    ``moment``."""
    context = pathcache.mark(ValidationContext(trust_roots=[root], other_certs=[leaf],
                                               allow_fetching=False))
    context.timing_params = ValidationTimingParams(
        ValidationTimingInfo(validation_time=moment, best_signature_time=moment,
                             point_in_time_validation=False),
        time_tolerance=context.timing_params.time_tolerance)
    return context


async def _validate(context: ValidationContext, leaf: asn1_x509.Certificate) -> object:
    paths = context.path_builder.async_build_paths_lazy(leaf)
    return await pathcache.find_valid_path(leaf, paths, context)


def test_the_validation_time_window_is_part_of_the_key(served_pki: RunningPki) -> None:
    """The same certificate validated in its validity, then again (a minute later, a
    cached answer), then after it has expired: the cached path must not be given."""
    now = datetime.now(UTC).replace(microsecond=0)
    name = f"expiring-{secrets.token_hex(3)}"
    issue_certificate(served_pki.directory, name, common_name="Hồ Sắp Hết Hạn",
                      not_before=now - timedelta(days=1), not_after=now + timedelta(hours=1))
    leaf = _key(served_pki, name).certificate
    root = root_certificate(served_pki.pki.root_pem_path)
    asyncio.run(_validate(_context_at(root, leaf, now), leaf))
    asyncio.run(_validate(_context_at(root, leaf, now + timedelta(minutes=1)), leaf))
    assert pathcache.PATHS.hits == 1
    later = now + timedelta(hours=2)
    with pytest.raises(PathValidationError, match="expired"):
        asyncio.run(_validate(_context_at(root, leaf, later), leaf))


def test_windows_are_cut_at_every_date_widened_by_the_tolerance() -> None:
    expiry = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    tolerance = timedelta(minutes=2)
    before = pathcache.window([expiry], tolerance, expiry - timedelta(minutes=3))
    assert before[1] is not None
    assert before[1] <= expiry - tolerance
    assert pathcache.window([expiry], tolerance, expiry + timedelta(minutes=3)) != before
    inside = pathcache.window([expiry], tolerance, expiry + timedelta(minutes=10))
    assert inside == pathcache.window([expiry], tolerance, expiry + timedelta(minutes=20))
    # pyHanko's 30-minute freshness fallback for a response without nextUpdate cuts too
    fallback = expiry + timedelta(minutes=30)
    assert pathcache.window([expiry], tolerance, fallback + timedelta(minutes=5)) != inside


def test_dates_are_found_in_certificates_and_nested_der(served_pki: RunningPki) -> None:
    leaf = _key(served_pki, "leader").certificate
    validity = leaf["tbs_certificate"]["validity"]
    found = pathcache.dates_in(leaf.dump())
    assert validity["not_before"].native in found
    assert validity["not_after"].native in found


def test_equal_der_is_parsed_once() -> None:
    root_der = attacks.rogue_signer(_name("X")).root.dump()
    first = material.CERTIFICATES.get(root_der)
    assert material.CERTIFICATES.get(bytes(root_der)) is first
    assert first.dump() == root_der


def test_material_with_too_many_dates_is_not_cached(served_pki: RunningPki,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A large CRL (thousands of revocation dates) would cost more to cut time by than it
    saves: such a context is validated every time."""
    monkeypatch.setattr(pathcache, "_MOST_DATES", 1)
    leaf = _key(served_pki, "leader").certificate
    root = root_certificate(served_pki.pki.root_pem_path)
    now = datetime.now(UTC)
    for _ in range(2):
        asyncio.run(_validate(_context_at(root, leaf, now), leaf))
    assert pathcache.PATHS.hits == 0


def test_large_material_is_parsed_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    root_der = attacks.rogue_signer(_name("Y")).root.dump()
    monkeypatch.setattr(material, "LARGEST", len(root_der) - 1)
    assert material.CERTIFICATES.get(root_der) is not material.CERTIFICATES.get(root_der)


def test_a_signatures_own_certificates_are_parsed_once(served_pki: RunningPki,
                                                       decision_pdf: Path) -> None:
    """The signer's certificate carried in the CMS is taken from the shared store: two
    documents signed by the same key report the very same parsed certificate object."""
    from pyhanko.sign import general
    from pyhanko.sign.validation.generic_cms import extract_certs_for_validation

    assert getattr(general, "_partition_certs") is material._partition_certs  # noqa: B009
    root = root_certificate(served_pki.pki.root_pem_path)
    key = _key(served_pki, "leader")
    found = []
    for _ in range(2):
        data = _signed(served_pki, decision_pdf.read_bytes(), key)
        report = verify_pdf(data, source="twice.pdf", trust_roots=[root])
        assert report.valid
        signature = next(iter(PdfFileReader(io.BytesIO(data)).embedded_signatures))
        found.append(extract_certs_for_validation(signature.signed_data).signer_cert)
    assert found[0] is found[1]
    assert found[0].dump() == key.certificate.dump()


def test_signature_bytes_that_look_like_a_time_tag_do_not_stop_caching() -> None:
    """About one RSA signature in 150 begins with a UTCTime tag and a length that fits:
    such bytes are not DER, so a certificate signed so is still cached (CI once lost
    every cache hit to a demo root whose signature did this)."""
    real = core.UTCTime(datetime(2026, 12, 7, 4, 0, tzinfo=UTC)).dump()
    looks_like_a_time = b"\x17\x05" + bytes([0x9f, 0x02, 0xe1, 0x44, 0x7a]) + bytes(range(40))
    signature = core.BitString.load(b"\x03" + bytes([len(looks_like_a_time) + 1]) + b"\x00"
                                    + looks_like_a_time).dump()
    der = core.Sequence.load(b"\x30" + bytes([len(real) + len(signature)]) + real
                             + signature).dump()
    assert pathcache.dates_in(der) == {datetime(2026, 12, 7, 4, 0, tzinfo=UTC)}


def test_a_nested_time_that_cannot_be_read_stops_caching() -> None:
    """A time's text inside an extension that is no date (month 13) is not guessed at:
    the material is not cached."""
    bad_time = b"\x17\x0d" + b"261307040000Z"
    extension = b"\x04" + bytes([len(bad_time)]) + bad_time
    der = b"\x30" + bytes([len(extension)]) + extension
    with pytest.raises(pathcache._UnreadableError):
        pathcache.dates_in(der)
