"""Search keeps each document's folded text (migration 0011, issue 16 §2 speed) on SQLite and
PostgreSQL: written when a document is indexed, replaced when it is indexed again, removed
with it; rows without it (indexed before the table) rank and snippet the same, folded when
read, and ``rebuild_index`` fills them in; search goes only as far as the page needs."""

from __future__ import annotations

import unicodedata

from sqlalchemy import text

from storage.records import Database
from storage.search import _groups, fold_text, index_document, rebuild_index, remove_document
from tests.storage.records.test_search import add_document, add_unit, find

TITLE = unicodedata.normalize("NFC", "bien_ban Biên bản họp tổ dân phố")
BODY = unicodedata.normalize("NFC", "Thành phần: Đồng chí Lê Văn Hùng, Bí thư chi bộ; "
                                    "bà Nguyễn Thị Lan, tổ trưởng. Ðồng chí Lê Văn Nam.")


def folded_rows(db: Database) -> dict[int, tuple[str, str]]:
    with db.session() as session:
        rows = session.execute(text("SELECT document_id, title, body FROM "
                                    "document_search_folded")).all()
    return {row[0]: (row[1], row[2]) for row in rows}


def test_indexing_keeps_the_folded_text(db: Database) -> None:
    unit = add_unit(db, "K")
    document = add_document(db, unit, title=TITLE, body=BODY)
    assert folded_rows(db) == {document: (fold_text(TITLE), fold_text(BODY))}
    assert "dong chi le van hung" in folded_rows(db)[document][1]
    with db.session() as session:
        index_document(session, document, title="to_trinh", body="Tờ trình số 5")
    assert folded_rows(db) == {document: ("to_trinh", "to trinh so 5")}
    with db.session() as session:
        remove_document(session, document)
    assert folded_rows(db) == {}


def test_rows_without_folded_text_rank_the_same(db: Database) -> None:
    unit = add_unit(db, "R")
    exact = add_document(db, unit, title=TITLE, body=BODY)
    scattered = add_document(db, unit, title="ke_hoach", body=unicodedata.normalize(
        "NFC", "Đồng chí Trưởng ban vận động; chi hội Lê Lợi, Văn phòng tổng hợp."))
    queries = ["Dong chi Le Van", "Đồng chí Lê Văn", "ðong chi le va", "bien ban"]
    stored = {query: find(db, query) for query in queries}
    assert [hit.document_id for hit in stored["Đồng chí Lê Văn"]] == [exact, scattered]
    with db.session() as session:
        session.execute(text("DELETE FROM document_search_folded"))
    for query in queries:  # folded when read: the same hits, scores and snippets
        assert find(db, query) == stored[query]
    with db.session() as session:
        assert rebuild_index(session) == 2
    assert set(folded_rows(db)) == {exact, scattered}
    for query in queries:
        assert find(db, query) == stored[query]


def test_parts_are_looked_up_in_turn() -> None:
    assert _groups([0, 1, 2, 2]) == [[0], [1], [2, 3]]
    assert _groups([0, 0, 1, 1]) == [[0, 1], [2, 3]]
    assert _groups([0, 1]) == [[0], [1]]
    assert _groups([0, 0]) == [[0, 1]]
