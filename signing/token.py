"""Signing with a key that never leaves a PKCS#11 token or HSM (the officials' USB tokens).

:func:`open_token_signer` opens a session on one token, logs in with the PIN the caller
passes, picks the signing key and its certificate, checks that the certificate may sign
now and really belongs to the key, and yields a pyHanko ``PKCS11Signer``; the session is
closed when the ``with`` block ends. Every failure is one of :mod:`signing.errors`, raised
before anything is signed.

The PKCS#11 module (a shared library) is loaded once per process and path, as
python-pkcs11 requires; repeated opens reuse it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pkcs11
from cryptography import x509
from pkcs11 import Attribute, ObjectClass, TokenFlag
from pkcs11.exceptions import (
    PinIncorrect,
    PinInvalid,
    PinLenRange,
    PinLocked,
    PKCS11Error,
)
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.sign.pkcs11 import PKCS11Signer, select_pkcs11_signing_params
from pyhanko.sign.signers import Signer
from pyhanko_certvalidator.sig_validate import DEFAULT_SIGNATURE_VALIDATOR

from signing.errors import (
    CertificateProblemError,
    SigningError,
    SigningInputError,
    WrongPinError,
)

_MODULES: dict[str, Any] = {}
_MODULES_LOCK = threading.Lock()
_KEY_CHECK_DATA = b"sohoa: does this token key match its certificate?"


@dataclass(frozen=True)
class _TokenObject:
    """A key or certificate found on the token, with the attributes sohoa matches on."""

    handle: Any
    label: str
    id: bytes


def _load_module(module_path: str) -> Any:
    """The python-pkcs11 ``lib`` for ``module_path``, loaded (and initialised) once."""
    path = Path(module_path)
    if not path.is_file():
        raise SigningInputError("no PKCS#11 module file at this path", subject=module_path)
    key = str(path.resolve())
    with _MODULES_LOCK:
        lib = _MODULES.get(key)
        if lib is not None:
            return pkcs11.lib(lib.so)  # the same object; re-initialised if finalised
        try:
            lib = pkcs11.lib(module_path)
        except PKCS11Error as error:
            lib = _loaded_elsewhere(key) if "already initialized" in str(error) else None
            if lib is None:
                raise SigningInputError(
                    f"this file cannot be loaded as a PKCS#11 module: {error}",
                    subject=module_path) from error
        _MODULES[key] = lib
        return lib


def _loaded_elsewhere(resolved: str) -> Any:
    """The ``lib`` python-pkcs11 already holds for the same file under another path (a
    symlink): loading it again fails with "already initialized"."""
    loaded: dict[str, Any] = getattr(pkcs11, "_loaded", {})
    for so, lib in loaded.items():
        if Path(so).resolve() == Path(resolved):
            return lib
    return None


def _find_token(lib: Any, module_path: str, token_label: str) -> Any:
    """The one token labelled ``token_label`` among the module's present tokens."""
    try:
        tokens = [slot.get_token() for slot in lib.get_slots(token_present=True)]
    except PKCS11Error as error:
        raise SigningError(f"the PKCS#11 module cannot list its tokens: {error!r}",
                           subject=module_path) from error
    matching = [token for token in tokens if token.label == token_label]
    if not matching:
        present = ", ".join(repr(token.label) for token in tokens) or "none"
        raise SigningInputError(
            f"no token labelled {token_label!r} in this module (tokens present: {present});"
            " is the USB token plugged in?", subject=module_path)
    if len(matching) > 1:
        raise SigningInputError(
            f"{len(matching)} tokens are labelled {token_label!r}; unplug all but one",
            subject=module_path)
    return matching[0]


def _open_session(token: Any, token_label: str, pin: str) -> Any:
    """A logged-in session on ``token``; PIN failures become :class:`WrongPinError`."""
    subject = f"token {token_label!r}"
    if token.flags & TokenFlag.USER_PIN_LOCKED:
        raise WrongPinError(f"the PIN of token {token_label!r} is locked after too many wrong"
                            " PINs; unblock it with the SO PIN", subject=subject)
    try:
        return token.open(user_pin=pin)
    except PinLocked as error:
        raise WrongPinError(f"the PIN of token {token_label!r} is locked after too many wrong"
                            " PINs; unblock it with the SO PIN", subject=subject) from error
    except (PinIncorrect, PinInvalid, PinLenRange) as error:
        message = f"the PIN is wrong for token {token_label!r}"
        with contextlib.suppress(PKCS11Error):
            if token.slot.get_token().flags & TokenFlag.USER_PIN_FINAL_TRY:
                message += "; one more wrong PIN will lock it"
        raise WrongPinError(message, subject=subject) from error
    except PKCS11Error as error:
        raise SigningError(f"cannot open a session on token {token_label!r}: {error!r}",
                           subject=subject) from error


def _objects(session: Any, object_class: ObjectClass) -> list[_TokenObject]:
    """Every object of ``object_class`` visible in ``session``, with label and ID."""
    found = []
    for obj in session.get_objects({Attribute.CLASS: object_class}):
        attributes = obj.get_attributes([Attribute.LABEL, Attribute.ID])
        label = attributes.get(Attribute.LABEL) or ""
        obj_id = attributes.get(Attribute.ID) or b""
        found.append(_TokenObject(obj, str(label), bytes(obj_id)))
    return found


def _describe(obj: _TokenObject) -> str:
    return repr(obj.label) if obj.label else f"(no label, ID {obj.id.hex()})"


def _select_key(keys: list[_TokenObject], token_label: str,
                key_label: str | None) -> _TokenObject:
    """The private key named ``key_label``, or the token's only one."""
    subject = f"token {token_label!r}"
    labels = ", ".join(_describe(key) for key in keys) or "none"
    if key_label is not None:
        chosen = [key for key in keys if key.label == key_label]
        if not chosen:
            raise SigningInputError(
                f"no private key labelled {key_label!r} on token {token_label!r}"
                f" (keys present: {labels})", subject=subject)
        if len(chosen) > 1:
            raise SigningInputError(
                f"{len(chosen)} private keys are labelled {key_label!r} on token"
                f" {token_label!r}", subject=subject)
        return chosen[0]
    if not keys:
        raise SigningInputError(f"token {token_label!r} holds no private key",
                                subject=subject)
    if len(keys) > 1:
        raise SigningInputError(
            f"token {token_label!r} holds {len(keys)} private keys; say which one to use"
            f" (key labels: {labels})", subject=subject)
    return keys[0]


def _select_certificate(certs: list[_TokenObject], key: _TokenObject, token_label: str,
                        cert_label: str | None) -> _TokenObject:
    """The certificate named ``cert_label``, else the one sharing the key's ID or label."""
    subject = f"token {token_label!r}, key {key.label!r}"
    if cert_label is not None:
        chosen = [cert for cert in certs if cert.label == cert_label]
        wanted = f"labelled {cert_label!r}"
    else:
        chosen = [cert for cert in certs if key.id and cert.id == key.id]
        if len(chosen) != 1:
            chosen = [cert for cert in certs if key.label and cert.label == key.label]
        wanted = f"with the key's ID {key.id.hex()!r} or label {key.label!r}"
    if len(chosen) != 1:
        present = ", ".join(_describe(cert) for cert in certs) or "none"
        how_many = "no certificate" if not chosen else f"{len(chosen)} certificates"
        raise SigningInputError(
            f"{how_many} {wanted} on token {token_label!r} (certificates present: {present})",
            subject=subject)
    return chosen[0]


def _asn1_certificate(der: bytes) -> Any:
    """The DER certificate as the ``asn1crypto`` object pyHanko works with."""
    return next(iter(load_certs_from_pemder_data(der)))


def _is_ca(der: bytes) -> bool:
    """Whether ``der`` is a CA certificate (those go into the signer's chain; other
    signers' certificates on the same token do not)."""
    try:
        constraints = x509.load_der_x509_certificate(der).extensions.get_extension_for_class(
            x509.BasicConstraints)
    except (ValueError, x509.ExtensionNotFound):
        return False
    return bool(constraints.value.ca)


def _check_validity(certificate: x509.Certificate, now: datetime) -> None:
    """Raise :class:`CertificateProblemError` unless ``certificate`` is valid at ``now``."""
    subject = certificate.subject.rfc4514_string()
    start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    dates = f"valid from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"
    if now < start:
        raise CertificateProblemError(f"the certificate is not yet valid ({dates})",
                                      subject=subject)
    if now > end:
        raise CertificateProblemError(f"the certificate has expired ({dates})",
                                      subject=subject)


def _check_key_matches(signer: PKCS11Signer, key: _TokenObject,
                       certificate: Any, subject: str) -> None:
    """Sign a test message with the token key and verify it with the certificate's public
    key, exactly as pyHanko will sign; a mismatch is a :class:`CertificateProblemError`."""
    problem = ("the certificate does not belong to the private key"
               f" {key.label!r} (its public key does not verify the key's signature)")
    try:
        mechanism = signer.get_signature_mechanism_for_digest("sha256")
        spec = select_pkcs11_signing_params(mechanism, "sha256", use_raw_mechanism=False,
                                            sign_kwargs={})
        data = _KEY_CHECK_DATA
        if spec.pre_sign_transform is not None:
            data = spec.pre_sign_transform(data)
        signature = key.handle.sign(data, **spec.sign_kwargs)
        if spec.post_sign_transform is not None:
            signature = spec.post_sign_transform(signature)
        DEFAULT_SIGNATURE_VALIDATOR.validate_signature(
            signature, _KEY_CHECK_DATA, certificate.public_key, mechanism)
    except PKCS11Error as error:
        raise CertificateProblemError(f"{problem}: the token refused the test signature"
                                      f" ({error!r})", subject=subject) from error
    except Exception as error:  # InvalidSignature, key type mismatch, unsupported algorithm
        raise CertificateProblemError(problem, subject=subject) from error


@contextlib.contextmanager
def _token_signer(module_path: str, token_label: str, pin: str, key_label: str | None,
                  cert_label: str | None) -> Iterator[PKCS11Signer]:
    lib = _load_module(module_path)
    token = _find_token(lib, module_path, token_label)
    session = _open_session(token, token_label, pin)
    try:
        try:
            keys = _objects(session, ObjectClass.PRIVATE_KEY)
            certs = _objects(session, ObjectClass.CERTIFICATE)
        except PKCS11Error as error:
            raise SigningError(f"cannot list the objects on token {token_label!r}:"
                               f" {error!r}", subject=f"token {token_label!r}") from error
        key = _select_key(keys, token_label, key_label)
        cert_object = _select_certificate(certs, key, token_label, cert_label)
        try:
            der = bytes(cert_object.handle[Attribute.VALUE])
            certificate = x509.load_der_x509_certificate(der)
            asn1_certificate = _asn1_certificate(der)
            others = [_asn1_certificate(other_der) for other_der in
                      (bytes(cert.handle[Attribute.VALUE]) for cert in certs
                       if cert is not cert_object) if _is_ca(other_der)]
        except (PKCS11Error, ValueError) as error:
            raise CertificateProblemError(
                f"certificate {cert_object.label!r} on token {token_label!r} cannot be read:"
                f" {error}", subject=f"token {token_label!r}") from error
        subject = certificate.subject.rfc4514_string()
        _check_validity(certificate, datetime.now(UTC))
        signer = PKCS11Signer(session, signing_cert=asn1_certificate, ca_chain=others,
                              key_label=key.label, key_id=key.id, other_certs_to_pull=())
        _check_key_matches(signer, key, asn1_certificate, subject)
        yield signer
    finally:
        with contextlib.suppress(PKCS11Error):
            session.close()


def open_token_signer(
    module_path: str,
    *,
    token_label: str,
    pin: str,
    key_label: str | None = None,
    cert_label: str | None = None,
) -> contextlib.AbstractContextManager[Signer]:
    """Open the token labelled ``token_label`` in the PKCS#11 module at ``module_path``,
    log in with ``pin`` and yield a pyHanko signer using its key; close on exit.

    With no ``key_label`` the token must hold exactly one private key. The certificate is
    the one labelled ``cert_label``, else the one with the key's CKA_ID or label; the CA
    certificates on the token (basicConstraints CA) are added to the signer's chain.

    Raises (when the ``with`` block is entered, before anything is signed):
    :class:`SigningInputError` for a missing or invalid module file, an unknown token, key
    or certificate; :class:`WrongPinError` for a wrong or locked PIN;
    :class:`CertificateProblemError` for a certificate that is expired, not yet valid, or
    does not match the key.
    """
    return _token_signer(module_path, token_label, pin, key_label, cert_label)
