"""A revocation responder that answers seconds later (a slow network, a loaded server)
still gives the right verdict: pyHanko fixes "now" when the validation context is made,
and the fetched response is dated after it (see ``signing.pades.CLOCK_TOLERANCE``)."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any

import pytest
from pyhanko_certvalidator.fetchers.aiohttp_fetchers.crl_client import AIOHttpCRLFetcher
from pyhanko_certvalidator.fetchers.aiohttp_fetchers.ocsp_client import AIOHttpOCSPFetcher

from signing.document import RoleOptions, sign_document
from signing.keys import unlock_pkcs12
from signing.pades import Level, TrustServices
from signing.pki import issue_certificate, revoke_certificate
from signing.verify import verify_pdf
from tests.support.pki_server import RunningPki
from tests.support.signature_checks import root_certificate

DELAY_SECONDS = 3.0


@pytest.fixture
def slow_responders(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every OCSP and CRL fetch starts three seconds late."""
    for fetcher in (AIOHttpOCSPFetcher, AIOHttpCRLFetcher):
        original = fetcher.fetch

        async def late(self: Any, *args: Any, _original: Any = original) -> Any:
            await asyncio.sleep(DELAY_SECONDS)
            return await _original(self, *args)

        monkeypatch.setattr(fetcher, "fetch", late)


def _sign(served_pki: RunningPki, decision_pdf: Path, name: str) -> bytes:
    key = unlock_pkcs12((served_pki.directory / f"{name}.p12").read_bytes(), "1234",
                        source=f"{name}.p12")
    root = root_certificate(served_pki.pki.root_pem_path)
    data, _ = sign_document(decision_pdf.read_bytes(), key, level=Level.B_B,
                            services=TrustServices(tsa_url=served_pki.tsa_url,
                                                   trust_roots=(root,)),
                            source="decision.pdf",
                            role=RoleOptions(role="leader",
                                             image=served_pki.pki.leader_signature_path))
    return data


def test_good_certificate_stays_trusted_when_the_responder_is_slow(
        served_pki: RunningPki, decision_pdf: Path, slow_responders: None) -> None:
    data = _sign(served_pki, decision_pdf, "leader")
    report = verify_pdf(data, source="signed.pdf",
                        trust_roots=[root_certificate(served_pki.pki.root_pem_path)],
                        allow_fetching=True)
    assert report.valid, report.to_json()
    assert report.signatures[0].revocation == "good", report.to_json()


def test_revoked_certificate_is_revoked_when_the_responder_is_slow(
        served_pki: RunningPki, decision_pdf: Path, slow_responders: None) -> None:
    name = f"slow-revoked-{secrets.token_hex(3)}"
    issue_certificate(served_pki.directory, name, common_name="Phạm Văn Chậm")
    data = _sign(served_pki, decision_pdf, name)
    revoke_certificate(served_pki.directory, name)
    report = verify_pdf(data, source="signed.pdf",
                        trust_roots=[root_certificate(served_pki.pki.root_pem_path)],
                        allow_fetching=True)
    codes = {item.code for signature in report.signatures for item in signature.reasons}
    assert report.valid is False
    assert "revoked" in codes, report.to_json()
