"""Sealing the key files stored before sealing existed.

Key files registered since the server key was introduced are stored sealed
(``signing/keystore.py``); older installations still hold plain PKCS#12 files, protected
only by their PIN. :func:`seal_plain_key_files` re-wraps each of them under the server key
in place: a new sealed object, the credential pointed at it, the plain object deleted once
that is committed (``sohoa serve`` runs it at start; ``sohoa keys seal`` on demand).
"""

from __future__ import annotations

import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.keystore import KeyFileSealer, is_sealed, key_file_context
from storage.objects import ObjectStore
from storage.objects.keys import key_file_prefix
from storage.orphans import put_object
from storage.records import AuditAction, SigningCredential, append_audit
from storage.records.db import AFTER_COMMIT


def seal_plain_key_files(session: Session, store: ObjectStore, sealer: KeyFileSealer, *,
                         actor: str = "system") -> list[int]:
    """Seal every stored key file that is still plain; the ids of the credentials sealed.
    The plain objects are deleted after the commit (never before: a crash in between
    leaves the plain file, which ``sohoa fsck`` lists as unreferenced)."""
    sealed_ids: list[int] = []
    plain_keys: list[str] = []
    for credential in session.scalars(select(SigningCredential).order_by(SigningCredential.id)):
        with store.open(credential.object_key) as stream:
            blob = stream.read()
        if is_sealed(blob):
            continue
        sealed = sealer.seal(blob, key_file_context(credential.user_id, credential.fingerprint))
        info = put_object(session, store, key_file_prefix(credential.user_id),
                          io.BytesIO(sealed), suffix=".sealed",
                          content_type="application/octet-stream")
        plain_keys.append(credential.object_key)
        credential.object_key = info.key
        append_audit(session, actor=actor, action=AuditAction.signing_key_sealed,
                     subject_type="user", subject_id=credential.user_id,
                     details={"credential": credential.id,
                              "fingerprint": credential.fingerprint})
        sealed_ids.append(credential.id)
    if plain_keys:
        session.flush()

        def delete_plain(_session: Session) -> None:
            for key in plain_keys:
                store.delete(key)

        session.info.setdefault(AFTER_COMMIT, []).append(delete_plain)
    return sealed_ids
