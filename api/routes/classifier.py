"""The classifier's versions and retraining."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from api.deps import AdminDep, RuntimeDep, SessionDep, UserDep
from api.schemas import ClassifierOut, JobOut
from api.transactions import CommitOnReturn
from ingest.review import request_retraining
from storage.records import ClassifierModel

router = APIRouter(route_class=CommitOnReturn, prefix="/classifier", tags=["classification"])


@router.get("", response_model=list[ClassifierOut], summary="Model versions")
def list_versions(user: UserDep, session: SessionDep) -> list[ClassifierOut]:
    """Every trained classifier version, newest first."""
    rows = session.scalars(select(ClassifierModel).order_by(ClassifierModel.version.desc()))
    return [ClassifierOut.of(row) for row in rows]


@router.post("/retrain", response_model=JobOut, status_code=202,
             summary="Queue a retraining of the classifier")
def retrain(user: AdminDep, session: SessionDep, runtime: RuntimeDep) -> JobOut:
    """Train a new version from the generated set and every confirmation and correction."""
    return JobOut.of(request_retraining(session, runtime.queue))
