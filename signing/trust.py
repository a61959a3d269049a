"""Trust anchors and the time-stamping service from plain values (files and a URL): one
place for the CLI's signing and verification, the API's and the web pages'."""

from __future__ import annotations

from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

from signing.pades import TrustServices
from storage.errors import BadInputError


def load_trust_roots(paths: list[str]) -> tuple[asn1_x509.Certificate, ...]:
    """Trust anchors from PEM or DER files; a bad file is named."""
    roots: list[asn1_x509.Certificate] = []
    for name in paths:
        path = Path(name)
        try:
            data = path.read_bytes()
            if pem.detect(data):
                roots.extend(asn1_x509.Certificate.load(der)
                             for _, _, der in pem.unarmor(data, multiple=True))
            else:
                roots.append(asn1_x509.Certificate.load(data))
            roots[-1].native  # noqa: B018 - parse now, so a bad file fails here
        except (OSError, ValueError, IndexError) as error:
            raise BadInputError("not a readable certificate (PEM or DER)",
                                subject=name) from error
    return tuple(roots)


def trust_services(tsa_url: str | None, root_files: list[str],
                   pki_dir: Path | None = None) -> TrustServices:
    """The time-stamping service and the trust anchors in ``root_files`` (and the root of
    a demo PKI directory, when one is given)."""
    roots = load_trust_roots(root_files)
    if pki_dir is not None:
        roots += load_trust_roots([str(Path(pki_dir) / "root-ca.pem")])
    return TrustServices(tsa_url=tsa_url, trust_roots=roots)
