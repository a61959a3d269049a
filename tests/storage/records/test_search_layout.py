"""How search reaches PostgreSQL (issue 16 §2 speed): its rows stay narrow (migration 0012:
a GIN lookup reads each match's row), and one query asks the planner once about all its
kinds; the same hits whether or not a filter joins the documents, on both databases."""

from __future__ import annotations

import random
import unicodedata

import pytest
import sqlalchemy as sa

from storage.records import Database
from storage.search import SearchFilters, _few_matches, _parse, search
from tests.storage.records.test_search import add_document, add_unit, find, ids

WORDS = unicodedata.normalize(
    "NFC",
    "ủy ban nhân dân phường quyết định đất đai hồ sơ cấp giấy chứng nhận thu hồi "
    "bồi thường tái định cư kế hoạch triển khai kiểm tra giám sát đồng chí chủ tịch",
).split()

POSTGRES_ONLY = pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.servers)])
"""Run on PostgreSQL only (the ``backend`` fixture's SQLite case would have nothing to test)."""


def long_body(rng: random.Random) -> str:
    """About 600 words: a row over PostgreSQL's 2 KB, whose text compresses only so far."""
    return " ".join(f"{rng.choice(WORDS)} {rng.randrange(1000)}" for _ in range(300))


@POSTGRES_ONLY  # a PostgreSQL table's layout
def test_postgres_rows_keep_long_values_out_of_line(db: Database) -> None:
    rng, unit = random.Random(12), add_unit(db, "L")
    for _ in range(30):
        add_document(
            db, unit, title="bao_cao " + " ".join(rng.choices(WORDS, k=12)), body=long_body(rng)
        )
    with db.session() as session:
        pages = session.scalar(sa.text("SELECT pg_relation_size('document_search') / 8192"))
        stored = session.scalar(sa.text("SELECT min(length(body)) FROM document_search"))
    assert stored > 2000  # the text is all there, out of line
    assert pages == 1  # inline, the title and body filled 8 pages (~2 KB a row)


@POSTGRES_ONLY  # PostgreSQL's planner
def test_the_planner_is_asked_once_for_every_kind(db: Database) -> None:
    unit = add_unit(db, "P")
    for n in range(3):
        add_document(db, unit, title=f"bien_ban {n}", body=f"Đồng chí Lê Văn Hùng {n}")
    seen: list[str] = []
    sa.event.listen(
        db.engine, "before_cursor_execute", lambda _c, _k, statement, *_: seen.append(statement)
    )
    kinds = _parse("dong chi le va").kinds(postgres=True)
    with db.session() as session:
        assert _few_matches(session, kinds) == set(range(len(kinds)))  # 3 rows: few
        seen.clear()
        hits = search(session, "dong chi le va")
    assert len(hits) == 3
    assert sum(statement.startswith("EXPLAIN") for statement in seen) == 1


def test_a_filter_gives_the_same_hits_as_without_it(db: Database) -> None:
    rng = random.Random(3)
    units = [add_unit(db, "F1"), add_unit(db, "F2")]
    found = [add_document(db, units[n % 2], title=f"cong_van {n}", body=long_body(rng))
             for n in range(12)]  # fmt: skip
    query = f"{WORDS[0]} {WORDS[1]}"
    every = ids(find(db, query))
    assert set(every) <= set(found)
    assert every  # 12 bodies of 400 words from a few dozen: every pair is there
    both = ids(find(db, query, SearchFilters(unit_ids=units)))
    assert both == every
    first = ids(find(db, query, SearchFilters(unit_ids=[units[0]])))
    assert first == [document for document in every if found.index(document) % 2 == 0]
