"""Full-text search over documents, insensitive to case and Vietnamese diacritics.

One rule, on both databases and on both sides (documents and queries): :func:`fold_text`,
then words are the runs of letters and digits (``8800/QĐ-SNV`` is ``8800 qd snv``). The
folded words are indexed in an FTS5 table on SQLite (ranked by bm25) or a tsvector on
PostgreSQL (also passed through ``sohoa_fold`` on both sides; ranked by ts_rank_cd). The
original text is kept beside them: snippets are cut from it in Python, diacritics intact.
Tables: migration ``0003_search``.

    index_document(session, doc.id, title="don_de_nghi đơn.pdf ...", body=ocr_text)
    hits = search(session, "ho so dat dai", SearchFilters(unit_ids=[3, 4]))
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.orm import Session

from storage.errors import BadInputError, NotFoundError
from storage.records.models import Document
from storage.records.vocabulary import DocumentStatus

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")  # date filters are local days
WORD = re.compile(r"[^\W_]+")  # letters and digits, as FTS5's unicode61 splits them
SPACES = re.compile(r"\s+")
MAX_QUERY_WORDS = 32
MAX_WORD_CHARS = 100  # longer "words" are not indexed (PostgreSQL would drop them anyway)
MAX_LIMIT = 200
SNIPPET_WORDS = 30  # about this many words per snippet ...
SNIPPET_LEAD = 8  # ... of which these come before the first match
SQLITE_WEIGHTS = (0.0, 4.0, 1.0)  # bm25's for document_id, title, body (PostgreSQL: A, B)

_FTS = sa.table("document_search", sa.column("rowid", sa.Integer))
_TEXT = sa.table("document_search_text", *map(sa.column, ("document_id", "title", "body")))
_PG = sa.table("document_search", *map(sa.column, ("document_id", "title", "body")),
               sa.column("folded", TSVECTOR))  # fmt: skip


class SearchQueryError(BadInputError):
    """The search request is unusable: no words, too many, a bad filter or page."""


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table folding one character at a time, filled on first use."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFD", chr(code).lower())
        folded = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
        folded = folded.replace("đ", "d").replace("ð", "d")  # ð: OCR's look-alike of đ
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold_text(text: str) -> str:
    """``text`` in NFC, lower case, without diacritics, ``đ`` as ``d``: "Đà Nẵng" → "da nang".

    Each character folds on its own, so offsets map back to the original (for snippets).
    """
    return unicodedata.normalize("NFC", text).translate(_FOLD)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\x00", " "))


def _indexed(text: str) -> str:
    return " ".join(w for w in WORD.findall(fold_text(text)) if len(w) <= MAX_WORD_CHARS)


@dataclass(frozen=True)
class SearchFilters:
    """What the hits must also be: ``date_from``/``date_to`` are inclusive days (Vietnam
    time) of ``documents.created_at``; ``status`` is a document status."""

    unit_ids: Collection[int] | None = None
    doc_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None
    dossier_id: int | None = None


NO_FILTERS = SearchFilters()


@dataclass(frozen=True)
class SearchHit:
    """One document found; ``snippet`` is HTML: escaped original text, matches in <mark>."""

    document_id: int
    dossier_id: int | None
    doc_type: str | None
    filename: str
    score: float
    snippet: str


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


_INDEX = {  # by _postgres(): upsert a document's row
    True: ("INSERT INTO document_search (document_id, title, body, folded) VALUES (:id, :title, "
           ":body, setweight(to_tsvector('simple', sohoa_fold(:ftitle)), 'A') || setweight("
           "to_tsvector('simple', sohoa_fold(:fbody)), 'B')) ON CONFLICT (document_id) DO "
           "UPDATE SET title = excluded.title, body = excluded.body, folded = excluded.folded",),
    False: ("DELETE FROM document_search WHERE rowid = :id",
            "INSERT INTO document_search (rowid, document_id, title, body) "
            "VALUES (:id, :id, :ftitle, :fbody)",
            "INSERT INTO document_search_text (document_id, title, body) VALUES (:id, :title, "
            ":body) ON CONFLICT (document_id) DO UPDATE SET title = excluded.title, "
            "body = excluded.body"),
}  # fmt: skip
_REMOVE = {
    True: ("DELETE FROM document_search WHERE document_id = :id",),
    False: ("DELETE FROM document_search_text WHERE document_id = :id",
            "DELETE FROM document_search WHERE rowid = :id"),
}  # fmt: skip


def index_document(session: Session, document_id: int, *, title: str, body: str) -> None:
    """Index a document (replacing its entry): ``title`` is its filename, type and field
    values, ``body`` its OCR text. :class:`NotFoundError` if there is no such document."""
    if session.scalar(sa.select(Document.id).where(Document.id == document_id)) is None:
        raise NotFoundError("no such document to index", subject=f"document {document_id}")
    title, body = _clean(title), _clean(body)
    values = {"id": document_id, "title": title, "body": body,
              "ftitle": _indexed(title), "fbody": _indexed(body)}  # fmt: skip
    for statement in _INDEX[_postgres(session)]:
        session.execute(sa.text(statement), values)


def remove_document(session: Session, document_id: int) -> None:
    """Take a document out of the index (nothing happens if it was not in it)."""
    for statement in _REMOVE[_postgres(session)]:
        session.execute(sa.text(statement), {"id": document_id})


@dataclass(frozen=True)
class _Query:
    """The folded words of a query; ``prefix`` is a last word still being typed."""

    exact: tuple[str, ...]
    prefix: str | None

    def fts5(self) -> str:
        """An FTS5 query: every word quoted (no operator can come from the user), ANDed."""
        quoted = [f'"{word}"' for word in self.exact]  # words hold letters and digits only
        return " ".join(quoted + ([f'"{self.prefix}"*'] if self.prefix else []))

    def tsquery(self) -> sa.ColumnElement[object]:
        """A tsquery built in SQL from bound words: ``'w1' & 'w2' & 'w3':*``."""
        lexemes: list[sa.ColumnElement[str]] = [
            sa.func.quote_literal(sa.func.sohoa_fold(sa.literal(word, sa.Text)), type_=sa.Text)
            for word in (*self.exact, *([self.prefix] if self.prefix else []))
        ]
        if self.prefix:
            lexemes[-1] = lexemes[-1].concat(":*")
        joined = lexemes[0]
        for lexeme in lexemes[1:]:
            joined = joined.concat(" & ").concat(lexeme)
        return sa.func.to_tsquery(sa.literal_column("'simple'"), joined, type_=TSQUERY)

    def pattern(self) -> re.Pattern[str]:
        """A regex finding the query's words in folded text (for snippets)."""
        exact = "|".join(re.escape(w) for w in sorted(self.exact, key=len, reverse=True))
        options = [f"(?:{exact})(?![^\\W_])"] if exact else []
        options += [f"{re.escape(self.prefix)}[^\\W_]*"] if self.prefix else []
        return re.compile(f"(?<![^\\W_])(?:{'|'.join(options)})")


def _parse(query: str) -> _Query:
    folded = fold_text(_clean(query))
    words = WORD.findall(folded)
    if not words:
        raise SearchQueryError("the query has no words to search for", subject="query")
    if max(map(len, words)) > MAX_WORD_CHARS:
        raise SearchQueryError(f"a word is over {MAX_WORD_CHARS} characters", subject="query")
    unique = list(dict.fromkeys(words))
    if len(unique) > MAX_QUERY_WORDS:
        raise SearchQueryError(f"more than {MAX_QUERY_WORDS} words", subject="query")
    last = words[-1]
    typing = WORD.fullmatch(folded[-1]) is not None  # nothing typed after the last word
    if typing and len(last) >= 2 and words.count(last) == 1:
        return _Query(tuple(unique[:-1]), last)
    return _Query(tuple(unique), None)


def _conditions(filters: SearchFilters) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if filters.unit_ids is not None:
        where.append(Document.unit_id.in_(list(filters.unit_ids)))
    if filters.doc_type is not None:
        where.append(Document.doc_type == filters.doc_type)
    if filters.status is not None:
        try:
            where.append(Document.status == DocumentStatus(filters.status))
        except ValueError:
            raise SearchQueryError("not a document status", subject="status") from None
    if filters.dossier_id is not None:
        where.append(Document.dossier_id == filters.dossier_id)
    if filters.date_from is not None:
        where.append(Document.created_at >= datetime.combine(filters.date_from, time(), VIETNAM))
    if filters.date_to is not None:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), VIETNAM)
        where.append(Document.created_at < end)
    return where


def search(session: Session, query: str, filters: SearchFilters = NO_FILTERS, *,
           limit: int = 20, offset: int = 0) -> list[SearchHit]:  # fmt: skip
    """Documents holding every word of ``query`` (the last one also as a prefix, unless a
    space follows it), best first: bm25 on SQLite (title x4), ts_rank_cd on PostgreSQL
    (title A, body B). :class:`SearchQueryError` for no words or a bad filter or page."""
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise SearchQueryError(f"limit must be 1 to {MAX_LIMIT}, offset >= 0", subject="page")
    parsed = _parse(query)
    columns = (Document.id, Document.dossier_id, Document.doc_type, Document.filename)
    if _postgres(session):
        tsquery = parsed.tsquery()
        score = sa.func.ts_rank_cd(_PG.c.folded, tsquery, type_=sa.Float)
        statement = (
            sa.select(*columns, score, _PG.c.title, _PG.c.body)
            .join_from(_PG, Document, Document.id == _PG.c.document_id)
            .where(_PG.c.folded.op("@@")(tsquery))
            .order_by(score.desc(), Document.id)
        )
    else:
        rank = sa.func.bm25(sa.literal_column("document_search"), *SQLITE_WEIGHTS, type_=sa.Float)
        statement = (
            sa.select(*columns, -rank, _TEXT.c.title, _TEXT.c.body)
            .join_from(_FTS, Document, Document.id == _FTS.c.rowid)
            .join(_TEXT, _TEXT.c.document_id == Document.id)
            .where(sa.literal_column("document_search").op("MATCH")(parsed.fts5()))
            .order_by(rank, Document.id)
        )
    rows = session.execute(statement.where(*_conditions(filters)).limit(limit).offset(offset))
    pattern = parsed.pattern()
    return [
        SearchHit(doc_id, dossier_id, doc_type, filename, float(score or 0.0),
                  _snippet(body, pattern) or _snippet(title, pattern)
                  or html.escape(" ".join(body.split()[:SNIPPET_WORDS])))
        for doc_id, dossier_id, doc_type, filename, score, title, body in rows
    ]  # fmt: skip


def _densest_match(pattern: re.Pattern[str], folded: str) -> re.Match[str] | None:
    """The match that starts the longest run of matches separated only by spaces (the
    query's words side by side: "hồ sơ đất đai"), the first such run on a tie."""
    matches = list(pattern.finditer(folded))
    best, best_run, run_start, run = None, 0, 0, 0
    for index, match in enumerate(matches):
        joined = index > 0 and not folded[matches[index - 1].end(): match.start()].strip()
        run_start, run = (run_start, run + 1) if joined else (index, 1)
        if run > best_run:
            best, best_run = matches[run_start], run
    return best


def _snippet(text: str, pattern: re.Pattern[str]) -> str | None:
    """About ``SNIPPET_WORDS`` words of ``text`` from a little before the first match of
    ``pattern`` (sought in the folded text) as escaped HTML, the matches in their original
    spelling in ``<mark>`` (neighbours share one); ``None`` if nothing matches."""
    original = unicodedata.normalize("NFC", text)
    pieces = list(map(_FOLD.__getitem__, map(ord, original)))
    folded = "".join(pieces)
    starts = list(accumulate(map(len, pieces), initial=0))  # folded offset of each character
    first = _densest_match(pattern, folded)
    if first is None:
        return None
    reach = SNIPPET_WORDS * 40  # characters surely holding that many words, or the text end
    lead_from, tail_to = max(0, first.start() - reach), first.start() + reach
    lead = [m for m in WORD.finditer(folded, lead_from, first.start())
            if m.start() > lead_from or lead_from == 0][-SNIPPET_LEAD:]  # fmt: skip
    wanted = SNIPPET_WORDS - len(lead)
    tail = [m for m in WORD.finditer(folded, first.start(), tail_to)
            if m.end() < tail_to or tail_to >= len(folded)][: wanted + 1]  # fmt: skip
    begin = 0 if lead_from == 0 and len(lead) < SNIPPET_LEAD else (lead or [first])[0].start()
    whole = tail_to >= len(folded) and len(tail) <= wanted  # the window reaches the text's end
    end = len(folded) if whole else max(first.end(), *(m.end() for m in tail[:wanted]))
    marks: list[list[int]] = []
    for match in pattern.finditer(folded, begin, end):
        gap = folded[marks[-1][1] : match.start()] if marks else "."
        if marks and (not gap.strip() or not (SPACES.search(gap) or WORD.search(gap))):
            marks[-1][1] = match.end()  # "đất đai", "8800/QĐ-SNV": one mark
        else:
            marks.append([match.start(), match.end()])

    def origin(offset: int) -> int:  # the original character at a folded offset
        return bisect_right(starts, offset) - 1

    out, cursor = ["… " if WORD.search(folded, 0, begin) else ""], origin(begin)
    for mark_start, mark_end in marks:
        out.append(html.escape(SPACES.sub(" ", original[cursor : origin(mark_start)])))
        cursor = origin(mark_end)
        out.append(f"<mark>{html.escape(original[origin(mark_start) : cursor])}</mark>")
    out.append(html.escape(SPACES.sub(" ", original[cursor : origin(end)])))
    out.append(" …" if WORD.search(folded, end) else "")
    return "".join(out).strip()
