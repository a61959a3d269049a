"""The records office's pages: drafts and asking a leader to sign them, applying the
agency's signature (the seal) to what a leader signed, and documents received from other
units with the verdict of their check on arrival."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup
from starlette.responses import Response

from api.deps import RuntimeDep, SessionDep
from api.transactions import CommitOnReturn
from api.web.pages.signing import SEAL_ROLES, awaiting_rows, queue_rows
from api.web.session import CsrfChecked, PageUser, flash, request_language, require_page_roles
from api.web.templates import render
from signing.drafts import leaders_for, unit_drafts
from signing.incoming import receive_signed
from signing.received import arrival_report, received_documents
from signing.requests import request_signature, store_draft
from signing.seal import queue_seal
from signing.verify.render import report_fragment, report_pdf, verdict
from storage.access import visible_document
from storage.errors import BadInputError
from storage.records import UserRole

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
ClerkUser = Annotated[PageUser, require_page_roles(UserRole.clerk)]
DrafterUser = Annotated[PageUser, require_page_roles(UserRole.clerk, UserRole.leader)]
ReceiverUser = Annotated[PageUser, require_page_roles(UserRole.clerk, UserRole.leader,
                                                     UserRole.intake)]
LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")


def _see_other(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


def _language(request: Request) -> Literal["vi", "en"]:
    return "en" if request_language(request) == "en" else "vi"


def _default_level(runtime: RuntimeDep) -> str:
    return "B-T" if runtime.settings.tsa_url else "B-B"


def _drafts_page(request: Request, runtime: RuntimeDep, session: SessionDep, user: PageUser,
                 *, errors: dict[str, str] | None = None, status: int = 200) -> Response:
    return render(request, "office/drafts.html", user=user,
                  secret=runtime.settings.url_secret(), status=status,
                  drafts=unit_drafts(session, user.user), leaders=leaders_for(session, user.user),
                  levels=LEVELS, default_level=_default_level(runtime), errors=errors or {})


@router.get("/ui/drafts", response_class=HTMLResponse)
def drafts(request: Request, runtime: RuntimeDep, session: SessionDep,
           user: DrafterUser) -> Response:
    """The unit's drafts, their signing requests, and the forms to add and send them."""
    return _drafts_page(request, runtime, session, user)


@router.post("/ui/drafts", response_class=HTMLResponse, dependencies=[CsrfChecked])
def upload_draft(request: Request, file: UploadFile, runtime: RuntimeDep, user: DrafterUser,
                 session: SessionDep) -> Response:
    """Keep an uploaded PDF as a draft of the user's unit."""
    try:
        store_draft(session, runtime.store, dossier=None, user=user.user,
                    filename=file.filename or "du-thao.pdf", stream=file.file,
                    max_bytes=runtime.settings.max_upload_bytes)
    except BadInputError as error:
        session.rollback()
        return _drafts_page(request, runtime, session, user, errors={"file": str(error)},
                            status=422)
    response = _see_other("/ui/drafts")
    flash(response, "office.draft_stored")
    return response


@router.post("/ui/drafts/{document_id}/request", response_class=HTMLResponse,
             dependencies=[CsrfChecked])
def ask_leader(request: Request, document_id: int, runtime: RuntimeDep, session: SessionDep,
               user: DrafterUser,
               signer: Annotated[str, Form(max_length=64)],
               level: Annotated[str, Form(max_length=8)] = "B-T") -> Response:
    """Put a draft in a leader's queue for their signature."""
    document = visible_document(session, user.user, document_id)
    try:
        request_signature(session, user.user, document, signer, "leader", level)
    except BadInputError as error:
        session.rollback()
        return _drafts_page(request, runtime, session, user,
                            errors={f"signer-{document_id}": str(error)}, status=422)
    response = _see_other("/ui/drafts")
    flash(response, "office.requested")
    return response


@router.get("/ui/seal", response_class=HTMLResponse)
def seal(request: Request, runtime: RuntimeDep, user: ClerkUser) -> Response:
    """Leader-signed documents awaiting the seal, and the clerk's seal queue to sign with
    one PIN entry."""
    pending, signed = queue_rows(runtime, user, SEAL_ROLES)
    return render(request, "office/seal.html", user=user, secret=runtime.settings.url_secret(),
                  awaiting=awaiting_rows(runtime, user), pending=pending, signed=signed,
                  results=[], error=None)


@router.post("/ui/seal/queue", dependencies=[CsrfChecked])
def queue_for_seal(runtime: RuntimeDep, session: SessionDep, user: ClerkUser,
                   document_id: Annotated[list[int] | None, Form()] = None) -> Response:
    """Put the checked leader-signed documents in the clerk's own seal queue."""
    for item in (document_id or [])[:200]:
        queue_seal(session, user.user, item, _default_level(runtime))
    response = _see_other("/ui/seal")
    flash(response, "office.seal_queued" if document_id else "signing.none_selected")
    return response


@router.get("/ui/incoming", response_class=HTMLResponse)
def incoming(request: Request, runtime: RuntimeDep, session: SessionDep,
             user: ReceiverUser) -> Response:
    """Documents received from other units with their verdict, and the upload form."""
    return _incoming_page(request, runtime, session, user)


def _incoming_page(request: Request, runtime: RuntimeDep, session: SessionDep, user: PageUser,
                   *, errors: dict[str, str] | None = None, status: int = 200,
                   sender: str = "") -> Response:
    lang = _language(request)
    rows = [(item.document, item.report.valid, verdict(item.report, lang=lang))
            for item in received_documents(session, runtime.store, user.user)]
    return render(request, "office/incoming.html", user=user, status=status,
                  secret=runtime.settings.url_secret(), rows=rows, errors=errors or {},
                  sender=sender)


@router.post("/ui/incoming", response_class=HTMLResponse, dependencies=[CsrfChecked])
def receive(request: Request, file: UploadFile, runtime: RuntimeDep, session: SessionDep,
            user: ReceiverUser,
            sender: Annotated[str, Form(max_length=255)] = "") -> Response:
    """Register a received PDF: stored first, verified, the report kept beside it."""
    try:
        document, _ = receive_signed(
            session, runtime.store, user=user.user, filename=file.filename or "van-ban-den.pdf",
            stream=file.file, sender=sender, max_bytes=runtime.settings.max_upload_bytes,
            setup=runtime.settings.verify_setup())
    except BadInputError as error:
        session.rollback()
        return _incoming_page(request, runtime, session, user, errors={"file": str(error)},
                              status=422, sender=sender)
    return _see_other(f"/ui/incoming/{document.id}")


@router.get("/ui/incoming/{document_id}", response_class=HTMLResponse)
def incoming_report(request: Request, document_id: int, runtime: RuntimeDep, user: ReceiverUser,
                    session: SessionDep) -> Response:
    """The verification report made when the document arrived."""
    document = visible_document(session, user.user, document_id)
    report = arrival_report(session, runtime.store, document)
    return render(request, "office/incoming_report.html", user=user,
                  secret=runtime.settings.url_secret(), document=document,
                  valid=report.valid,
                  report=Markup(report_fragment(report, lang=_language(request))))  # noqa: S704 - escaped by the renderer


@router.get("/ui/incoming/{document_id}/report.pdf")
def incoming_report_pdf(request: Request, document_id: int, runtime: RuntimeDep,
                        user: ReceiverUser,
                        session: SessionDep) -> Response:
    """The same report as an A4 PDF."""
    document = visible_document(session, user.user, document_id)
    report = arrival_report(session, runtime.store, document)
    return Response(report_pdf(report, lang=_language(request)), media_type="application/pdf",
                    headers={"Content-Disposition": 'inline; filename="bao-cao-xac-minh.pdf"',
                             "Cache-Control": "no-store"})
