"""Search ranking (issue 16 §2), the same on SQLite (FTS5) and PostgreSQL: the exact phrase
first, then the query's diacritics, field hits, proximity; scores meaningful on tiny
collections; the phrase found among more matches than the ranked pool holds."""

from __future__ import annotations

import unicodedata

import pytest

from storage.records import Database
from storage.search import CANDIDATES, SearchHit, search
from tests.storage.records.test_search import add_document, add_dossier, add_unit, find, ids


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


SCATTERED = nfc(
    "Ban Chỉ đạo phường tổ chức lễ ra quân, vận động nhân dân tham gia. Ban Chỉ đạo giao "
    "đoàn thanh niên vận động các hộ gia đình; lễ phát động do Ban Chỉ đạo chủ trì, "
    "vận động quyên góp. Chỉ đạo các tổ dân phố vận động, lễ tổng kết cuối năm."
)
EXACT = nfc(
    "Biên bản họp tổ dân phố số 3. Thành phần: Đồng chí Lê Văn Hùng, Bí thư chi bộ; "
    "bà Nguyễn Thị Lan, tổ trưởng; cùng 25 hộ gia đình. Nội dung: triển khai kế hoạch "
    "năm 2024, thu quỹ khuyến học, vệ sinh môi trường ngõ xóm."
)


@pytest.fixture
def three_dossiers(db: Database) -> dict[str, int]:
    """The issue's stack: three dossiers, the phrase in one document, its words scattered in
    others (with more of them, which bm25 and term counts like)."""
    unit = add_unit(db, "P")
    dossiers = [add_dossier(db, unit) for _ in range(3)]
    found = {"scattered": add_document(db, unit, dossier_id=dossiers[0], doc_type="ke_hoach",
                                       title="ke_hoach ke-hoach.pdf",
                                       body=f"{SCATTERED}\n{SCATTERED}")}
    found["other"] = add_document(
        db, unit, dossier_id=dossiers[1], doc_type="bao_cao", title="bao_cao bao-cao.pdf",
        body=nfc("Đồng chí Trưởng ban Chỉ đạo báo cáo; lễ mít tinh, vận động đoàn viên. "
                 "Văn phòng tổng hợp, vận động các chi hội, lễ kỷ niệm."))
    found["exact"] = add_document(db, unit, dossier_id=dossiers[2], doc_type="bien_ban",
                                  title="bien_ban bien-ban.pdf", body=EXACT)
    return found


@pytest.mark.parametrize("query", ["Dong chi Le Van", "Đồng chí Lê Văn", "đồng chí lê văn",
                                   "DONG CHI LE VAN", "dong chi le va"])
def test_exact_phrase_ranks_first(db: Database, three_dossiers: dict[str, int],
                                  query: str) -> None:
    hits = find(db, query)
    assert ids(hits)[0] == three_dossiers["exact"]
    assert set(ids(hits)) == set(three_dossiers.values())
    assert hits[0].score > hits[1].score >= hits[2].score > 0
    assert nfc("<mark>Đồng chí Lê Văn") in hits[0].snippet


def test_query_diacritics_rank_same_spelling_first(db: Database) -> None:
    unit = add_unit(db, "D")
    solstice = add_document(db, unit, title="thong_bao",
                            body=nfc("Lịch nghỉ tiết Đông chí; Đông chí năm nay rơi vào thứ bảy."))
    comrade = add_document(db, unit, title="bien_ban",
                           body=nfc("Đồng chí Chủ tịch phát biểu khai mạc hội nghị."))
    assert ids(find(db, "đồng chí")) == [comrade, solstice]
    assert ids(find(db, "Đông chí")) == [solstice, comrade]
    assert ids(find(db, "Đồng chi")) == [comrade, solstice]  # one mark is enough to tell
    unaccented = find(db, "dong chi")  # ambiguous: no spelling preferred, both phrases
    assert {hit.document_id for hit in unaccented} == {comrade, solstice}
    accented = find(db, "đồng chí")
    assert accented[0].score > accented[1].score > 0


def test_field_hit_ranks_above_body_hits(db: Database) -> None:
    unit = add_unit(db, "F")
    body_only = add_document(
        db, unit, title="cong_van cong-van.pdf",
        body=nfc("Về việc thu hồi đất: đề nghị phường rà soát thu hồi đất công, báo cáo kết "
                 "quả thu hồi đất trước ngày 30."))
    summary = add_document(
        db, unit, title=nfc("quyet_dinh 15/QĐ-UBND Quyết định về việc thu hồi đất tại phường"),
        body=nfc("Căn cứ Luật Đất đai; xét đề nghị của phòng Tài nguyên và Môi trường, quyết "
                 "định thu hồi 120 m2 đất của hộ ông Trần Văn Bình."))
    hits = find(db, "thu hoi dat")
    assert ids(hits) == [summary, body_only]
    assert hits[0].score > hits[1].score > 0
    number = find(db, "15/QĐ-UBND")
    assert ids(number) == [summary]


def test_words_together_beat_words_scattered(db: Database) -> None:
    unit = add_unit(db, "N")
    filler = " ".join(nfc("kế hoạch năm học mới của trường") for _ in range(12))
    far = add_document(db, unit, title="far",
                       body=nfc(f"Quyền lợi của học sinh. {filler} Sử dụng sân trường; "
                                "quyền và nghĩa vụ, sử dụng đúng mục đích."))
    near = add_document(db, unit, title="near",
                        body=nfc("Giấy chứng nhận quyền được sử dụng đất ở."))
    hits = find(db, "quyen su dung")
    assert ids(hits) == [near, far]
    assert hits[0].score > hits[1].score > 0


def test_a_single_document_has_a_meaningful_score(db: Database) -> None:
    unit = add_unit(db, "S")
    add_document(db, unit, title="don", body=nfc("Đơn đề nghị cấp bản sao trích lục khai sinh."))
    [hit] = find(db, "khai sinh")
    assert hit.score >= 1
    [hit] = find(db, "trích lục khai sinh")
    assert hit.score >= 8  # the exact phrase


def test_phrase_found_among_more_matches_than_the_pool(db: Database) -> None:
    """The phrase sits in the oldest of many documents holding its words apart: the index
    finds it (not only the newest matches are ranked), and paging visits every match once."""
    unit = add_unit(db, "M")
    exact = add_document(db, unit, title="to_trinh", body=EXACT)
    scattered = [add_document(db, unit, title="ke_hoach", body=SCATTERED)
                 for _ in range(CANDIDATES + 30)]
    hits = find(db, "Dong chi Le Van")
    assert hits[0].document_id == exact
    with db.session() as session:
        pages = [search(session, "dong chi le van", limit=50, offset=n)
                 for n in range(0, CANDIDATES + 100, 50)]
    seen = [hit.document_id for page in pages for hit in page]
    assert sorted(seen) == sorted([exact, *scattered])


def test_scores_are_ordered(db: Database, three_dossiers: dict[str, int]) -> None:
    hits: list[SearchHit] = find(db, "van dong")
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert all(hit.score > 0 for hit in hits)
