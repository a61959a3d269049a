"""The dossier's applicant taken from their own application form in one step: the
classifier read the name and personal number off the đơn đề nghị / tờ khai."""

from __future__ import annotations

import unicodedata

from sqlalchemy.orm import Session

from ingest.dossiers import personal_number
from ingest.errors import IntakeInputError
from storage.records import AuditAction, Document, Dossier, append_audit

APPLICANT_FORMS = ("don_de_nghi", "to_khai")
"""Document types the applicant fills in themself: their name and number are the dossier's."""


def applicant_from(document: Document) -> tuple[str, str] | None:
    """The applicant's (name, personal number) a form of :data:`APPLICANT_FORMS` carries,
    or None when the document is not such a form or lacks either field."""
    fields = document.fields or {}
    name, number = str(fields.get("ho_ten") or ""), str(fields.get("so_dinh_danh") or "")
    if document.doc_type not in APPLICANT_FORMS or not name.strip() or not number.strip():
        return None
    return unicodedata.normalize("NFC", name).strip()[:255], number.strip()


def fill_applicant(session: Session, dossier: Dossier, document: Document, *,
                   actor: str) -> Dossier:
    """Take the dossier's applicant from its application form (đơn đề nghị / tờ khai):
    its name and personal number go on the dossier and into the audit entry."""
    if document.dossier_id != dossier.id:
        raise IntakeInputError("the document belongs to another dossier",
                               subject=f"document {document.id}")
    found = applicant_from(document)
    if found is None:
        raise IntakeInputError("the document is not an application form with the "
                               "applicant's name and personal number",
                               subject=f"document {document.id}")
    name, number = found
    before = dossier.applicant_name
    dossier.applicant_name = name
    dossier.applicant_id_number = personal_number(number)
    session.flush()
    append_audit(session, actor=actor, action=AuditAction.dossier_applicant,
                 subject_type="dossier", subject_id=dossier.id,
                 details={"before": before, "after": name, "personal_number": number,
                          "document": document.id})
    return dossier
