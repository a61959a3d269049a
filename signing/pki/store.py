"""The files of a demo PKI directory and :class:`DemoPki`, what its trust services need.

A directory holds ``pki.json`` (base URL, agency, the certificates issued), ``revoked.json``
(the revocations), ``root-ca.pem`` (the trust anchor) and one PKCS#12 file per key, all
encrypted with the PKI's password. :func:`load_pki` opens it once; the issued serials and
the revocations are re-read whenever their file changes, so ``sohoa pki revoke`` takes
effect in a running ``sohoa pki serve`` at once.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from signing.errors import PkiError, WrongPinError

PKI_JSON = "pki.json"
REVOKED_JSON = "revoked.json"
ROOT_PEM = "root-ca.pem"
ROOT_P12 = "root-ca.p12"
TSA_P12 = "tsa.p12"
OCSP_P12 = "ocsp.p12"
LEADER_SIGNATURE_PNG = "leader-signature.png"
AGENCY_SEAL_PNG = "agency-seal.png"
SERVICE_NAMES = ("root-ca", "tsa", "ocsp")
DEMO_PASSWORD = "1234"  # noqa: S105 - the documented default of a demo PKI
_KDF_ROUNDS = 20_000

T = TypeVar("T")


@dataclass(frozen=True)
class Revocation:
    """One revoked certificate: when, and why (an :class:`x509.ReasonFlags` name)."""

    name: str
    serial: int
    time: datetime
    reason: str


class _FileCache(Generic[T]):
    """A file's parsed content, parsed again only when its mtime or size changes."""

    def __init__(self, path: Path, parse: Callable[[Path], T]) -> None:
        self._path = path
        self._parse = parse
        self._stamp: tuple[int, int] | None = None
        self._value: T | None = None

    def get(self) -> T:
        try:
            stat = self._path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            stamp = (-1, -1)
        if stamp != self._stamp or self._value is None:
            self._value, self._stamp = self._parse(self._path), stamp
        return self._value


@dataclass(frozen=True)
class Registry:
    """What ``pki.json`` says: base URL, agency, and each certificate's file, serial, subject."""

    base_url: str
    agency: str
    certificates: Mapping[str, Mapping[str, Any]]

    @property
    def serials(self) -> frozenset[int]:
        """Serial numbers of every certificate the root issued (not the root's own)."""
        return frozenset(int(entry["serial"], 16) for name, entry in self.certificates.items()
                         if name != "root-ca")


def read_registry(path: Path) -> Registry:
    """Parse ``pki.json``; a missing or damaged file is a :class:`PkiError` naming it."""
    data = read_json(path)
    try:
        return Registry(base_url=str(data["base_url"]), agency=str(data["agency"]),
                        certificates=dict(data["certificates"]))
    except (KeyError, TypeError) as error:
        raise PkiError(f"not a demo PKI description (missing {error})", subject=str(path)) \
            from None


def read_revocations(path: Path) -> dict[int, Revocation]:
    """Parse ``revoked.json`` (missing: nothing revoked) into revocations by serial."""
    if not path.exists():
        return {}
    entries = read_json(path)
    try:
        revocations = [Revocation(name=str(item["name"]), serial=int(item["serial"], 16),
                                  time=datetime.fromisoformat(item["time"]),
                                  reason=str(item["reason"])) for item in entries]
    except (KeyError, TypeError, ValueError) as error:
        raise PkiError(f"damaged revocation list ({error})", subject=str(path)) from None
    return {revocation.serial: revocation for revocation in revocations}


def read_json(path: Path) -> Any:
    """A JSON file's content, or a :class:`PkiError` naming the file."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PkiError("missing: not a demo PKI directory (run `sohoa pki init`)",
                       subject=str(path)) from None
    except (OSError, ValueError) as error:
        raise PkiError(f"cannot be read: {error}", subject=str(path)) from None


def write_file(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write ``data`` atomically (readers never see half a file); ``private``: mode 0600."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o600 if private else 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented UTF-8 JSON, atomically."""
    write_file(path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def p12_bytes(name: str, key: rsa.RSAPrivateKey, cert: x509.Certificate,
              extra: list[x509.Certificate], password: str) -> bytes:
    """A PKCS#12 file (PBES2 AES-256-CBC, PBKDF2 and MAC with SHA-256) that both pyHanko
    and ``cryptography`` open."""
    encryption = (serialization.PrivateFormat.PKCS12.encryption_builder()
                  .kdf_rounds(_KDF_ROUNDS)
                  .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
                  .hmac_hash(hashes.SHA256())
                  .build(password.encode("utf-8")))
    return pkcs12.serialize_key_and_certificates(name.encode("utf-8"), key, cert, extra or None,
                                                 encryption)


def open_p12(path: Path, password: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The RSA key and certificate of a PKCS#12 file; a wrong password is a
    :class:`WrongPinError`, a missing file a :class:`PkiError`, both naming the file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PkiError("missing: the demo PKI is incomplete", subject=str(path)) from None
    except OSError as error:
        raise PkiError(f"cannot be read: {error.strerror}", subject=str(path)) from None
    try:
        key, cert, _ = pkcs12.load_key_and_certificates(data, password.encode("utf-8"))
    except ValueError:
        raise WrongPinError("the password does not open it (or the file is damaged)",
                            subject=str(path)) from None
    if not isinstance(key, rsa.RSAPrivateKey) or cert is None:
        raise PkiError("does not hold an RSA key and its certificate", subject=str(path))
    return key, cert


@dataclass
class DemoPki:
    """A loaded demo PKI: the root, the time-stamping and OCSP keys, and its files."""

    directory: Path
    base_url: str
    agency: str
    root_cert: x509.Certificate
    root_key: rsa.RSAPrivateKey
    tsa_cert: x509.Certificate
    tsa_key: rsa.RSAPrivateKey
    ocsp_cert: x509.Certificate
    ocsp_key: rsa.RSAPrivateKey
    _registry: _FileCache[Registry] = field(init=False, repr=False)
    _revoked: _FileCache[dict[int, Revocation]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._registry = _FileCache(self.directory / PKI_JSON, read_registry)
        self._revoked = _FileCache(self.directory / REVOKED_JSON, read_revocations)

    @property
    def root_pem_path(self) -> Path:
        """The trust anchor, ``root-ca.pem``."""
        return self.directory / ROOT_PEM

    @property
    def leader_signature_path(self) -> Path:
        """The leader's handwritten signature image (blue, transparent PNG)."""
        return self.directory / LEADER_SIGNATURE_PNG

    @property
    def agency_seal_path(self) -> Path:
        """The agency's round seal image (red, transparent PNG)."""
        return self.directory / AGENCY_SEAL_PNG

    def p12_path(self, name: str) -> Path:
        """The PKCS#12 file of a named certificate (``leader``, ``clerk``, ...)."""
        return self.directory / f"{name}.p12"

    @property
    def tsa_url(self) -> str:
        """Where ``sohoa pki serve`` answers RFC 3161 time-stamp requests."""
        return f"{self.base_url}/tsa"

    @property
    def ocsp_url(self) -> str:
        """Where ``sohoa pki serve`` answers OCSP requests."""
        return f"{self.base_url}/ocsp"

    @property
    def crl_url(self) -> str:
        """Where ``sohoa pki serve`` publishes the root's CRL."""
        return f"{self.base_url}/crl/root.crl"

    def issued_serials(self) -> frozenset[int]:
        """Serials of every certificate the root issued (re-read when ``pki.json`` changes)."""
        return self._registry.get().serials

    def revocations(self) -> Mapping[int, Revocation]:
        """The revoked certificates by serial (re-read when ``revoked.json`` changes)."""
        return self._revoked.get()


def load_pki(directory: Path, password: str = DEMO_PASSWORD) -> DemoPki:
    """Open a demo PKI made by :func:`signing.pki.build.init_pki` with its password."""
    directory = Path(directory)
    if not directory.is_dir():
        raise PkiError("no such directory", subject=str(directory))
    registry = read_registry(directory / PKI_JSON)
    root_key, root_cert = open_p12(directory / ROOT_P12, password)
    try:
        anchor = x509.load_pem_x509_certificate((directory / ROOT_PEM).read_bytes())
    except FileNotFoundError:
        raise PkiError("missing: the demo PKI is incomplete",
                       subject=str(directory / ROOT_PEM)) from None
    except ValueError:
        raise PkiError("not a PEM certificate", subject=str(directory / ROOT_PEM)) from None
    if anchor != root_cert:
        raise PkiError(f"is not the certificate in {ROOT_P12}", subject=str(directory / ROOT_PEM))
    tsa_key, tsa_cert = open_p12(directory / TSA_P12, password)
    ocsp_key, ocsp_cert = open_p12(directory / OCSP_P12, password)
    return DemoPki(directory=directory, base_url=registry.base_url, agency=registry.agency,
                   root_cert=root_cert, root_key=root_key, tsa_cert=tsa_cert, tsa_key=tsa_key,
                   ocsp_cert=ocsp_cert, ocsp_key=ocsp_key)
