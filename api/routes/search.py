"""Full-text search over OCR text and fields, insensitive to case and diacritics."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import Offset, QueryId, SessionDep, UserDep
from api.schemas import HitOut
from api.transactions import CommitOnReturn
from storage.access import visible_unit
from storage.records import unit_subtree_ids
from storage.search import SearchFilters, search

router = APIRouter(route_class=CommitOnReturn, prefix="/search", tags=["search"])


@router.get("", response_model=list[HitOut], summary="Search documents")
def search_documents(
        user: UserDep, session: SessionDep,
        q: Annotated[str, Query(min_length=1, max_length=500, description="words to find")],
        unit: Annotated[str | None, Query(description="unit code (and the units below)")] = None,
        doc_type: str | None = None, status: str | None = None, dossier: QueryId = None,
        date_from: Annotated[date | None, Query(alias="from")] = None,
        date_to: Annotated[date | None, Query(alias="to")] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 20,
        offset: Offset = 0) -> list[HitOut]:
    """Documents of the user's units whose text or fields hold every word of ``q`` ("ho so
    dat dai" finds "hồ sơ đất đai"), ranked, each with a highlighted snippet."""
    unit_ids: set[int] = set(user.visible_unit_ids)
    if unit:
        unit_ids = unit_subtree_ids(session, visible_unit(session, user, unit).id) & unit_ids
    filters = SearchFilters(unit_ids=unit_ids, doc_type=doc_type, date_from=date_from,
                            date_to=date_to, status=status, dossier_id=dossier)
    hits = search(session, q, filters, limit=limit, offset=offset)
    return [HitOut(document_id=hit.document_id, dossier_id=hit.dossier_id, doc_type=hit.doc_type,
                   filename=hit.filename, score=round(hit.score, 4), snippet=hit.snippet)
            for hit in hits]
