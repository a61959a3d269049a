"""One dossier: its page (documents, status history, the moves the user may make), a status
move, its cover sheet for batch scanning, and the citizen's receipt with its QR code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from api.deps import Id, RuntimeDep, SessionDep
from api.transactions import CommitOnReturn
from api.web.pages.dossiers_format import DOSSIER_ROLES, template_helpers
from api.web.session import CsrfChecked, PageUser, flash, require_page_roles
from api.web.templates import render
from ingest.coversheet import cover_sheet_pdf, dossier_cover_info
from ingest.dossier_views import (
    allowed_moves,
    dossier_documents,
    dossier_history,
    is_overdue,
    today_in_vietnam,
)
from ingest.lifecycle import move_dossier
from ingest.receipts import check_code, status_link, status_qr_png
from storage.access import visible_dossier
from storage.errors import BadInputError
from storage.records import DossierStatus

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
Reader = Annotated[PageUser, require_page_roles(*DOSSIER_ROLES)]


@router.get("/ui/dossiers/{dossier_id}", response_class=HTMLResponse)
def dossier_page(request: Request, dossier_id: Id, runtime: RuntimeDep, session: SessionDep,
                 user: Reader) -> Response:
    """The dossier: its facts, documents, status history and the moves the user may make
    (another unit's dossier is not found)."""
    dossier = visible_dossier(session, user.user, dossier_id)
    return render(request, "dossiers/page.html", user=user,
                  secret=runtime.settings.url_secret(), dossier=dossier,
                  unit=dossier.unit, overdue=is_overdue(dossier, today_in_vietnam()),
                  documents=dossier_documents(session, dossier.id),
                  history=dossier_history(session, dossier.id),
                  moves=allowed_moves(dossier.status, user.role), **template_helpers())


@router.post("/ui/dossiers/{dossier_id}/move", dependencies=[CsrfChecked])
def dossier_move(dossier_id: Id, session: SessionDep, user: Reader,
                 to: Annotated[str, Form(max_length=32)],
                 note: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Move the dossier along its life (the lifecycle's rules, as the API's)."""
    dossier = visible_dossier(session, user.user, dossier_id)
    try:
        target = DossierStatus(to)
    except ValueError:
        raise BadInputError("not a dossier status", subject="to") from None
    move_dossier(session, dossier, target, actor=user.user.username, role=user.role,
                 note=note.strip())
    response = RedirectResponse(f"/ui/dossiers/{dossier.id}", status_code=303)
    flash(response, "dossiers.moved")
    return response


@router.get("/ui/dossiers/{dossier_id}/cover-sheet.pdf")
def dossier_cover_sheet(dossier_id: Id, session: SessionDep, user: Reader) -> Response:
    """The dossier's cover sheet (A4 PDF, QR code) to put on the paper before scanning."""
    dossier = visible_dossier(session, user.user, dossier_id)
    return Response(cover_sheet_pdf(dossier_cover_info(session, dossier)),
                    media_type="application/pdf", headers={
                        "Content-Disposition": f'inline; filename="bia-ho-so-{dossier.id}.pdf"',
                        "Cache-Control": "no-store"})


@router.get("/ui/dossiers/{dossier_id}/receipt", response_class=HTMLResponse)
def dossier_receipt(request: Request, dossier_id: Id, runtime: RuntimeDep,
                    session: SessionDep, user: Reader) -> Response:
    """The receipt and appointment slip for the citizen, to print."""
    dossier = visible_dossier(session, user.user, dossier_id)
    secret = runtime.settings.url_secret()
    return render(request, "dossiers/receipt.html", user=user, secret=secret,
                  dossier=dossier, unit=dossier.unit,
                  documents=dossier_documents(session, dossier.id),
                  check=check_code(secret, dossier.id),
                  link=status_link(runtime.settings.public_url, secret, dossier.id),
                  **template_helpers())


@router.get("/ui/dossiers/{dossier_id}/receipt/qr.png")
def dossier_receipt_qr(dossier_id: Id, runtime: RuntimeDep, session: SessionDep,
                       user: Reader) -> Response:
    """The receipt's QR code: the public status page's address with both codes."""
    dossier = visible_dossier(session, user.user, dossier_id)
    secret = runtime.settings.url_secret()
    link = status_link(runtime.settings.public_url, secret, dossier.id)
    return Response(status_qr_png(link), media_type="image/png",
                    headers={"Cache-Control": "private, no-store"})
