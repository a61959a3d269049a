"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector + unaccent): folding of case
and Vietnamese diacritics, AND semantics, filters, ranking, snippets, hostile input."""

from __future__ import annotations

import random
import re
import time
import unicodedata
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, inspect, select, text

from storage.errors import BadInputError, NotFoundError
from storage.records import (
    Database,
    Document,
    DocumentStatus,
    Dossier,
    Unit,
)
from storage.search import (
    SearchFilters,
    SearchHit,
    SearchQueryError,
    fold_text,
    index_document,
    remove_document,
    search,
)

MARKED = re.compile("<mark>(.*?)</mark>")
ICT = timezone(timedelta(hours=7))


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def add_unit(db: Database, code: str) -> int:
    with db.session() as session:
        unit = Unit(code=code, name=f"Đơn vị {code}")
        session.add(unit)
        session.flush()
        return unit.id


def add_dossier(db: Database, unit_id: int) -> int:
    with db.session() as session:
        dossier = Dossier(
            unit_id=unit_id,
            procedure_code="1.004227",
            procedure_name="Cấp giấy chứng nhận quyền sử dụng đất",
            applicant_name="Trần Văn Bình",
            processing_days=10,
            received_at=datetime(2024, 5, 6, 9, 0, tzinfo=ICT),
            due_date=date(2024, 5, 20),
        )
        session.add(dossier)
        session.flush()
        return dossier.id


def add_document(
    db: Database,
    unit_id: int,
    *,
    title: str,
    body: str,
    dossier_id: int | None = None,
    doc_type: str | None = None,
    status: DocumentStatus = DocumentStatus.digitised,
    created_at: datetime = datetime(2024, 5, 6, 9, 0, tzinfo=ICT),
) -> int:
    """A document row, indexed with ``title`` and ``body``."""
    with db.session() as session:
        document = Document(
            unit_id=unit_id,
            dossier_id=dossier_id,
            filename=f"{doc_type or 'scan'}-{random.randrange(10**9)}.pdf",
            media_type="application/pdf",
            doc_type=doc_type,
            status=status,
            created_at=created_at,
        )
        session.add(document)
        session.flush()
        index_document(session, document.id, title=title, body=body)
        return document.id


def find(db: Database, query: str, filters: SearchFilters | None = None) -> list[SearchHit]:
    with db.session() as session:
        return search(session, query, filters or SearchFilters())


def ids(hits: list[SearchHit]) -> list[int]:
    return [hit.document_id for hit in hits]


@pytest.fixture
def corpus(db: Database) -> dict[str, int]:
    """A small set of documents in two units, two dossiers, several types, dates, states."""
    ward, city = add_unit(db, "HK-HB"), add_unit(db, "DN")
    first, second = add_dossier(db, ward), add_dossier(db, ward)
    found = {"ward": ward, "city": city, "first": first, "second": second}
    found["land"] = add_document(
        db, ward, dossier_id=first, doc_type="don_de_nghi",
        title="don_de_nghi Đơn đề nghị cấp giấy chứng nhận",
        body="Kính gửi Ủy ban nhân dân phường Hàng Bạc. Tôi nộp hồ sơ đất đai để đề nghị "
        "cấp giấy chứng nhận quyền sử dụng đất. <script>alert('x')</script> & hết.",
        created_at=datetime(2024, 5, 6, 6, 30, tzinfo=ICT),  # 2024-05-05 23:30 UTC
    )
    found["decision"] = add_document(
        db, ward, dossier_id=second, doc_type="quyet_dinh", status=DocumentStatus.signed,
        title="quyet_dinh QUYẾT ĐỊNH 8800/QĐ-SNV",
        body="Quyết định về việc thu hồi đất đai công cộng tại phường Hàng Bạc.",
        created_at=datetime(2024, 6, 1, 10, 0, tzinfo=ICT),
    )
    found["notice"] = add_document(
        db, city, doc_type="thong_bao",
        title="thong_bao THÔNG BÁO",
        body="Thông báo tổ chức hội nghị tại thành phố Đà Nẵng về đất đai.",
        created_at=datetime(2024, 7, 15, 23, 59, tzinfo=ICT),
    )
    found["near"] = add_document(
        db, city, doc_type="bao_cao", status=DocumentStatus.received,
        title="bao_cao Báo cáo",
        body="Dự án NEAR tuyến sông; số liệu AND, OR, NOT ghi nguyên văn.",
        created_at=datetime(2024, 7, 16, 0, 1, tzinfo=ICT),
    )  # fmt: skip
    return found


def test_fold_text() -> None:
    assert fold_text("Đà Nẵng") == "da nang"
    assert fold_text("HỒ SƠ ĐẤT ĐAI") == "ho so dat dai"
    decomposed = unicodedata.normalize("NFD", "Quyết định")
    assert fold_text(decomposed) == fold_text("Quyết định") == "quyet dinh"
    sample = nfc("Ủy ban nhân dân tỉnh Thừa Thiên Huế, ngày 06 tháng 12 năm 2019")
    assert len(fold_text(sample)) == len(sample)


def test_unaccented_query_finds_accented_text(db: Database, corpus: dict[str, int]) -> None:
    assert ids(find(db, "ho so dat dai")) == [corpus["land"]]


def test_upper_case_accented_query(db: Database, corpus: dict[str, int]) -> None:
    assert ids(find(db, "HỒ SƠ ĐẤT ĐAI")) == [corpus["land"]]
    assert ids(find(db, unicodedata.normalize("NFD", "hồ sơ đất đai"))) == [corpus["land"]]


def test_da_nang_either_way(db: Database, corpus: dict[str, int]) -> None:
    assert ids(find(db, "Đà Nẵng")) == ids(find(db, "da nang")) == [corpus["notice"]]
    assert ids(find(db, "DA NANG")) == [corpus["notice"]]


def test_document_number_is_searchable(db: Database, corpus: dict[str, int]) -> None:
    hits = find(db, "8800/QĐ-SNV")
    assert ids(hits) == [corpus["decision"]]
    assert ids(find(db, "qd snv 8800")) == [corpus["decision"]]


def test_word_found_nowhere(db: Database, corpus: dict[str, int]) -> None:
    assert find(db, "khai sinh") == []
    assert find(db, "xyzzy") == []


def test_every_word_must_match(db: Database, corpus: dict[str, int]) -> None:
    assert set(ids(find(db, "dat dai"))) == {corpus["land"], corpus["decision"], corpus["notice"]}
    assert ids(find(db, "dat dai thu hoi")) == [corpus["decision"]]
    assert ids(find(db, "dat dai hoi nghi")) == [corpus["notice"]]
    assert find(db, "thu hoi Đà Nẵng") == []


def test_last_word_matches_as_a_prefix(db: Database, corpus: dict[str, int]) -> None:
    assert ids(find(db, "Đà Nẵ")) == [corpus["notice"]]
    assert ids(find(db, "thanh pho da na")) == [corpus["notice"]]
    assert find(db, "da na ") == []  # a space ends the word


def test_filters(db: Database, corpus: dict[str, int]) -> None:
    everything = {corpus["land"], corpus["decision"], corpus["notice"]}

    def found(**filters: object) -> set[int]:
        return set(ids(find(db, "dat dai", SearchFilters(**filters))))  # type: ignore[arg-type]

    assert found() == everything
    assert found(unit_ids=[corpus["ward"]]) == {corpus["land"], corpus["decision"]}
    assert found(unit_ids={corpus["city"]}) == {corpus["notice"]}
    assert found(unit_ids=[]) == set()
    assert found(doc_type="quyet_dinh") == {corpus["decision"]}
    assert found(doc_type="to_trinh") == set()
    assert found(status="signed") == {corpus["decision"]}
    assert found(status=DocumentStatus.digitised) == {corpus["land"], corpus["notice"]}
    assert found(dossier_id=corpus["first"]) == {corpus["land"]}
    assert found(dossier_id=corpus["second"], unit_ids=[corpus["city"]]) == set()
    # days are Vietnam days, both ends inclusive
    assert found(date_from=date(2024, 5, 6), date_to=date(2024, 5, 6)) == {corpus["land"]}
    assert found(date_to=date(2024, 5, 5)) == set()
    assert found(date_from=date(2024, 6, 1)) == {corpus["decision"], corpus["notice"]}
    assert found(date_from=date(2024, 6, 2), date_to=date(2024, 7, 15)) == {corpus["notice"]}
    assert found(date_from=date(2024, 7, 16)) == set()
    with pytest.raises(SearchQueryError) as caught:
        found(status="emperor")
    assert caught.value.subject == "status"


def test_title_twice_ranks_above_body_once(db: Database) -> None:
    unit = add_unit(db, "R")
    for n in range(6):  # unrelated documents, so the words are rare (bm25's idf > 0)
        add_document(db, unit, title=f"to_trinh Tờ trình số {n}", body="Kế hoạch năm học mới.")
    once = add_document(
        db, unit, title="bao_cao Báo cáo tổng hợp",
        body="Báo cáo tình hình kinh tế xã hội, trong đó có một mục về đất đai và nhà ở.",
    )  # fmt: skip
    twice = add_document(
        db, unit, title="quyet_dinh Quyết định đất đai, điều chỉnh đất đai", body="Nội dung."
    )
    hits = find(db, "dat dai")
    assert ids(hits) == [twice, once]
    assert hits[0].score > hits[1].score > 0


def test_snippet_marks_original_words_and_escapes(db: Database, corpus: dict[str, int]) -> None:
    [hit] = find(db, "ho so dat dai")
    assert nfc("<mark>hồ sơ đất đai</mark>") in hit.snippet
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; hết." in hit.snippet
    assert "<script>" not in hit.snippet
    assert MARKED.findall(hit.snippet) == [nfc("hồ sơ đất đai"), nfc("đất")]
    assert hit.snippet.startswith(nfc("… ban nhân dân phường Hàng Bạc. Tôi nộp <mark>"))
    assert unicodedata.is_normalized("NFC", hit.snippet)
    assert (hit.dossier_id, hit.doc_type) == (corpus["first"], "don_de_nghi")
    assert hit.filename.startswith("don_de_nghi-")
    [hit] = find(db, "dat dai hoi nghi")
    assert nfc("<mark>hội nghị</mark>") in hit.snippet
    assert nfc("<mark>đất đai</mark>") in hit.snippet
    [hit] = find(db, "8800 qd snv")  # only in the title: the snippet comes from it
    assert nfc("<mark>8800/QĐ-SNV</mark>") in hit.snippet


def test_snippet_is_a_window_of_about_thirty_words(db: Database) -> None:
    unit = add_unit(db, "W")
    words = [f"từ{n}" for n in range(300)]
    words[150] = "Đà Nẵng"
    add_document(db, unit, title="Văn bản dài", body="\n".join(words))
    [hit] = find(db, "da nang")
    assert hit.snippet.startswith("… ")
    assert hit.snippet.endswith(" …")
    assert nfc("<mark>Đà Nẵng</mark>") in hit.snippet
    assert 25 <= len(hit.snippet.split()) <= 35
    assert "\n" not in hit.snippet


def test_reindexing_replaces_the_entry(db: Database) -> None:
    unit = add_unit(db, "X")
    document = add_document(db, unit, title="Tờ khai", body="Nội dung cũ về hộ tịch.")
    assert ids(find(db, "ho tich")) == [document]
    with db.session() as session:
        index_document(session, document, title="Tờ khai", body="Nội dung mới về đất đai.")
    assert find(db, "ho tich") == []
    assert ids(find(db, "dat dai moi")) == [document]
    with db.engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM document_search")).scalar_one()
    assert count == 1


def test_remove_document(db: Database, corpus: dict[str, int]) -> None:
    with db.session() as session:
        remove_document(session, corpus["land"])
        remove_document(session, corpus["land"])  # twice is harmless
    assert find(db, "ho so dat dai") == []
    assert corpus["land"] not in ids(find(db, "dat dai"))
    assert corpus["decision"] in ids(find(db, "dat dai"))


def test_deleting_a_document_deletes_its_entry(db: Database, corpus: dict[str, int]) -> None:
    with db.session() as session:
        session.delete(session.get(Document, corpus["notice"]))
    assert find(db, "da nang") == []
    with db.engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM document_search")).scalar_one()
    assert count == 3


def test_indexing_an_unknown_document(db: Database) -> None:
    with pytest.raises(NotFoundError), db.session() as session:
        index_document(session, 424242, title="x", body="y")


@pytest.mark.parametrize(
    "query", ["", "   ", "*", "%", "!!! ...", "'\"();--", "_", "\u0301", "từ " * 3 + "x" * 101]
)
def test_a_query_without_words_is_refused(db: Database, query: str) -> None:
    with pytest.raises(SearchQueryError) as caught, db.session() as session:
        search(session, query)
    assert isinstance(caught.value, BadInputError)
    assert caught.value.subject == "query"


@pytest.mark.parametrize(
    "query",
    ["'; drop table documents; --", '"unbalanced', "NEAR(", "dat*", "dat OR dai", "NOT dat",
     "title:dat", "^dat", "dat + dai", "(dat dai", "dat) AND (dai", "\\x00", "dat\x00dai",
     "a'b", "%dat%", "$$ dat $$", "{dat}", "dat:*", "'dat' & 'dai'", "ho so " * 40],
)  # fmt: skip
def test_hostile_input_is_just_words(db: Database, corpus: dict[str, int], query: str) -> None:
    hits = find(db, query)
    assert all(isinstance(hit, SearchHit) for hit in hits)
    assert ids(find(db, "Đà Nẵng")) == [corpus["notice"]]  # the database is still whole
    assert "documents" in inspect(db.engine).get_table_names()


def test_too_many_words_are_refused(db: Database) -> None:
    with pytest.raises(SearchQueryError, match="more than"), db.session() as session:
        search(session, " ".join(f"từ{n}" for n in range(40)))


def test_operators_are_searched_as_words(db: Database, corpus: dict[str, int]) -> None:
    assert ids(find(db, "NEAR(")) == [corpus["near"]]
    assert ids(find(db, "and or not")) == [corpus["near"]]
    assert find(db, "dat OR nang") == []  # AND of three words, "or" is one of them


def test_paging(db: Database, corpus: dict[str, int]) -> None:
    with db.session() as session:
        every = search(session, "dat dai")
        pages = [search(session, "dat dai", limit=1, offset=n) for n in range(4)]
        with pytest.raises(SearchQueryError):
            search(session, "dat dai", limit=0)
        with pytest.raises(SearchQueryError):
            search(session, "dat dai", offset=-1)
    assert [hit for page in pages for hit in page] == every


VOCABULARY = nfc(
    "hồ sơ đất đai giấy chứng nhận quyền sử dụng nhà ở công dân ủy ban nhân dân phường xã "
    "quận huyện tỉnh thành phố quyết định thông báo kế hoạch báo cáo tờ trình biên bản "
    "đơn đề nghị đăng ký khai sinh kết hôn hộ tịch căn cước thuế phí lệ phí xây dựng "
    "môi trường giáo dục y tế giao thông nông nghiệp kho bạc ngân sách đầu tư"
).split()


def test_two_thousand_documents(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    unit = add_unit(db, "BIG")
    rng = random.Random(7)
    with db.session() as session:
        documents = [
            Document(unit_id=unit, filename=f"scan-{n}.pdf", media_type="application/pdf",
                     status=DocumentStatus.digitised, doc_type=rng.choice(["to_khai", "other"]))
            for n in range(2000)
        ]  # fmt: skip
        session.add_all(documents)
        session.flush()
        for n, document in enumerate(documents):
            body = " ".join(rng.choice(VOCABULARY) for _ in range(300))
            if n % 100 == 0:
                body += " Nơi nhận: Sở Tài nguyên và Môi trường Đà Nẵng."
            index_document(session, document.id, title=f"{document.doc_type} {n}", body=body)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 2000
        started = time.perf_counter()
        common = search(session, "ho so dat dai")
        rare = search(session, "tai nguyen", limit=50)
        filtered = search(session, "dat dai", SearchFilters(doc_type="to_khai"), limit=200)
        elapsed = time.perf_counter() - started
    assert len(common) == 20
    assert len(rare) == 20  # every 100th document
    assert all(nfc("<mark>Tài nguyên</mark>") in hit.snippet for hit in rare)
    assert len(filtered) == 200  # a thousand forms, nearly all with both words
    assert all(hit.doc_type == "to_khai" for hit in filtered)
    with capsys.disabled():
        print(f"\n{db.backend}: three searches over 2,000 documents in {elapsed * 1000:.0f} ms")
