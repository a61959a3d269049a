"""Background jobs: their state and progress."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import SessionDep, UserDep
from api.schemas import JobOut
from api.transactions import CommitOnReturn
from storage.access import visible_job

router = APIRouter(route_class=CommitOnReturn, prefix="/jobs", tags=["documents"])


@router.get("/{job_id}", response_model=JobOut, summary="A job's state and progress")
def get_job(job_id: str, user: UserDep, session: SessionDep) -> JobOut:
    """Status, progress (done of total) and result of a job on a visible record."""
    return JobOut.of(visible_job(session, user, job_id))
