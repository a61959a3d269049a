"""``rebuild_index`` (issue 16 §2): rows written by older code get today's lexemes (on
PostgreSQL, rows indexed before word pairs could not be found as a phrase, so a document
holding the phrase in its title ranked below one holding it in its body), and titles made
afresh (the dossier's applicant), with progress, on both databases."""

from __future__ import annotations

import sqlalchemy as sa

from ingest.indexing import search_title
from storage.records import Database
from storage.search import WORD, fold_text, rebuild_index
from tests.storage.records.test_search import add_document, add_dossier, add_unit, find, ids
from tests.storage.records.test_search_ranking import EXACT, nfc


def test_old_rows_rank_their_phrase_again_after_rebuild(db: Database, backend: str) -> None:
    unit = add_unit(db, "R")
    in_title = add_document(db, unit, title=nfc("bien_ban Đồng chí Lê Văn Hùng"), body=EXACT)
    in_body = add_document(db, unit, title="bao_cao", body=EXACT)
    if backend == "postgresql":  # as the code before word pairs wrote it: the words only
        with db.session() as session:
            session.execute(sa.text(
                "UPDATE document_search SET folded = array_to_tsvector(string_to_array("
                ":words, ' ')) WHERE document_id = :id"),
                {"id": in_title, "words": " ".join(sorted(set(WORD.findall(fold_text(
                    nfc("bien_ban Đồng chí Lê Văn Hùng ") + EXACT)))))})
        assert ids(find(db, "dong chi le van")) == [in_body, in_title]
    seen: list[tuple[int, int]] = []
    with db.session() as session:
        assert rebuild_index(session, progress=lambda done, total: seen.append((done, total)),
                             batch=1) == 2
    assert seen == [(0, 2), (1, 2), (2, 2)]
    assert ids(find(db, "dong chi le van")) == [in_title, in_body]
    if backend == "postgresql":
        with db.session() as session:
            lexemes = session.scalar(sa.text(
                "SELECT tsvector_to_array(folded) FROM document_search WHERE document_id = :id"),
                {"id": in_title})
        assert {"dong chi", "=dong chi", "le van"} <= set(lexemes)


def test_rebuild_makes_titles_afresh(db: Database) -> None:
    unit = add_unit(db, "T")
    dossier = add_dossier(db, unit)  # applicant Trần Văn Bình
    document = add_document(db, unit, dossier_id=dossier, doc_type="don",
                            title="don scan.pdf", body="Đơn đề nghị cấp giấy chứng nhận.")
    assert find(db, "Trần Văn Bình") == []
    with db.session() as session:
        assert rebuild_index(session, search_title) == 1
    [hit] = find(db, "Trần Văn Bình")
    assert hit.document_id == document
    assert hit.score >= 8 + 4 + 2  # the phrase, as typed, in the title
    assert ids(find(db, "cap giay chung nhan")) == [document]  # the body kept
