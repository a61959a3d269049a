"""The one object-key scheme: where each kind of object lives in the store.

Keys are content-addressed (``{prefix}/{sha256}{suffix}``, see :func:`object_key`); this
module only decides the prefixes, so every writer of an object kind uses the same one.
"""

from __future__ import annotations

CLASSIFIER_MODELS = "models/classifier"
"""Trained classifier versions."""


def original_prefix(unit_id: int, dossier_id: int | None) -> str:
    """An uploaded original: under its dossier, or the unit's unassigned tray."""
    return f"dossiers/{dossier_id}" if dossier_id is not None else f"units/{unit_id}/tray"


def document_prefix(unit_id: int, dossier_id: int | None, document_id: int) -> str:
    """Files made from a document (searchable PDF, text, signed versions, reports)."""
    if dossier_id is not None:
        return f"dossiers/{dossier_id}/documents/{document_id}"
    return f"units/{unit_id}/documents/{document_id}"


def stack_prefix(unit_id: int) -> str:
    """A scanned stack, kept as scanned before it is split."""
    return f"units/{unit_id}/stacks"


def key_file_prefix(user_id: int) -> str:
    """A signer's key file (PKCS#12), kept encrypted."""
    return f"keys/users/{user_id}"


def pending_signature_prefix(request_id: int) -> str:
    """The state of an external signature between its two steps."""
    return f"signing/pending/{request_id}"
