"""Every PAdES level, leader then agency, checked by pdfsig and pyHanko; attachment and
copy stamps; long-term files validated with the network off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from signing.document import RoleOptions, sign_document
from signing.keys import SigningKey, unlock_pkcs12
from signing.pades import Level, TrustServices, check_certificate
from tests.support.pki_server import RunningPki
from tests.support.signature_checks import (
    pdfsig,
    pyhanko_ltv_offline,
    pyhanko_status,
    pyhanko_timestamps_offline,
    root_certificate,
)


def _key(pki: RunningPki, name: str) -> SigningKey:
    path = pki.directory / f"{name}.p12"
    return unlock_pkcs12(path.read_bytes(), "1234", source=path.name)


def _services(pki: RunningPki) -> TrustServices:
    return TrustServices(tsa_url=pki.tsa_url,
                         trust_roots=(root_certificate(pki.directory / "root-ca.pem"),))


def _sign_in_sequence(pki: RunningPki, source: Path, level: Level, out: Path) -> Path:
    services = _services(pki)
    leader, clerk = _key(pki, "leader"), _key(pki, "clerk")
    check_certificate(leader, services)
    first, _ = sign_document(
        source.read_bytes(), leader, level=level, services=services, source=source.name,
        role=RoleOptions(role="leader", image=pki.directory / "leader-signature.png"))
    second, signed = sign_document(
        first, clerk, level=level, services=services, source=source.name,
        role=RoleOptions(role="agency", image=pki.directory / "agency-seal.png"))
    assert signed.field_name == "agency"
    assert signed.signing_time.utcoffset() is not None
    assert signed.signing_time.utcoffset().total_seconds() == 7 * 3600  # type: ignore[union-attr]
    out.write_bytes(second)
    return out


def _signature_timestamp(signer_info: Any) -> object | None:
    for attribute in signer_info["unsigned_attrs"] or []:
        if attribute["type"].native == "signature_time_stamp_token":
            return attribute["values"][0]
    return None


@pytest.mark.parametrize("level", list(Level), ids=[level.value for level in Level])
def test_leader_then_agency_at_every_level(served_pki: RunningPki, decision_pdf: Path,
                                           tmp_path: Path, level: Level) -> None:
    signed = _sign_in_sequence(served_pki, decision_pdf, level, tmp_path / "signed.pdf")
    root = root_certificate(served_pki.directory / "root-ca.pem")

    reports = pdfsig(signed)
    regular = [report for report in reports if report.field in ("leader", "agency")]
    assert [report.field for report in regular] == ["leader", "agency"]
    assert all(report.valid for report in regular), reports
    assert reports[-1].whole_file, "the last signature must cover the whole file"
    # poppler cannot check document time stamps (ETSI.RFC3161); pyHanko does, below

    statuses = pyhanko_status(signed, root)
    assert [status[0] for status in statuses] == ["leader", "agency"]
    assert all(intact and valid and trusted for _, intact, valid, trusted in statuses)

    with signed.open("rb") as stream:
        reader = PdfFileReader(stream)
        has_dss = "/DSS" in reader.root
        timestamps = reader.embedded_timestamp_signatures
        signature_tokens = [_signature_timestamp(sig.signer_info) for sig
                            in reader.embedded_regular_signatures]
    assert all(token is not None for token in signature_tokens) == level.needs_timestamp
    assert has_dss == level.needs_validation_data
    assert bool(timestamps) == (level is Level.B_LTA)
    if level.needs_validation_data:
        assert all(trusted for _, trusted in pyhanko_ltv_offline(signed, root))
    if level is Level.B_LTA:
        # one archive time stamp per signing at B-LTA, each covering all before it
        assert pyhanko_timestamps_offline(signed, root) == [True, True]


@pytest.mark.parametrize("role", ["attachment", "copy"])
def test_text_stamps_sign_and_validate(served_pki: RunningPki, decision_pdf: Path,
                                       tmp_path: Path, role: str) -> None:
    services = _services(served_pki)
    signed, outcome = sign_document(
        decision_pdf.read_bytes(), _key(served_pki, "clerk"), level=Level.B_T,
        services=services, source=decision_pdf.name,
        role=RoleOptions(role=role, symbol="123/QĐ-UBND"))
    path = tmp_path / f"{role}.pdf"
    path.write_bytes(signed)
    assert outcome.field_name == role
    reports = pdfsig(path)
    assert len(reports) == 1
    assert reports[0].valid
    assert reports[0].whole_file
    root = root_certificate(served_pki.directory / "root-ca.pem")
    assert pyhanko_status(path, root) == [(role, True, True, True)]


def test_signing_certificate_attribute_is_pyhankos(served_pki: RunningPki,
                                                   decision_pdf: Path) -> None:
    """The signing-certificate-v2 value made once per certificate (signing.pades) is the
    one pyHanko builds for each signature, byte for byte, in every signature of a batch."""
    import io

    from pyhanko.sign.general import as_signing_certificate_v2

    key = _key(served_pki, "leader")
    expected = as_signing_certificate_v2(key.signer.signing_cert).dump()
    data = decision_pdf.read_bytes()
    for _ in range(2):
        signed, _outcome = sign_document(
            data, key, level=Level.B_B, services=_services(served_pki), source="qd",
            role=RoleOptions(role="leader", image=served_pki.directory / "leader-signature.png"))
        signature = PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures[0]
        values = {attribute["type"].native: attribute["values"][0]
                  for attribute in signature.signer_info["signed_attrs"]}
        assert values["signing_certificate_v2"].dump() == expected
        assert key.signer.signed_attr_prov_spec is None  # the shared signer is untouched
