"""Search speed over 100,000 generated documents on PostgreSQL: p50/p95 of 1-4 syllable
queries, ``storage.search.search`` beside the previous code's ranking query, one run.

    .venv/bin/python benchmarks/search_speed.py [--documents 100000] [--queries 60]
        [--url postgresql://postgres@127.0.0.1:5432/postgres] [--keep] [--reuse]
        [--against COMMIT [--wide-before]] [--no-rank-cd]

A scratch database ``sohoa_bench_search`` is created on that server (dropped first if a run
left it) and dropped at the end (``--keep`` leaves it; ``--reuse`` measures one a kept run left,
without building, after upgrading its schema (migration 0012 rewrites a kept database's
rows: ~1.5 min) and writing the folded text a database kept before migration 0011 lacks).
Documents: Vietnamese administrative text drawn from a vocabulary with Zipf-like
frequencies (about 150-400 syllables each, a title with type, number/symbol, summary and a
name), indexed with ``storage.search``'s own lexemes and folded text. Beside them, a table
indexed as before this change (weighted ``to_tsvector`` of the folded text) answers the
previous ranking query (``ts_rank_cd`` of every match, first 20 rows, snippets cut the
same way). Queries: 1-4 consecutive syllables of random documents, half typed with
their diacritics, half without; each query runs once per side, the sides taking turns
at going first (the first run of a query warms the caches for the others).
``--wide-before`` runs ``--against``'s code on a copy of ``document_search`` laid out as
before migration 0012 (title and body inline: schema ``bench_before``, made once), so the
older side is measured with the older table too.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from psycopg import sql  # noqa: E402

from storage.records import (  # noqa: E402
    Database,
    DatabaseConfig,
    Document,
    Unit,
    open_database,
    upgrade_schema,
)
from storage.records.vocabulary import DocumentStatus  # noqa: E402
from storage.search import (  # noqa: E402
    WORD,
    _clean,
    _indexed,
    _parse,
    _snippet,
    fold_text,
    lexemes,
    search,
)

NAME = "sohoa_bench_search"
WORDS = unicodedata.normalize("NFC", (
    "ủy ban nhân dân|phường|xã|quận|huyện|tỉnh|thành phố|quyết định|thông báo|kế hoạch|"
    "báo cáo|tờ trình|công văn|biên bản|hồ sơ|đất đai|giấy chứng nhận|quyền sử dụng đất|"
    "nhà ở|công dân|đăng ký|khai sinh|kết hôn|hộ tịch|căn cước|thuế|lệ phí|xây dựng|"
    "môi trường|giáo dục|y tế|giao thông|nông nghiệp|kho bạc|ngân sách|đầu tư|dự án|"
    "triển khai|thực hiện|theo dõi|kiểm tra|giám sát|đề nghị|chỉ đạo|vận động|tuyên truyền|"
    "đồng chí|cán bộ|công chức|viên chức|chủ tịch|phó chủ tịch|bí thư|đảng ủy|chi bộ|"
    "mặt trận tổ quốc|đoàn thanh niên|hội phụ nữ|cựu chiến binh|nhân dân|hộ gia đình|"
    "tổ dân phố|khu dân cư|an ninh|trật tự|phòng cháy|chữa cháy|thiên tai|bão lũ|"
    "năm|tháng|ngày|các|của|và|theo|về|việc|tại|trên|địa bàn|đối với|trong|được|có|không|"
    "những|để|cho|với|này|đã|sẽ|phải|cần|đúng|quy định|pháp luật|nghị định|thông tư|"
    "chính phủ|bộ|sở|phòng|ban|ngành|đơn vị|cơ quan|tổ chức|cá nhân|doanh nghiệp|hợp tác xã|"
    "kinh tế|xã hội|văn hóa|thể thao|du lịch|lao động|việc làm|bảo hiểm|chính sách|"
    "người có công|thương binh|liệt sĩ|hộ nghèo|cận nghèo|trợ cấp|hỗ trợ|kinh phí|"
    "thu hồi|bồi thường|giải phóng mặt bằng|tái định cư|quy hoạch|cấp phép|thẩm định|"
    "phê duyệt|ban hành|sửa đổi|bổ sung|thay thế|hiệu lực|thi hành|tổng hợp|kết quả|"
    "tình hình|nhiệm vụ|giải pháp|trọng tâm|năm học|trường|học sinh|giáo viên|bệnh viện|"
    "trạm y tế|tiêm chủng|dịch bệnh|vệ sinh|an toàn thực phẩm|nước sạch|điện|đường|cầu|"
    "kênh|mương|đê điều|thủy lợi|lúa|cây trồng|vật nuôi|rừng|khoáng sản|tài nguyên"
)).split("|")
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
            "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hùng", "Hoa", "Lan", "Mai", "Nam", "Phúc", "Quang", "Sơn",
         "Tâm", "Tuấn", "Vy", "Yến"]
TYPES = ["quyet_dinh", "cong_van", "thong_bao", "ke_hoach", "bao_cao", "to_trinh", "bien_ban"]
SYMBOLS = ["QĐ-UBND", "UBND-VP", "TB-UBND", "KH-UBND", "BC-UBND", "TTr-UBND", "BB-UBND"]


def name(rng: random.Random) -> str:
    """A Vietnamese person's name."""
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def document(rng: random.Random, weights: list[float], n: int) -> tuple[str, str, str]:
    """(doc_type, title, body) of generated document ``n``."""
    kind = rng.randrange(len(TYPES))
    summary = " ".join(rng.choices(WORDS, weights, k=rng.randint(4, 9)))
    title = (f"{TYPES[kind]} scan-{n}.pdf {n % 9000 + 1}/{SYMBOLS[kind]} Về việc {summary} "
             f"{name(rng)}")
    sentences = []
    for _ in range(rng.randint(8, 22)):
        words = rng.choices(WORDS, weights, k=rng.randint(6, 14))
        if rng.random() < 0.08:
            words.insert(rng.randrange(len(words)), f"đồng chí {name(rng)}")
        sentences.append(" ".join(words).capitalize() + ".")
    return TYPES[kind], unicodedata.normalize("NFC", title), " ".join(sentences)


def tsvector(values: list[str]) -> str:
    """The text form of a tsvector of these lexemes (letters, digits, spaces, '=')."""
    return " ".join(f"'{value}'" for value in values)


def build(db: Database, url: str, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Insert ``count`` documents and both indexes; return some (title, body) to query."""
    weights = [1 / (rank + 8) for rank in range(len(WORDS))]
    rng.shuffle(weights)
    with db.session() as session:
        unit = Unit(code="BENCH", name="Đơn vị đo")
        session.add(unit)
        session.flush()
        unit_id = unit.id
    samples: list[tuple[str, str]] = []
    started = time.perf_counter()
    libpq = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq) as connection:
        for batch in range(0, count, 5000):
            rows = [document(rng, weights, n) for n in range(batch, min(count, batch + 5000))]
            with db.session() as session:
                ids = session.scalars(sa.insert(Document).returning(Document.id), [
                    {"unit_id": unit_id, "filename": f"scan-{batch + k}.pdf",
                     "media_type": "application/pdf", "doc_type": kind,
                     "status": DocumentStatus.digitised} for k, (kind, _, _) in enumerate(rows)
                ]).all()  # fmt: skip
            copy_rows(connection, [(document_id, title, body) for document_id, (_, title, body)
                                   in zip(ids, rows, strict=True)])  # fmt: skip
            samples += [(title, body) for _, title, body in rows[:20]]
        print(f"{count} documents indexed in {time.perf_counter() - started:.0f} s", flush=True)
        connection.execute(
            "CREATE TABLE search_before AS SELECT document_id, title, body, "
            "setweight(to_tsvector('simple', sohoa_fold(title)), 'A') || "
            "setweight(to_tsvector('simple', sohoa_fold(body)), 'B') AS folded "
            "FROM document_search")
        connection.execute("CREATE INDEX ON search_before USING gin (folded)")
        connection.execute("ALTER TABLE search_before ADD PRIMARY KEY (document_id)")
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE document_search")
        connection.execute("VACUUM ANALYZE document_search_folded")
        connection.execute("VACUUM ANALYZE search_before")
        connection.execute("VACUUM ANALYZE documents")
        size = connection.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('document_search')), "
            "pg_size_pretty(pg_total_relation_size('search_before'))").fetchone()
    print(f"both indexes built in {time.perf_counter() - started:.0f} s; sizes (table + "
          f"index): new {size[0] if size else '?'}, before {size[1] if size else '?'}")
    return samples


def copy_rows(connection: psycopg.Connection[Any], rows: list[tuple[int, str, str]]) -> None:
    """Index documents (id, title, body) as ``storage.search`` does, with COPY: the original
    text and lexemes, and the folded text."""
    clean = [(document_id, _clean(title), _clean(body)) for document_id, title, body in rows]
    with connection.cursor().copy(
        "COPY document_search (document_id, title, body, folded) FROM STDIN"
    ) as copy:
        for document_id, title, body in clean:
            copy.write_row((document_id, title, body,
                            tsvector(lexemes(_indexed(title), _indexed(body)))))
    with connection.cursor().copy(
        "COPY document_search_folded (document_id, title, body) FROM STDIN"
    ) as copy:
        for document_id, title, body in clean:
            copy.write_row((document_id, fold_text(title), fold_text(body)))
    connection.commit()


def fill_folded(db: Database, url: str) -> None:
    """Give a database kept by an older run (before ``document_search_folded``) the folded
    text of every document, as indexing writes it today."""
    upgrade_schema(db)
    libpq = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq) as connection:
        if connection.execute("SELECT count(*) FROM document_search_folded").fetchone() != (0,):
            return
        started = time.perf_counter()
        rows = connection.execute("SELECT document_id, title, body FROM document_search").fetchall()
        with connection.cursor().copy(
            "COPY document_search_folded (document_id, title, body) FROM STDIN"
        ) as copy:
            for document_id, title, body in rows:
                copy.write_row((document_id, fold_text(title), fold_text(body)))
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE document_search_folded")
    print(f"folded text of {len(rows)} kept documents written in "
          f"{time.perf_counter() - started:.0f} s", flush=True)


WIDE = "bench_before"  # schema of --wide-before's copy of document_search


def wide_before(url: str) -> str:
    """A copy of ``document_search`` in schema ``WIDE`` with its rows as before migration
    0012 (title and body inline, the tsvector alone out of line), made once; the URL whose
    connections find it before the migrated table (``documents`` and the folded text stay
    shared)."""
    libpq = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq) as connection:
        table = sql.Identifier(WIDE, "document_search")
        made = connection.execute("SELECT to_regclass(%s)", (f"{WIDE}.document_search",))
        if made.fetchone() == (None,):
            started = time.perf_counter()
            connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                sql.Identifier(WIDE)))
            connection.execute(sql.SQL(
                "CREATE TABLE {} (document_id integer PRIMARY KEY REFERENCES public.documents "
                "(id) ON DELETE CASCADE, title text NOT NULL, body text NOT NULL, folded "
                "tsvector NOT NULL)").format(table))
            connection.execute(sql.SQL(
                "INSERT INTO {} (document_id, title, body, folded) SELECT document_id, title, "
                "body, folded FROM public.document_search").format(table))
            connection.execute(sql.SQL("CREATE INDEX ON {} USING gin (folded)").format(table))
            connection.commit()
            connection.autocommit = True
            connection.execute(sql.SQL("VACUUM ANALYZE {}").format(table))
            print(f"rows laid out as before 0012 in {time.perf_counter() - started:.0f} s")
    return f"{url}?options=-csearch_path%3D{WIDE}%2Cpublic"


def kept_samples(db: Database) -> list[tuple[str, str]]:
    """The (title, body) :func:`build` returned, read back from a kept database."""
    with db.session() as session:
        rows = session.execute(sa.text(
            "SELECT title, body FROM document_search WHERE (document_id - (SELECT min("
            "document_id) FROM document_search)) % 5000 < 20 ORDER BY document_id")).all()
    return [(row.title, row.body) for row in rows]


BEFORE = sa.text(
    "SELECT d.id, d.dossier_id, d.doc_type, d.filename, ts_rank_cd(s.folded, q) AS score, "
    "s.title, s.body FROM search_before s JOIN documents d ON d.id = s.document_id, "
    "to_tsquery('simple', :q) q WHERE s.folded @@ q ORDER BY score DESC, d.id LIMIT 20")


def before(db: Database, query: str) -> int | None:
    """The search before issue 16 (ranking query + snippets); its first hit."""
    parsed = _parse(query)
    terms = [f"'{word}'" for word in parsed.terms]
    if parsed.prefix:
        terms[-1] += ":*"
    pattern = parsed.pattern()
    with db.session() as session:
        rows = session.execute(BEFORE, {"q": " & ".join(terms)}).all()
        for row in rows:
            _snippet(row.body, pattern) or _snippet(row.title, pattern)
    return int(rows[0].id) if rows else None


def revision(commit: str) -> ModuleType:
    """``storage.search`` as it was at ``commit`` (git), loaded beside today's."""
    source = subprocess.run(["git", "-C", str(REPO), "show", f"{commit}:storage/search.py"],
                            check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / f"search_{commit[:7]}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def current(db: Database, query: str, module: ModuleType | None = None) -> int | None:
    """``search`` (today's, or ``module``'s) for the first page; its first hit."""
    find = search if module is None else module.search
    with db.session() as session:
        hits = find(session, query)
    return hits[0].document_id if hits else None


def holds_phrase(db: Database, document_id: int | None, query: str) -> bool:
    """Whether the document's title or body holds the query's words side by side."""
    if document_id is None:
        return False
    with db.session() as session:
        row = session.execute(sa.text("SELECT title, body FROM document_search WHERE "
                                      "document_id = :id"), {"id": document_id}).one()
    return f" {_indexed(query)} " in f" {_indexed(row.title)} {_indexed(row.body)} "


def queries(samples: list[tuple[str, str]], rng: random.Random, per_length: int
            ) -> dict[int, list[str]]:  # fmt: skip
    """``per_length`` queries of 1-4 consecutive syllables of the samples, half unaccented."""
    found: dict[int, list[str]] = {}
    for length in range(1, 5):
        found[length] = []
        while len(found[length]) < per_length:
            title, body = rng.choice(samples)
            words = WORD.findall(rng.choice([title, body, body]))
            start = rng.randrange(max(1, len(words) - length))
            text = " ".join(words[start : start + length])
            found[length].append(text if len(found[length]) % 2 else fold_text(text))
    return found


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    """Build, measure, print, drop."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=60, help="per query length")
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="leave the scratch database")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database")
    parser.add_argument("--against", metavar="COMMIT",
                        help="also measure storage/search.py as it was at this git commit")
    parser.add_argument("--wide-before", action="store_true",
                        help="measure --against's code on a copy of document_search whose "
                        "rows are as before migration 0012 (made once, ~1.5 min)")
    parser.add_argument("--no-rank-cd", action="store_true",
                        help="leave out the ranking query of before issue 16 (~1 s a query)")
    args = parser.parse_args()
    rng = random.Random(16)
    if not args.reuse:
        with psycopg.connect(args.url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(NAME)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(NAME)))
    url = args.url.rsplit("/", 1)[0] + f"/{NAME}"
    db = old_db = open_database(DatabaseConfig(url))
    try:
        if args.reuse:
            fill_folded(db, str(db.engine.url.render_as_string(hide_password=False)))
            samples = kept_samples(db)
        else:
            upgrade_schema(db)
            samples = build(db, str(db.engine.url.render_as_string(hide_password=False)),
                            args.documents, rng)
        asked = queries(samples, random.Random(17), args.queries)
        sides: dict[str, Callable[[str], int | None]] = {"new": lambda text: current(db, text)}
        if args.against:
            then = revision(args.against)
            if args.wide_before:
                old_db = open_database(DatabaseConfig(wide_before(
                    str(db.engine.url.render_as_string(hide_password=False)))))
            sides[args.against[:7]] = lambda text: current(old_db, text, then)
        if not args.no_rank_cd:
            sides["ts_rank_cd"] = lambda text: before(db, text)
        for text in asked[2][:3]:  # warm every side's caches a little
            for side in sides.values():
                side(text)
        print(f"{'syllables':>9} {'queries':>7} | "
              + " | ".join(f"{name + ' p50':>14} {'p95':>7} {'max':>7}" for name in sides)
              + " | first hit holds the phrase")
        for length, texts in asked.items():
            times: dict[str, list[float]] = {name: [] for name in sides}
            phrase = dict.fromkeys(sides, 0)
            for number, text in enumerate(texts):
                names, turn = list(sides), number % len(sides)  # the first warms the cache
                for name in names[turn:] + names[:turn]:
                    side = sides[name]
                    started = time.perf_counter()
                    first = side(text)
                    times[name].append((time.perf_counter() - started) * 1000)
                    phrase[name] += holds_phrase(db, first, text)
            print(f"{length:>9} {len(texts):>7} | " + " | ".join(
                f"{statistics.median(ms):>14.1f} {percentile(ms, 0.95):>7.1f} {max(ms):>7.1f}"
                for ms in times.values()) + " | " + ", ".join(
                f"{name} {phrase[name]}/{len(texts)}" for name in sides), flush=True)
    finally:
        db.dispose()
        old_db.dispose()
        if not (args.keep or args.reuse):
            with psycopg.connect(args.url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = %s AND pid <> pg_backend_pid()", (NAME,))
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(
                    sql.Identifier(NAME)))


if __name__ == "__main__":
    main()
