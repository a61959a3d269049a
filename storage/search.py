"""Full-text search over documents, insensitive to case and Vietnamese diacritics.

One rule, on both databases and on both sides (documents and queries): :func:`fold_text`,
then words are the runs of letters and digits (``8800/QĐ-SNV`` is ``8800 qd snv``). The
database's index only *finds* documents (every word of the query, AND); :func:`score_text`
ranks them, in Python on the original text, so the order is the same on both databases:

- the exact phrase (the query's words side by side, folded) first;
- then the query's own diacritics ("đồng chí" above "Đông chí" when they were typed);
- then field hits (the title: file name, type, number/symbol, summary, applicant...);
- then proximity (the smallest window holding every word), then how often the words occur.

No collection statistics (bm25's IDF is zero or negative on tiny collections): a score is
``8 phrase + 4 diacritics + 2 fields + proximity + frequency``, each part in [0, 1].

Only a pool is ranked, found by the index: the newest ``CANDIDATES`` documents of each of
four kinds (the phrase in a field, the phrase anywhere, every word in a field, every word
anywhere), so a phrase is ranked first even among thousands of scattered matches. Matches
beyond the pool follow it, newest first. SQLite: an FTS5 table of the folded title and body
(phrase and column queries use its positions). PostgreSQL: a tsvector of lexemes without
positions: the folded words, their bigrams (``"dong chi"``) and the title's words and bigrams
marked with ``=`` (``"=dong chi"``), under a GIN index (rows indexed before this scheme have
only the words: they are still found, ranked when in the pool). The original text is kept
beside them for ranking and snippets, and its :func:`fold_text` in
``document_search_folded`` (both databases), so a query folds nothing but itself (rows indexed
before that table are folded when read). Tables: migrations ``0003_search``, ``0011``;
``0012`` keeps PostgreSQL's rows narrow (long values out of line) for the index's lookups.

    index_document(session, doc.id, title="don_de_nghi đơn.pdf ...", body=ocr_text)
    hits = search(session, "ho so dat dai", SearchFilters(unit_ids=[3, 4]))
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate, islice, pairwise
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.orm import Session, selectinload

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
CANDIDATES = 100  # documents of each kind ranked in Python (see the module's docstring)
FEW_MATCHES = 8000  # PostgreSQL: kinds expected this rare are found through the index alone
MAX_LEXEME_BYTES = 600_000  # a PostgreSQL tsvector holds at most 1 MB: bigrams stop here
FIELD_MARK = "="  # PostgreSQL's lexemes of the title's words and bigrams: "=dong chi"
MAX_OCCURRENCES = 200  # occurrences of one word looked at when ranking a document
AVERAGE_WORDS = 300  # a typical document's length in words (for frequency's saturation)

_FTS = sa.table("document_search", sa.column("rowid", sa.Integer))
_TEXT = sa.table("document_search_text", *map(sa.column, ("document_id", "title", "body")))
_PG = sa.table("document_search", *map(sa.column, ("document_id", "title", "body")),
               sa.column("folded", TSVECTOR))  # fmt: skip
_FOLDED = sa.table("document_search_folded", *map(sa.column, ("document_id", "title", "body")))
_KEEP_FOLDED = ("INSERT INTO document_search_folded (document_id, title, body) VALUES (:id, "
                ":folded_title, :folded_body) ON CONFLICT (document_id) DO UPDATE SET "
                "title = excluded.title, body = excluded.body")  # fmt: skip


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
    return _words(fold_text(text))


def _words(folded: str) -> str:
    return " ".join(w for w in WORD.findall(folded) if len(w) <= MAX_WORD_CHARS)


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
           ":body, array_to_tsvector(CAST(:lexemes AS text[]))) ON CONFLICT (document_id) DO "
           "UPDATE SET title = excluded.title, body = excluded.body, folded = excluded.folded",
           _KEEP_FOLDED),
    False: ("DELETE FROM document_search WHERE rowid = :id",
            "INSERT INTO document_search (rowid, document_id, title, body) "
            "VALUES (:id, :id, :ftitle, :fbody)",
            "INSERT INTO document_search_text (document_id, title, body) VALUES (:id, :title, "
            ":body) ON CONFLICT (document_id) DO UPDATE SET title = excluded.title, "
            "body = excluded.body", _KEEP_FOLDED),
}  # fmt: skip
_REMOVE = {
    True: ("DELETE FROM document_search_folded WHERE document_id = :id",
           "DELETE FROM document_search WHERE document_id = :id"),
    False: ("DELETE FROM document_search_folded WHERE document_id = :id",
            "DELETE FROM document_search_text WHERE document_id = :id",
            "DELETE FROM document_search WHERE rowid = :id"),
}  # fmt: skip


def index_document(session: Session, document_id: int, *, title: str, body: str) -> None:
    """Index a document (replacing its entry): ``title`` is its filename, type and field
    values, ``body`` its OCR text. :class:`NotFoundError` if there is no such document."""
    if session.scalar(sa.select(Document.id).where(Document.id == document_id)) is None:
        raise NotFoundError("no such document to index", subject=f"document {document_id}")
    _write(session, _postgres(session), document_id, title, body)


def _write(session: Session, postgres: bool, document_id: int, title: str, body: str) -> None:
    title, body = _clean(title), _clean(body)
    folded_title, folded_body = fold_text(title), fold_text(body)
    values: dict[str, object] = {"id": document_id, "title": title, "body": body,
                                 "folded_title": folded_title, "folded_body": folded_body,
                                 "ftitle": _words(folded_title), "fbody": _words(folded_body)}
    if postgres:
        values["lexemes"] = lexemes(str(values["ftitle"]), str(values["fbody"]))
    for statement in _INDEX[postgres]:
        session.execute(sa.text(statement), values)


def lexemes(title: str, body: str) -> list[str]:
    """PostgreSQL's lexemes of a document whose folded words are ``title`` and ``body``
    (space-separated): every word, every pair of neighbours ("dong chi"), and the title's
    words and pairs again, marked ("=dong chi"); body pairs stop at ``MAX_LEXEME_BYTES``."""
    found: dict[str, None] = {}
    title_words, body_words = title.split(), body.split()
    for words, marks in ((title_words, ("", FIELD_MARK)), (body_words, ("",))):
        found.update((mark + word, None) for word in words for mark in marks)
    size = sum(len(lexeme.encode()) + 8 for lexeme in found)
    for words, marks in ((title_words, ("", FIELD_MARK)), (body_words, ("",))):
        for first, second in pairwise(words):
            for mark in marks:
                lexeme = f"{mark}{first} {second}"
                if lexeme not in found:
                    size += len(lexeme.encode()) + 8
                    if size > MAX_LEXEME_BYTES:
                        return list(found)
                    found[lexeme] = None
    return list(found)


def rebuild_index(session: Session, title: Callable[[Document], str] | None = None, *,
                  progress: Callable[[int, int], None] | None = None,
                  batch: int = 500) -> int:  # fmt: skip
    """Index again every document in the index, from its kept original title and body, so
    rows written by older code get today's lexemes (PostgreSQL rows indexed before word
    pairs rank a phrase only once they have them); ``title(document)``, when given, makes
    the title afresh (e.g. to add the dossier's applicant). ``progress(done, total)`` after
    each batch of ``batch`` documents. Returns how many documents were indexed."""
    postgres = _postgres(session)
    kept = _PG if postgres else _TEXT
    ids = list(session.scalars(sa.select(kept.c.document_id).order_by(kept.c.document_id)))
    if progress is not None:
        progress(0, len(ids))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        rows = session.execute(sa.select(kept.c.document_id, kept.c.title, kept.c.body)
                               .where(kept.c.document_id.in_(chunk))).all()  # fmt: skip
        titles: dict[int, str] = {}
        if title is not None:
            documents = session.scalars(sa.select(Document).where(Document.id.in_(chunk))
                                        .options(selectinload(Document.dossier))).all()
            titles = {document.id: title(document) for document in documents}
            for document in documents:  # a large collection must not fill the session
                if document.dossier is not None and document.dossier in session:
                    session.expunge(document.dossier)
                session.expunge(document)
        for document_id, old_title, body in rows:
            _write(session, postgres, document_id, titles.get(document_id, old_title), body)
        if progress is not None:
            progress(min(len(ids), start + batch), len(ids))
    return len(ids)


def remove_document(session: Session, document_id: int) -> None:
    """Take a document out of the index (nothing happens if it was not in it)."""
    for statement in _REMOVE[_postgres(session)]:
        session.execute(sa.text(statement), {"id": document_id})


@dataclass(frozen=True)
class _Query:
    """The folded words of a query in order (repeats kept); ``prefix``: the last word is
    still being typed; ``spelled``: the words as typed (lower case), if any has a mark."""

    words: tuple[str, ...]
    prefix: bool
    spelled: tuple[str, ...] | None

    @property
    def terms(self) -> tuple[str, ...]:
        """The distinct words (the prefix, if any, last)."""
        return tuple(dict.fromkeys(self.words))

    def kinds(self, postgres: bool) -> list[str]:
        """Match expressions (FTS5 or tsquery text) of the pool's kinds, best first: the
        phrase in the title, the phrase anywhere, every word in the title, every word."""
        terms, last = self.terms, len(self.words) - 1
        if postgres:  # lexemes hold letters, digits, spaces and the mark: quoting is safe
            star = ":*" if self.prefix else ""
            every = [f"'{w}'" for w in terms[:-1]] + [f"'{terms[-1]}'{star}"]
            pairs = [f"'{self.words[n]} {self.words[n + 1]}'" + (star if n + 1 == last else "")
                     for n in range(last)]  # fmt: skip

            def field(parts: list[str]) -> str:
                return " & ".join(f"'{FIELD_MARK}{part[1:]}" for part in parts)

            phrase = [field(pairs), " & ".join(pairs)] if pairs else []
            return [*phrase, field(every), " & ".join(every)]
        star = "*" if self.prefix else ""
        words = " ".join([*(f'"{w}"' for w in terms[:-1]), f'"{terms[-1]}"{star}'])
        quoted = f'"{" ".join(self.words)}"{star}'
        phrase = [f"title : {quoted}", quoted] if len(self.words) > 1 else []
        return [*phrase, f"title : ({words})", words]

    def parts(self) -> list[int]:
        """The part of the ranking each of :meth:`kinds` starts (0 first): the phrase in the
        title scores at least 15 when the query has no marks (8 + 4 + 2 + 1), the phrase
        elsewhere 8 to 15, the rest below 8; with marks, diacritics (4) may lift a phrase
        elsewhere above one in the title, so both phrase kinds share a part. A one-word
        query is its own phrase: its kinds are the title and anywhere."""
        parts = [0, 1, 2, 2] if len(self.words) > 1 else [0, 1]
        return [max(0, part - 1) for part in parts] if self.spelled else parts

    def pattern(self) -> re.Pattern[str]:
        """A regex finding the query's words in folded text (for snippets)."""
        exact = self.terms[:-1] if self.prefix else self.terms
        joined = "|".join(re.escape(w) for w in sorted(exact, key=len, reverse=True))
        options = [f"(?:{joined})(?![^\\W_])"] if exact else []
        options += [f"{re.escape(self.words[-1])}[^\\W_]*"] if self.prefix else []
        return re.compile(f"(?<![^\\W_])(?:{'|'.join(options)})")


def _parse(query: str) -> _Query:
    cleaned = _clean(query)
    folded = fold_text(cleaned)
    words = WORD.findall(folded)
    if not words:
        raise SearchQueryError("the query has no words to search for", subject="query")
    if max(map(len, words)) > MAX_WORD_CHARS:
        raise SearchQueryError(f"a word is over {MAX_WORD_CHARS} characters", subject="query")
    if len(set(words)) > MAX_QUERY_WORDS:
        raise SearchQueryError(f"more than {MAX_QUERY_WORDS} words", subject="query")
    last = words[-1]
    typing = WORD.fullmatch(folded[-1]) is not None  # nothing typed after the last word
    prefix = typing and len(last) >= 2 and words.count(last) == 1
    spelled = tuple(WORD.findall(cleaned.lower()))
    marked = len(spelled) == len(words) and tuple(words) != spelled
    return _Query(tuple(words), prefix, spelled if marked else None)


_SEP, _REST = r"[\W_]+", r"[^\W_]*"


class _Ranker:
    """Scores documents for one query: ``8 phrase + 4 diacritics + 2 fields + proximity +
    frequency``, each part in [0, 1] (see :func:`score_text`)."""

    def __init__(self, query: _Query) -> None:
        self.query = query
        last = len(query.words) - 1

        def word(text: str, start: bool, prefix: bool) -> str:
            escaped = re.escape(text)  # the literal first: re then scans for it quickly
            bound = f"(?<![^\\W_]{escaped})" if start else ""  # no letter before the word
            return escaped + bound + (_REST if prefix else "")

        typing = [query.prefix and n == last for n in range(last + 1)]
        self.phrase = re.compile(_SEP.join(word(w, n == 0, typing[n])
                                           for n, w in enumerate(query.words))
                                 + r"(?![^\W_])")  # fmt: skip
        self.terms = [re.compile(word(w, True, query.prefix and w == query.words[-1])
                                 + r"(?![^\W_])") for w in query.terms]  # fmt: skip
        spelled = query.spelled or ()
        self.marked = [n for n, w in enumerate(spelled) if w != query.words[n]]

    def _spelled_as_typed(self, position: int, original: str) -> bool:
        typed = (self.query.spelled or ())[position]
        if self.query.prefix and position == len(self.query.words) - 1:
            return original.startswith(typed)
        return original == typed

    def score(self, title: str, body: str) -> float:
        """The score of a document with this ``title`` and ``body`` (original text)."""
        title, body = _clean(title), _clean(body)
        return self.score_folded(title, body, fold_text(title), fold_text(body))

    def score_folded(self, title: str, body: str, folded_title: str,
                     folded_body: str) -> float:  # fmt: skip
        """:meth:`score` of clean (NFC) text whose :func:`fold_text` is already known."""
        views = [(title, folded_title), (body, folded_body)]
        phrases = [self.phrase.search(folded) is not None for _, folded in views]
        spans: list[list[list[tuple[int, int]]]]  # of each word in each text
        if any(phrases):  # proximity is 1: the words are only counted (no spans)
            phrase, proximity, spans = 1.0, 1.0, []
            found = [[min(MAX_OCCURRENCES, len(term.findall(folded))) for term in self.terms]
                     for _, folded in views]  # fmt: skip
        else:
            spans = [[[m.span() for m in islice(term.finditer(folded), MAX_OCCURRENCES)]
                      for term in self.terms] for _, folded in views]  # fmt: skip
            phrase, proximity = 0.0, max(map(_proximity, spans))
            found = [list(map(len, view)) for view in spans]
        diacritics = self._diacritics(views, phrases, spans)
        fields = (sum(map(bool, found[0])) / len(self.terms) + (1.0 if phrases[0] else 0.0)) / 2
        words = sum(len(folded) for _, folded in views) / 6 + 1  # ~6 characters a word
        saturation = 1.2 * (0.25 + 0.75 * words / AVERAGE_WORDS)
        counts = [in_title + in_body for in_title, in_body in zip(found[0], found[1], strict=True)]
        frequency = sum(count / (count + saturation) for count in counts) / len(counts)
        return 8 * phrase + 4 * diacritics + 2 * fields + proximity + frequency

    def _diacritics(self, views: list[tuple[str, str]], phrases: list[bool],
                    spans: list[list[list[tuple[int, int]]]]) -> float:  # fmt: skip
        """1 if the query has no marks; else the best share of its marked words spelled as
        typed: in one occurrence of the phrase if there is one (``phrases``: in the title,
        in the body), else anywhere (``spans``: of each word in each text)."""
        if not self.marked:
            return 1.0
        best = 0.0
        for (original, folded), phrase in zip(views, phrases, strict=True):
            if not phrase or len(original) != len(folded):  # aligned: a character each
                continue
            for match in islice(self.phrase.finditer(folded), MAX_OCCURRENCES):
                words = [w.span() for w in WORD.finditer(folded, match.start(), match.end())]
                if len(words) != len(self.query.words):
                    continue
                same = sum(self._spelled_as_typed(n, original[slice(*words[n])].lower())
                           for n in self.marked)
                best = max(best, same / len(self.marked))
                if best == 1.0:  # none can be better: the rest are not looked at
                    return best
        if any(phrases):
            return best
        spelled = 0
        for n in self.marked:
            term = self.query.terms.index(self.query.words[n])
            spelled += any(self._spelled_as_typed(n, original[start:end].lower())
                           for (original, folded), found in zip(views, spans, strict=True)
                           if len(original) == len(folded) for start, end in found[term])
        return spelled / len(self.marked)


def _proximity(spans: list[list[tuple[int, int]]]) -> float:
    """How close the words are, given each word's ``spans`` in one text: the length they
    need side by side over the shortest stretch holding them all (1: side by side; 0: not
    all there)."""
    if not all(spans):
        return 0.0
    found = sorted((start, end, n) for n, own in enumerate(spans) for start, end in own)
    needed, best = len(spans), 0.0
    latest: dict[int, tuple[int, int]] = {}
    for start, end, n in found:
        latest[n] = (start, end)
        if len(latest) == needed:
            first = min(span[0] for span in latest.values())
            ideal = sum(span[1] - span[0] for span in latest.values()) + needed - 1
            best = max(best, min(1.0, ideal / (end - first)))
    return best


def score_text(query: str, title: str, body: str) -> float:
    """The rank :func:`search` gives a document with this ``title`` and ``body``:
    ``8 phrase + 4 diacritics + 2 fields + proximity + frequency``, between 0 and 16.

    - phrase: 1 if the query's words stand side by side (folded) in the title or body;
    - diacritics: the share of the query's marked words spelled as typed (in an occurrence
      of the phrase if any); 1 if the query has no marks;
    - fields: half the share of words in the title, plus half if the phrase is in it;
    - proximity: 1 for the phrase, else the words' length over the shortest stretch
      holding them all;
    - frequency: the mean of ``n / (n + k)`` over the words (``n`` occurrences, ``k`` grows
      with the document's length), below 1.

    :class:`SearchQueryError` if the query has no words."""
    return _Ranker(_parse(query)).score(title, body)


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
    space follows it), best first by :func:`score_text`, the same on both databases.

    The ranked pool holds the newest ``CANDIDATES`` of each kind the index finds (phrase in
    the title, phrase, every word in the title, every word). It is ranked in parts by the
    best kind the index found each document in (:meth:`_Query.parts`: the parts' scores do
    not overlap when the index and :func:`score_text` agree), each part by score; the parts
    are looked up in turn (one statement each, which also reads the documents' folded text)
    until they fill the page, so every part looked up reaches the page and is scored. A
    document whose phrase the index missed (rows indexed before word pairs: see
    :func:`rebuild_index`) ranks in a later part. Further matches follow the pool, newest
    first. :class:`SearchQueryError` for no words or a bad filter or page."""
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise SearchQueryError(f"limit must be 1 to {MAX_LIMIT}, offset >= 0", subject="page")
    parsed = _parse(query)
    postgres = _postgres(session)
    where = _conditions(filters)
    kinds = parsed.kinds(postgres)
    parts = parsed.parts()
    wanted = offset + limit
    marked = parsed.spelled is not None  # diacritics compare the original text
    few = _few_matches(session, kinds) if postgres else set()
    pool: dict[int, int] = {}  # document id: its part (the best of its kinds)
    texts: dict[int, _Row] = {}
    last_kind = 0
    for group in _groups(parts):  # a part's kinds together; later parts only if needed
        statement = _pool(postgres, tuple(group), where, few, original=marked)
        values = {f"kind{kind}": kinds[kind] for kind in group}
        for *columns, kind, in_last in session.execute(statement, values):
            row = _read_row(columns, original=marked)
            pool[row.document_id] = min(parts[kind], pool.get(row.document_id, parts[kind]))
            texts.setdefault(row.document_id, row)
            last_kind += in_last == len(kinds) - 1
        if len(pool) >= wanted:  # later parts rank below the whole page: not looked up
            break
    complete = last_kind < CANDIDATES  # the last kind (every word) holds all the others
    ranker = _Ranker(parsed)  # every part looked up reaches the page: all are scored
    scored = sorted(((ranker.score_folded(*row.texts), row) for row in texts.values()),
                    key=lambda pair: (pool[pair[1].document_id], -pair[0], -pair[1].document_id))
    page = scored[offset:wanted]
    if not marked:  # the page's snippets show the original text
        originals = {row.document_id: row for row in _with_text(
            session, postgres, [row.document_id for _, row in page if not row.original])}
        page = [(score, originals.get(row.document_id, row)) for score, row in page]
    beyond = wanted - len(pool)
    if not complete and beyond > 0:
        matching = _matching(postgres, f"kind{len(kinds) - 1}", where)
        rest = (matching.where(matching.selected_columns[0].not_in(list(pool)))
                .offset(max(0, offset - len(pool))).limit(min(limit, beyond)))  # fmt: skip
        page += [(ranker.score_folded(*row.texts), row)
                 for row in _with_text(session, postgres, list(session.scalars(
                     rest, {f"kind{len(kinds) - 1}": kinds[-1]})))]
    pattern = parsed.pattern()
    return [
        SearchHit(row.document_id, row.dossier_id, row.doc_type, row.filename, score,
                  _snippet(row.body, pattern, row.folded_body)
                  or _snippet(row.title, pattern, row.folded_title)
                  or html.escape(" ".join(row.body.split()[:SNIPPET_WORDS])))
        for score, row in page
    ]  # fmt: skip


def _groups(parts: list[int]) -> list[list[int]]:
    """The kinds (indexes of ``parts``) of each part in turn: ``[0, 1, 2, 2]`` gives
    ``[[0], [1], [2, 3]]``. A part's documents all rank above the next part's, so once the
    pool found so far fills the page, the later parts cannot change it."""
    groups: list[list[int]] = []
    for kind, part in enumerate(parts):
        if groups and parts[groups[-1][0]] == part:
            groups[-1].append(kind)
        else:
            groups.append([kind])
    return groups


def _pool(postgres: bool, chosen: tuple[int, ...], where: list[sa.ColumnElement[bool]],
          few: Collection[int] = (), *, original: bool = True) -> sa.Select[Any]:  # fmt: skip
    """The newest ``CANDIDATES`` matches of each ``chosen`` kind, one statement whose
    parameter ``kind<n>`` is kind n's match expression (see :func:`_matching`): each
    document once, with :func:`_text_select`'s columns, then the first and last of its
    kinds; ``few``: kinds to find through the index alone (PostgreSQL: see
    :func:`_few_matches`); ``original``: as for :func:`_with_text`. Reading the text in the
    same statement saves a round trip and a lookup by id of each candidate. Without
    ``where``, one statement of each shape is made once (~1 ms of CPU a query)."""
    few = frozenset(kind for kind in chosen if kind in few)
    if where:
        return _pool_statement(postgres, chosen, few, original, where)
    return _pool_shape(postgres, chosen, few, original)


def _pool_statement(postgres: bool, chosen: tuple[int, ...], few: frozenset[int],
                    original: bool, where: list[sa.ColumnElement[bool]]) -> sa.Select[Any]:
    """:func:`_pool`'s statement, made afresh."""
    selects = []
    for kind in chosen:
        found = (_matching(postgres, f"kind{kind}", where, kind in few)
                 .limit(CANDIDATES).subquery())  # fmt: skip
        kind_column = sa.literal(kind, sa.Integer).label("kind")
        selects.append(sa.select(found.c[0].label("id"), kind_column))
    union = sa.union_all(*selects).subquery()
    best = (sa.select(union.c.id, sa.func.min(union.c.kind).label("first"),
                      sa.func.max(union.c.kind).label("last"))
            .group_by(union.c.id).subquery())  # fmt: skip
    return (_text_select(postgres, original).add_columns(best.c.first, best.c.last)
            .join(best, best.c.id == Document.id))  # fmt: skip



@functools.lru_cache(maxsize=256)
def _pool_shape(postgres: bool, chosen: tuple[int, ...], few: frozenset[int],
                original: bool) -> sa.Select[Any]:  # fmt: skip
    """:func:`_pool`'s statement without filters, made once for each shape."""
    return _pool_statement(postgres, chosen, few, original, [])

def _few_matches(session: Session, expressions: list[str]) -> set[int]:
    """The kinds (indexes of ``expressions``, tsquery text) PostgreSQL's planner expects at
    most ``FEW_MATCHES`` documents to match: one ``EXPLAIN`` of them all, no rows read (one
    round trip, not one a kind). The newest of so few are best found through the GIN index
    alone (all matches, then sorted: ~0.7 µs a match, the rows being narrow, migration
    0012); left to itself, the planner may walk the documents newest first testing each
    one's lexemes, which it deems cheap but which reads each row's large tsvector from
    TOAST (~8 µs a row: 10,000 rows for a phrase in 1% of them). Kinds expected often keep
    that walk: it stops after ``CANDIDATES`` matches (on 100,000 documents, 5,000 matches:
    walk 11 ms, index 3 ms; 10,000: 8 and 9 ms; 20,000: 2.5 and 15 ms). A prefix
    (``'dinh cu':*``) is estimated with its whole word (``'dinh cu'``) beside it: the
    planner gives a prefix missing from its statistics a default 0.5%, even when the word
    itself is in 5% of the documents (and GIN rechecks every row a prefix finds, reading its
    tsvector: the walk is then cheaper)."""
    selects = []
    for expression in expressions:  # letters, digits, spaces, quotes, & = : *
        forms = dict.fromkeys([expression, expression.removesuffix(":*")])  # see above
        tests = " OR ".join("folded @@ '{}'::tsquery".format(form.replace("'", "''"))
                            for form in forms)  # fmt: skip
        selects.append(f"(SELECT document_id FROM document_search WHERE {tests} "  # noqa: S608
                       f"LIMIT {FEW_MATCHES + 1})")  # fmt: skip
    # the tsquery as a literal: a parameter would let a prepared statement (psycopg
    # prepares a query run 5 times) get a generic plan, whose estimate ignores it; each
    # kind under a LIMIT (its estimate up to it), so that no kind is planned in parallel
    # (a Parallel Append's rows are each worker's share); written as text, not compiled
    # (~1 ms of CPU a query)
    literal = " UNION ALL ".join(selects)
    plan = session.execute(sa.text(f"EXPLAIN (FORMAT JSON) {literal}")).scalar_one()
    root = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    branches = root.get("Plans", []) if root.get("Node Type") == "Append" else [root]
    if len(branches) != len(expressions):  # not one branch a kind: ask for each alone
        return {kind for kind, expression in enumerate(expressions)
                if _few_matches(session, [expression])}  # fmt: skip
    return {kind for kind, branch in enumerate(branches) if branch["Plan Rows"] <= FEW_MATCHES}


def _matching(postgres: bool, key: str, where: list[sa.ColumnElement[bool]],
              few: bool = False) -> sa.Select[Any]:  # fmt: skip
    """Ids of the documents matching the expression (FTS5 or tsquery text) given as the
    statement's parameter ``key`` and ``where``, newest first; ``few``: sorted by an
    expression no index gives, so that PostgreSQL finds them through the GIN index (see
    :func:`_few_matches`). ``documents`` is joined only for ``where``: every indexed row
    has its document (deleting it deletes the row), and the join cost PostgreSQL ~1.5 µs a
    match (a common phrase: 10,000 matches, ~15 ms)."""
    if postgres:
        table, column = _PG, _PG.c.document_id
        # the tsquery written into the statement: as a parameter, a statement psycopg
        # prepares (run 5 times) gets a generic plan after 5 more, which cannot see how
        # common the words are (it found a word in half the documents through the index)
        value = sa.bindparam(key, type_=sa.Text, literal_execute=True)
        found = _PG.c.folded.op("@@")(sa.cast(value, TSQUERY))
    else:
        table, column = _FTS, _FTS.c.rowid
        value = sa.bindparam(key, type_=sa.Text)
        found = sa.literal_column("document_search").op("MATCH")(value)
    statement = sa.select(column).where(found)
    if where:
        statement = statement.join_from(table, Document, Document.id == column).where(*where)
    newest = (column + 0) if postgres and few else column
    return statement.order_by(newest.desc())


@dataclass(frozen=True)
class _Row:
    """A candidate document: its columns, its indexed (clean) title and body and their
    :func:`fold_text`."""

    document_id: int
    dossier_id: int | None
    doc_type: str | None
    filename: str
    title: str
    body: str
    folded_title: str
    folded_body: str
    original: bool = True  # False: title and body were not read (empty)

    @property
    def texts(self) -> tuple[str, str, str, str]:
        """Title, body, folded title, folded body: :meth:`_Ranker.score_folded`'s input."""
        return self.title, self.body, self.folded_title, self.folded_body


def _with_text(session: Session, postgres: bool, document_ids: list[int], *,
               original: bool = True) -> list[_Row]:  # fmt: skip
    """The documents with their indexed text, in id order; text indexed before
    ``document_search_folded`` existed is folded here. ``original=False``: the original
    title and body only where there is no folded text (half the bytes to read)."""
    if not document_ids:
        return []
    statement = (_text_select(postgres, original)
                 .where(Document.id.in_(document_ids)).order_by(Document.id))  # fmt: skip
    return [_read_row(row, original=original) for row in session.execute(statement)]


def _text_select(postgres: bool, original: bool) -> sa.Select[Any]:
    """Documents' columns and indexed text, as :func:`_read_row` reads them (see
    :func:`_with_text` for ``original``)."""
    text = _PG if postgres else _TEXT
    unfolded = _FOLDED.c.document_id.is_(None)
    title, body = ((text.c.title, text.c.body) if original else
                   (sa.case((unfolded, text.c.title)), sa.case((unfolded, text.c.body))))
    return (sa.select(Document.id, Document.dossier_id, Document.doc_type, Document.filename,
                      title, body, _FOLDED.c.title, _FOLDED.c.body)
            .join_from(Document, text, text.c.document_id == Document.id)
            .outerjoin(_FOLDED, _FOLDED.c.document_id == Document.id))  # fmt: skip


def _read_row(columns: Sequence[Any], *, original: bool) -> _Row:
    """A :class:`_Row` from :func:`_text_select`'s columns; text indexed before
    ``document_search_folded`` existed is folded here."""
    document_id, dossier_id, doc_type, filename, title, body, folded_title, folded_body = columns
    if folded_title is None:
        folded_title, folded_body = fold_text(title), fold_text(body)
    return _Row(document_id, dossier_id, doc_type, filename, title or "", body or "",
                folded_title, folded_body, original or title is not None)


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


def _snippet(text: str, pattern: re.Pattern[str], folded: str | None = None) -> str | None:
    """About ``SNIPPET_WORDS`` words of ``text`` from a little before the first match of
    ``pattern`` (sought in the folded text; ``folded``: :func:`fold_text` of ``text`` when
    known) as escaped HTML, the matches in their original spelling in ``<mark>`` (neighbours
    share one); ``None`` if nothing matches."""
    original = unicodedata.normalize("NFC", text)
    if folded is None:
        folded = fold_text(original)
    starts: list[int] | None = None  # folded offset of each character, when they differ
    if len(folded) != len(original):
        pieces = list(map(_FOLD.__getitem__, map(ord, original)))
        starts = list(accumulate(map(len, pieces), initial=0))
    first = _densest_match(pattern, folded)
    if first is None:
        return None
    reach = 40  # characters surely holding a word and its separator, or the text's end
    lead_from = max(0, first.start() - SNIPPET_LEAD * reach)
    tail_to = first.start() + SNIPPET_WORDS * reach
    lead = [m for m in WORD.finditer(folded, lead_from, first.start())
            if m.start() > lead_from or lead_from == 0][-SNIPPET_LEAD:]  # fmt: skip
    wanted = SNIPPET_WORDS - len(lead)
    tail = list(islice((m for m in WORD.finditer(folded, first.start(), tail_to)
                        if m.end() < tail_to or tail_to >= len(folded)), wanted + 1))
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
        return offset if starts is None else bisect_right(starts, offset) - 1

    out, cursor = ["… " if WORD.search(folded, 0, begin) else ""], origin(begin)
    for mark_start, mark_end in marks:
        out.append(html.escape(SPACES.sub(" ", original[cursor : origin(mark_start)])))
        cursor = origin(mark_end)
        out.append(f"<mark>{html.escape(original[origin(mark_start) : cursor])}</mark>")
    out.append(html.escape(SPACES.sub(" ", original[cursor : origin(end)])))
    out.append(" …" if WORD.search(folded, end) else "")
    return "".join(out).strip()
