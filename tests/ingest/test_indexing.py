"""The search title of a document: its fields and its dossier's applicant rank above the
same words in another document's body (issue 16 §2), on SQLite and PostgreSQL."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta, timezone

from ingest.indexing import reindex, search_title
from storage.records import Database, Document, DocumentStatus, Dossier
from storage.search import search


def test_applicant_and_fields_rank_above_body(db: Database, unit_id: int) -> None:
    applicant = unicodedata.normalize("NFC", "Nguyễn Thị Hoa")
    with db.session() as session:
        dossier = Dossier(unit_id=unit_id, procedure_code="1.001", procedure_name="Khai sinh",
                          applicant_name=applicant, processing_days=5,
                          received_at=datetime(2024, 5, 6, 9, tzinfo=timezone(timedelta(hours=7))),
                          due_date=date(2024, 5, 13))
        session.add(dossier)
        session.flush()
        mentioned = Document(unit_id=unit_id, filename="bien-ban.pdf",
                             media_type="application/pdf", status=DocumentStatus.digitised)
        filed = Document(unit_id=unit_id, dossier_id=dossier.id, filename="to-khai.pdf",
                         media_type="application/pdf", status=DocumentStatus.digitised,
                         doc_type="to_khai", fields={"so_ky_hieu": "12/TK"})
        session.add_all([mentioned, filed])
        session.flush()
        reindex(session, mentioned, f"Biên bản: bà {applicant} trình bày; bà {applicant} ký.")
        reindex(session, filed, "Tờ khai đăng ký khai sinh.")
        assert applicant in search_title(filed)
        hits = search(session, "nguyen thi hoa")
        assert [hit.document_id for hit in hits] == [filed.id, mentioned.id]
        assert [hit.document_id for hit in search(session, "12/TK")] == [filed.id]
