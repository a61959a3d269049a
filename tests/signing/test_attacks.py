"""The published attacks on PDF signatures, each caught by ``signing.verify.verify_pdf``.

The attacked files are built by :mod:`tests.support.pdf_attacks` from documents signed
leader → agency by the served demo PKI (the shadow attacks from a document the attacker
prepared before signing). For the file-level attacks the test also records what poppler's
``pdfsig`` says: it checks each signature's bytes only, so it reports every signature of
an incrementally updated (ISA, shadow) or wrapped (SWA) file as valid; that is why the
verifier's own look at what changed after signing matters. Valid controls: every PAdES
level, the prepared document as signed, and permitted form filling after signing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509

from signing.document import RoleOptions, sign_document
from signing.keys import SigningKey, unlock_pkcs12
from signing.pades import Level, TrustServices
from signing.pki import issue_certificate, revoke_certificate
from signing.verify import VerificationReport, verify_pdf
from tests.support import pdf_attacks as attacks
from tests.support.pki_server import RunningPki
from tests.support.signature_checks import pdfsig, root_certificate


@dataclass(frozen=True)
class Signed:
    """The module's signed inputs: the plain decision, the shadow-prepared one, a donor."""

    root: asn1_x509.Certificate
    plain: bytes  # the unsigned decision
    base: bytes  # the prepared (shadow) document signed leader → agency at B-B
    donor: bytes  # the plain decision signed leader → agency at B-B (another file)


def _key(pki: RunningPki, name: str, at: datetime | None = None) -> SigningKey:
    path = pki.directory / f"{name}.p12"
    return unlock_pkcs12(path.read_bytes(), "1234", source=path.name, at=at)


def _services(pki: RunningPki) -> TrustServices:
    return TrustServices(tsa_url=pki.tsa_url,
                         trust_roots=(root_certificate(pki.pki.root_pem_path),))


def _leader_then_agency(pki: RunningPki, data: bytes, level: Level) -> bytes:
    services = _services(pki)
    first, _ = sign_document(data, _key(pki, "leader"), level=level, services=services,
                             source="decision.pdf",
                             role=RoleOptions(role="leader",
                                              image=pki.pki.leader_signature_path))
    second, _ = sign_document(first, _key(pki, "clerk"), level=level, services=services,
                              source="decision.pdf",
                              role=RoleOptions(role="agency", image=pki.pki.agency_seal_path))
    return second


@pytest.fixture(scope="module")
def signed(served_pki: RunningPki, decision_pdf: Path) -> Signed:
    plain = decision_pdf.read_bytes()
    prepared = attacks.prepare_shadow_document(plain)
    return Signed(root=root_certificate(served_pki.pki.root_pem_path), plain=plain,
                  base=_leader_then_agency(served_pki, prepared, Level.B_B),
                  donor=_leader_then_agency(served_pki, plain, Level.B_B))


def _verify(data: bytes, signed: Signed, *, online: bool = False) -> VerificationReport:
    return verify_pdf(data, source="attacked.pdf", trust_roots=[signed.root],
                      allow_fetching=online)


def _codes(report: VerificationReport) -> set[str]:
    codes = {item.code for item in report.reasons}
    for signature in report.signatures:
        codes.update(item.code for item in signature.reasons)
    return codes


def _assert_caught(report: VerificationReport, expected: frozenset[str]) -> None:
    assert report.valid is False, report.to_json()
    codes = _codes(report)
    assert codes & expected, f"expected one of {sorted(expected)}, got {sorted(codes)}"
    texts = [item.en for item in report.reasons] + [
        item.en for signature in report.signatures for item in signature.reasons]
    assert texts
    assert all(text.strip() for text in texts)


# --- 1-12: attacks on the file -----------------------------------------------------------

# what pdfsig says of the file's signatures (leader, agency):
BOTH_VALID = (True, True)  # incremental update / wrapping: pdfsig sees nothing wrong
BOTH_INVALID = (False, False)  # bytes inside both signed ranges changed
LAST_INVALID = (True, False)  # only the agency signature's own bytes attacked

MODIFIED = frozenset({"modified_after_signing"})


@dataclass(frozen=True)
class FileAttack:
    """One attack on the signed file, what verify_pdf must say and what pdfsig says."""

    name: str
    build: Callable[[Signed], bytes]
    expected: frozenset[str]
    pdfsig_valid: tuple[bool, bool]
    incremental: bool = False  # the original signatures' bytes are untouched


FILE_ATTACKS = [
    FileAttack("1-tampered-digit", lambda s: attacks.tamper_signed_text(s.base),
               frozenset({"digest_mismatch"}), BOTH_INVALID),
    FileAttack("2-isa-add-page", lambda s: attacks.add_page(s.base), MODIFIED, BOTH_VALID,
               incremental=True),
    FileAttack("3-isa-remove-page", lambda s: attacks.remove_page(s.base), MODIFIED,
               BOTH_VALID, incremental=True),
    FileAttack("4-isa-replace-content", lambda s: attacks.replace_page_content(s.base),
               MODIFIED, BOTH_VALID, incremental=True),
    FileAttack("5-isa-replace-font", lambda s: attacks.replace_font(s.base), MODIFIED,
               BOTH_VALID, incremental=True),
    FileAttack("6-overlay-annotation", lambda s: attacks.overlay_annotation(s.base),
               MODIFIED, BOTH_VALID, incremental=True),
    FileAttack("7-shadow-hide", lambda s: attacks.shadow_hide(s.base), MODIFIED,
               BOTH_VALID, incremental=True),
    FileAttack("8-shadow-replace", lambda s: attacks.shadow_replace(s.base), MODIFIED,
               BOTH_VALID, incremental=True),
    FileAttack("9-shadow-hide-and-replace",
               lambda s: attacks.shadow_hide_and_replace(s.base), MODIFIED, BOTH_VALID,
               incremental=True),
    FileAttack("10-swa-signature-wrapping", lambda s: attacks.signature_wrapping(s.base),
               frozenset({"byte_range_invalid", "not_whole_file"}), BOTH_VALID,
               incremental=True),
    FileAttack("10b-usf-contents-zeroed", lambda s: attacks.zero_signature_contents(s.base),
               frozenset({"signature_invalid", "unreadable"}), LAST_INVALID),
    FileAttack("10c-usf-byte-range-removed", lambda s: attacks.remove_byte_range(s.base),
               frozenset({"byte_range_invalid", "unreadable"}), LAST_INVALID),
    FileAttack("11-overlapping-byte-range",
               lambda s: attacks.overlapping_byte_range(s.base),
               frozenset({"byte_range_invalid"}), LAST_INVALID),
    FileAttack("12-transplanted-signature",
               lambda s: attacks.transplant_signature(s.base, s.donor),
               frozenset({"digest_mismatch"}), LAST_INVALID),
]


@pytest.mark.parametrize("attack", FILE_ATTACKS, ids=[item.name for item in FILE_ATTACKS])
def test_file_attack_is_caught(attack: FileAttack, signed: Signed, tmp_path: Path) -> None:
    data = attack.build(signed)
    assert data != signed.base
    path = tmp_path / f"{attack.name}.pdf"
    path.write_bytes(data)

    report = _verify(data, signed)
    _assert_caught(report, attack.expected)
    if attack.expected == MODIFIED:
        # the signatures themselves are sound: what fails is what was changed after them
        assert all(item.intact and item.valid for item in report.signatures)
        assert any(item.modification in ("annotations", "other")
                   for item in report.signatures)

    # what poppler says: blind to updates after signing and to wrapping
    found = pdfsig(path)
    assert [item.field for item in found] == ["leader", "agency"], found
    assert tuple(item.valid for item in found) == attack.pdfsig_valid, found
    if attack.incremental:
        assert not any(item.whole_file for item in found)


def test_byte_tampering_keeps_the_file_structure(signed: Signed) -> None:
    tampered = attacks.tamper_signed_text(signed.base)
    assert len(tampered) == len(signed.base)
    assert [item.byte_range for item in attacks.signature_bytes(tampered)] == \
        [item.byte_range for item in attacks.signature_bytes(signed.base)]


def test_wrapped_signature_still_hashes_the_signed_bytes(signed: Signed) -> None:
    """SWA leaves the CMS and the signed bytes as they were (so the digest matches): only
    the byte-range and coverage checks catch it."""
    wrapped = attacks.signature_wrapping(signed.base)
    before = attacks.signature_bytes(signed.base)[-1].byte_range
    after = attacks.signature_bytes(wrapped)[-1].byte_range
    assert after[:2] == before[:2]
    assert after[2] != before[2]  # the second signed range was moved

    def hashed(data: bytes, byte_range: tuple[int, int, int, int]) -> bytes:
        start, length1, start2, length2 = byte_range
        return data[start:start + length1] + data[start2:start2 + length2]

    assert hashed(wrapped, after) == hashed(signed.base, before)
    report = _verify(wrapped, signed)
    agency = next(item for item in report.signatures if item.field == "agency")
    assert agency.coverage == "partial"
    assert not agency.ok


# --- 13-15: attacks on trust -------------------------------------------------------------

def test_self_made_ca_is_untrusted(served_pki: RunningPki, signed: Signed) -> None:
    leader = _key(served_pki, "leader").certificate
    rogue = attacks.rogue_signer(x509.load_der_x509_certificate(leader.dump()).subject)
    forged = attacks.sign_with_pyhanko(signed.plain, rogue.signer, field_name="leader")
    report = _verify(forged, signed, online=True)
    _assert_caught(report, frozenset({"untrusted"}))
    assert report.signatures[0].intact
    assert report.signatures[0].valid
    assert report.signatures[0].signer == leader.subject.native["common_name"]
    assert not report.signatures[0].trusted


def test_revoked_certificate_online_and_offline(served_pki: RunningPki,
                                                signed: Signed) -> None:
    name = f"revoked-{secrets.token_hex(3)}"
    issue_certificate(served_pki.directory, name, common_name="Trần Văn Thu Hồi")
    key = _key(served_pki, name)
    revoke_certificate(served_pki.directory, name)
    data, _ = sign_document(signed.plain, key, level=Level.B_B,
                            services=_services(served_pki), source="decision.pdf",
                            role=RoleOptions(role="leader",
                                             image=served_pki.pki.leader_signature_path))
    online = _verify(data, signed, online=True)
    _assert_caught(online, frozenset({"revoked"}))
    assert online.signatures[0].revocation == "revoked"

    with_data = attacks.embed_revocation_data(data, served_pki.directory, key.certificate)
    offline = _verify(with_data, signed, online=False)
    _assert_caught(offline, frozenset({"revoked"}))
    assert offline.signatures[0].revocation == "revoked"


def test_expired_certificate_without_time_stamp(served_pki: RunningPki,
                                                signed: Signed) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    name = f"expired-{secrets.token_hex(3)}"
    issue_certificate(served_pki.directory, name, common_name="Lê Thị Hết Hạn",
                      not_before=now - timedelta(days=730),
                      not_after=now - timedelta(days=365))
    claimed = now - timedelta(days=500)  # inside the validity, but nothing proves it
    key = _key(served_pki, name, at=claimed)
    data = attacks.sign_with_pyhanko(signed.plain, key.signer, field_name="leader",
                                     signing_time=claimed)
    assert attacks.claimed_signing_time(data) == claimed
    report = _verify(data, signed, online=True)
    _assert_caught(report, frozenset({"expired"}))
    assert report.signatures[0].intact
    assert report.signatures[0].valid


# --- controls: what must stay valid ------------------------------------------------------

@pytest.mark.parametrize("level", list(Level), ids=[level.value for level in Level])
def test_leader_then_agency_is_valid(served_pki: RunningPki, signed: Signed,
                                     level: Level) -> None:
    data = (signed.donor if level is Level.B_B
            else _leader_then_agency(served_pki, signed.plain, level))
    online = not level.needs_validation_data  # B-LT and B-LTA carry their own data
    report = _verify(data, signed, online=online)
    assert report.valid, report.to_json()
    regular = [item for item in report.signatures if item.kind == "signature"]
    assert [item.field for item in regular] == ["leader", "agency"]
    assert all(item.modification in ("none", "form_filling") for item in regular)


def test_prepared_document_as_signed_is_valid(signed: Signed) -> None:
    """The shadow attacker's document verifies as valid before the attack's update: the
    attack lies entirely in what is changed after signing."""
    report = _verify(signed.base, signed, online=True)
    assert report.valid, report.to_json()


def test_form_filling_after_signing_stays_valid(signed: Signed, tmp_path: Path) -> None:
    filled = attacks.fill_form_field(signed.base)
    report = _verify(filled, signed, online=True)
    assert report.valid, report.to_json()
    assert [item.modification for item in report.signatures] == ["form_filling"] * 2
    path = tmp_path / "filled.pdf"
    path.write_bytes(filled)
    assert [item.valid for item in pdfsig(path)] == [True, True]
