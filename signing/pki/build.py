"""Create a demo PKI directory, issue more certificates from it, and revoke them."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from signing.errors import PkiError, SigningInputError
from signing.pki.certs import (
    Issuer,
    make_ocsp_responder,
    make_root,
    make_signer,
    make_tsa,
    person_name,
)
from signing.pki.images import draw_leader_signature, draw_seal
from signing.pki.store import (
    AGENCY_SEAL_PNG,
    DEMO_PASSWORD,
    LEADER_SIGNATURE_PNG,
    OCSP_P12,
    PKI_JSON,
    REVOKED_JSON,
    ROOT_P12,
    ROOT_PEM,
    SERVICE_NAMES,
    TSA_P12,
    DemoPki,
    load_pki,
    open_p12,
    p12_bytes,
    read_json,
    read_registry,
    write_file,
    write_json,
)

__all__ = ["DemoPki", "init_pki", "issue_certificate", "load_pki", "revoke_certificate"]

DEFAULT_AGENCY = "UỶ BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"
DEFAULT_BASE_URL = "http://127.0.0.1:8790"
LEADER_NAME = "Nguyễn Văn An"
LEADER_TITLE = "Chủ tịch"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_REASONS = frozenset(flag.name for flag in x509.ReasonFlags)


def _entry(file: str, cert: x509.Certificate, role: str) -> dict[str, Any]:
    return {"file": file, "serial": format(cert.serial_number, "x"),
            "subject": cert.subject.rfc4514_string(), "role": role,
            "not_before": cert.not_valid_before_utc.isoformat(),
            "not_after": cert.not_valid_after_utc.isoformat()}


def init_pki(directory: Path, *, password: str = DEMO_PASSWORD, agency: str = DEFAULT_AGENCY,
             base_url: str = DEFAULT_BASE_URL) -> DemoPki:
    """Create a complete, self-contained demo PKI in ``directory`` (see the module
    :mod:`signing.pki`) and return it loaded. An existing PKI is never overwritten."""
    directory = Path(directory)
    agency = unicodedata.normalize("NFC", agency.strip())
    base_url = base_url.rstrip("/")
    if not agency:
        raise SigningInputError("the agency name is empty", subject="--agency")
    if not re.match(r"https?://[^/\s]+", base_url):
        raise SigningInputError("not an http(s) URL", subject=base_url)
    if not password:
        raise SigningInputError("the password is empty", subject="--password")
    names = (PKI_JSON, REVOKED_JSON, ROOT_PEM, ROOT_P12, TSA_P12, OCSP_P12, "leader.p12",
             "clerk.p12", LEADER_SIGNATURE_PNG, AGENCY_SEAL_PNG)
    if (directory / PKI_JSON).exists():
        raise PkiError("already holds a demo PKI; it is not overwritten", subject=str(directory))
    existing = [name for name in names if (directory / name).exists()]
    if existing:
        raise PkiError(f"already contains {existing[0]}; it is not overwritten",
                       subject=str(directory))
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PkiError(f"cannot be created: {error.strerror}", subject=str(directory)) from None

    root_key, root = make_root(agency)
    issuer = Issuer(cert=root, key=root_key, base_url=base_url)
    leader_key, leader = make_signer(issuer, person_name(LEADER_NAME, agency, LEADER_TITLE))
    clerk_key, clerk = make_signer(issuer, person_name(agency, agency))
    tsa_key, tsa = make_tsa(issuer)
    ocsp_key, ocsp = make_ocsp_responder(issuer)

    write_file(directory / ROOT_PEM, root.public_bytes(serialization.Encoding.PEM))
    for file, name, key, cert in ((ROOT_P12, "root-ca", root_key, root),
                                  ("leader.p12", "leader", leader_key, leader),
                                  ("clerk.p12", "clerk", clerk_key, clerk),
                                  (TSA_P12, "tsa", tsa_key, tsa),
                                  (OCSP_P12, "ocsp", ocsp_key, ocsp)):
        extra = [] if cert is root else [root]
        write_file(directory / file, p12_bytes(name, key, cert, extra, password), private=True)
    write_file(directory / LEADER_SIGNATURE_PNG, draw_leader_signature())
    write_file(directory / AGENCY_SEAL_PNG, draw_seal(agency))
    write_json(directory / REVOKED_JSON, [])
    write_json(directory / PKI_JSON, {
        "version": 1, "base_url": base_url, "agency": agency,
        "trust_anchor": ROOT_PEM,
        "images": {"leader_signature": LEADER_SIGNATURE_PNG, "agency_seal": AGENCY_SEAL_PNG},
        "services": {"tsa": f"{base_url}/tsa", "ocsp": f"{base_url}/ocsp",
                     "crl": f"{base_url}/crl/root.crl"},
        "certificates": {
            "root-ca": _entry(ROOT_PEM, root, "root"),
            "leader": _entry("leader.p12", leader, "leader"),
            "clerk": _entry("clerk.p12", clerk, "agency"),
            "tsa": _entry(TSA_P12, tsa, "tsa"),
            "ocsp": _entry(OCSP_P12, ocsp, "ocsp"),
        },
    })
    return load_pki(directory, password)


def issue_certificate(directory: Path, name: str, *, common_name: str,
                      organisation: str | None = None, not_before: datetime | None = None,
                      not_after: datetime | None = None,
                      password: str = DEMO_PASSWORD) -> Path:
    """Issue another signing certificate from the PKI's root into ``DIR/{name}.p12``
    (e.g. an expired or a not-yet-valid one, for tests) and record it in ``pki.json``."""
    directory = Path(directory)
    if not _NAME.fullmatch(name) or name in SERVICE_NAMES:
        raise PkiError("not a usable certificate name (lower-case letters, digits, - and _; "
                       "not root-ca, tsa or ocsp)", subject=name)
    registry_path = directory / PKI_JSON
    data = read_json(registry_path)
    registry = read_registry(registry_path)
    if name in registry.certificates:
        raise PkiError(f"already issued in {directory}; it is not overwritten", subject=name)
    if not_before and not_after and not_after <= not_before:
        raise SigningInputError("not_after is not after not_before", subject=name)
    root_key, root = open_p12(directory / ROOT_P12, password)
    issuer = Issuer(cert=root, key=root_key, base_url=registry.base_url)
    organisation = registry.agency if organisation is None else organisation
    key, cert = make_signer(issuer, person_name(common_name, organisation),
                            not_before=not_before, not_after=not_after)
    path = directory / f"{name}.p12"
    write_file(path, p12_bytes(name, key, cert, [root], password), private=True)
    data["certificates"][name] = _entry(path.name, cert, "signer")
    write_json(registry_path, data)
    return path


def revoke_certificate(directory: Path, name: str, *, reason: str = "key_compromise",
                       when: datetime | None = None,
                       password: str = DEMO_PASSWORD) -> None:
    """Revoke a certificate of the PKI (recorded in ``revoked.json``; the running services
    report it at once). The password must open the root's key: only the CA revokes."""
    directory = Path(directory)
    registry = read_registry(directory / PKI_JSON)
    entry = registry.certificates.get(name)
    if entry is None or name == "root-ca":
        known = ", ".join(sorted(set(registry.certificates) - {"root-ca"}))
        raise PkiError(f"no such certificate in {directory} (known: {known})", subject=name)
    if reason not in _REASONS or reason == "remove_from_crl":
        raise SigningInputError(f"not a revocation reason (one of: "
                                f"{', '.join(sorted(_REASONS - {'remove_from_crl'}))})",
                                subject=reason)
    open_p12(directory / ROOT_P12, password)
    when = (when or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    revoked_path = directory / REVOKED_JSON
    entries = read_json(revoked_path) if revoked_path.exists() else []
    if any(item.get("serial") == entry["serial"] for item in entries):
        return
    entries.append({"name": name, "serial": entry["serial"], "time": when.isoformat(),
                    "reason": reason})
    write_json(revoked_path, entries)
