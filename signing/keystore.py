"""Key files at rest: envelope encryption of a signer's PKCS#12 under the server's key.

A PKCS#12 is only as strong as its PIN (four digits are tried offline in seconds), so the
service never stores one as uploaded. Each file gets a random 256-bit data key; the file is
encrypted with it (AES-256-GCM) and the data key is wrapped with the server's key-file key
(AES-256-GCM again). A copy of the object store (or of the database) alone is useless: the
server key lives outside both. The PIN is still needed to sign.

Layout (all integers big-endian)::

    magic  b"SOHOAKF"  7 bytes
    version            1 byte   (1)
    key id             8 bytes  (identifies the server key, to name a changed secret)
    wrap nonce        12 bytes
    wrapped data key  48 bytes  (32 + 16-byte tag)
    data nonce        12 bytes
    ciphertext         the rest (with its 16-byte tag)

The header (magic to key id) and the ``context`` (the owner's user id and the certificate's
fingerprint) are associated data of both encryptions: a sealed file moved to another user,
or its header altered, does not open. Files stored before sealing existed are plain PKCS#12
(no magic): :func:`open_key_file` still reads them (see :func:`is_sealed`).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from signing.errors import SigningInputError
from storage.errors import ConfigurationError

MAGIC = b"SOHOAKF"
VERSION = 1
_KEY_ID = 8
_NONCE = 12
_WRAPPED = 32 + 16
_HEADER = len(MAGIC) + 1 + _KEY_ID
_MINIMUM = _HEADER + _NONCE + _WRAPPED + _NONCE + 16
KEY_FILE_INFO = b"sohoa key-file encryption key v1"
"""The HKDF info label of the key-file key (distinct from any other use of the secret)."""


def derive_server_key(secret: bytes, info: bytes = KEY_FILE_INFO) -> bytes:
    """A 256-bit key for ``info`` derived from the service's secret with HKDF-SHA256."""
    if not secret:
        raise ConfigurationError("the server secret is empty", subject="SOHOA_SECRET_KEY")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


@dataclass(frozen=True)
class KeyFileSealer:
    """Seals and opens stored key files with the server's key-file key (32 bytes)."""

    server_key: bytes

    def __post_init__(self) -> None:
        if len(self.server_key) != 32:
            raise ConfigurationError("the key-file key must be 32 bytes",
                                     subject="SOHOA_SECRET_KEY")

    def __repr__(self) -> str:  # never print the key
        return f"KeyFileSealer(key id {self.key_id.hex()})"

    @property
    def key_id(self) -> bytes:
        """A short public identifier of the server key (not usable to recover it)."""
        return hashlib.sha256(b"sohoa key id|" + self.server_key).digest()[:_KEY_ID]

    def seal(self, data: bytes, context: bytes) -> bytes:
        """``data`` encrypted under a fresh data key wrapped by the server key."""
        header = MAGIC + bytes([VERSION]) + self.key_id
        associated = header + b"|" + context
        data_key = AESGCM.generate_key(bit_length=256)
        wrap_nonce, data_nonce = os.urandom(_NONCE), os.urandom(_NONCE)
        wrapped = AESGCM(self.server_key).encrypt(wrap_nonce, data_key, associated)
        body = AESGCM(data_key).encrypt(data_nonce, data, associated)
        return header + wrap_nonce + wrapped + data_nonce + body

    def open(self, blob: bytes, context: bytes, *, source: str) -> bytes:
        """The key file ``blob`` holds: unsealed, or as it is when it was stored plain
        (before sealing). Raises :class:`SigningInputError` when it does not open here."""
        if not is_sealed(blob):
            return blob
        if len(blob) < _MINIMUM or blob[len(MAGIC)] != VERSION:
            raise SigningInputError("the stored key file has an unknown format",
                                    subject=source)
        header = blob[:_HEADER]
        if header[len(MAGIC) + 1:] != self.key_id:
            raise ConfigurationError(
                "the stored key file was sealed under another server key (was "
                "SOHOA_SECRET_KEY or the data directory's secret.key changed?)", subject=source)
        associated = header + b"|" + context
        offset = _HEADER
        wrap_nonce = blob[offset:offset + _NONCE]
        wrapped = blob[offset + _NONCE:offset + _NONCE + _WRAPPED]
        offset += _NONCE + _WRAPPED
        data_nonce, body = blob[offset:offset + _NONCE], blob[offset + _NONCE:]
        try:
            data_key = AESGCM(self.server_key).decrypt(wrap_nonce, wrapped, associated)
            return AESGCM(data_key).decrypt(data_nonce, body, associated)
        except InvalidTag:
            raise SigningInputError("the stored key file was altered or belongs to another "
                                    "user", subject=source) from None


def is_sealed(blob: bytes) -> bool:
    """Whether ``blob`` is a sealed key file (else a plain PKCS#12 stored before sealing)."""
    return blob.startswith(MAGIC)


def key_file_context(user_id: int, fingerprint: str) -> bytes:
    """The associated data binding a sealed key file to its owner and certificate."""
    return f"user={user_id}|sha256={fingerprint}".encode()
