"""The leader's signing pages: the queue of requests awaiting their signature, a preview
of where each signature goes, and signing a selection with one PIN entry.

Signing one selection: the form posts every checked request and the PIN to
``/ui/signing/sign``, which calls :func:`signing.requests.sign_batch` (one key unlock, PIN
attempts counted and locked out by ``pin_limits`` as the API's). With JavaScript
(``static/signing.js``) the page keeps the PIN in the form only while it runs and posts one
request per call, so it can show progress and each result as it comes; the server never
keeps the PIN. The records office's seal page posts to the same endpoint.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from api.deps import RuntimeDep, SessionDep
from api.transactions import CommitOnReturn
from api.web.session import CsrfChecked, PageUser, require_page_roles, texts
from api.web.templates import render
from signing.errors import WrongPinError
from signing.preview import placement_preview
from signing.requests import SignedItem, sign_batch, signer_queue
from signing.seal import awaiting_seal
from storage.access import visible_document
from storage.errors import TooManyAttemptsError
from storage.records import (
    Document,
    FileRole,
    SigningRequest,
    SigningRequestStatus,
    SigningRole,
    UserRole,
)
from storage.records.files import read_file, require_file

router = APIRouter(route_class=CommitOnReturn, include_in_schema=False)
ReaderUser = Annotated[PageUser, require_page_roles(UserRole.leader, UserRole.clerk,
                                                   UserRole.intake)]
SignerUser = Annotated[PageUser, require_page_roles(UserRole.leader, UserRole.clerk)]
MAX_BATCH = 200


Rows = list[tuple[SigningRequest, Document]]
LEADER_ROLES = (SigningRole.leader, SigningRole.attachment, SigningRole.copy)
SEAL_ROLES = (SigningRole.agency,)


def queue_rows(runtime: RuntimeDep, user: PageUser,
               roles: tuple[SigningRole, ...]) -> tuple[Rows, Rows]:
    """The user's pending requests in ``roles`` and their 20 latest signed ones (newest
    first), with their documents, read in a session of their own (kept readable after)."""
    with runtime.db.session() as session:
        pending = [row for row in signer_queue(session, user.user, SigningRequestStatus.pending)
                   if row[0].role in roles]
        signed = [row for row in signer_queue(session, user.user, SigningRequestStatus.signed)
                  if row[0].role in roles][-20:]
        session.expunge_all()
    return pending, list(reversed(signed))


def awaiting_rows(runtime: RuntimeDep, user: PageUser) -> list[Document]:
    """Leader-signed documents of the user's units still without the agency's seal."""
    with runtime.db.session() as session:
        found = awaiting_seal(session, user.user)
        session.expunge_all()
    return found


@router.get("/ui/signing", response_class=HTMLResponse)
def sign_queue(request: Request, runtime: RuntimeDep, user: SignerUser) -> Response:
    """Documents awaiting the user's signature, to preview and sign several at once."""
    pending, signed = queue_rows(runtime, user, LEADER_ROLES)
    return render(request, "signing/queue.html", user=user,
                  secret=runtime.settings.url_secret(), pending=pending, signed=signed,
                  results=[], error=None)


@router.post("/ui/signing/sign", response_class=HTMLResponse, dependencies=[CsrfChecked])
def sign_selected(request: Request, runtime: RuntimeDep, user: SignerUser,
                  pin: Annotated[str, Form(max_length=256)] = "",
                  request_id: Annotated[list[int] | None, Form()] = None) -> Response:
    """Sign the checked requests with the PIN given; each result links its signed PDF.
    A wrong PIN is counted (and locks signing for a while past the limit) and shown beside
    the PIN field."""
    catalogue = texts(request)
    partial = bool(request.headers.get("hx-request"))
    ids = list(request_id or [])[:MAX_BATCH]
    error: str | None = None
    status = 200
    results: list[SignedItem] = []
    if not ids:
        error, status = catalogue.text("signing.none_selected"), 422
    elif not pin:
        error, status = catalogue.text("signing.pin_missing"), 422
    else:
        try:
            results = sign_batch(runtime.db.session, runtime.store, user.user, ids, pin,
                                 runtime.settings.signing_setup(),
                                 pin_limits=runtime.settings.pin_limits())
        except WrongPinError:
            error, status = catalogue.text("signing.wrong_pin"), 422
        except TooManyAttemptsError as locked:
            minutes = max(1, -(-locked.retry_after // 60))
            error, status = catalogue.text("signing.locked", minutes=minutes), 429
    if partial:
        return render(request, "signing/partials/sign_result.html", user=user,
                      secret=runtime.settings.url_secret(), status=status, results=results,
                      error=error)
    sealing = user.role == UserRole.clerk
    pending, signed = queue_rows(runtime, user, SEAL_ROLES if sealing else LEADER_ROLES)
    template = "office/seal.html" if sealing else "signing/queue.html"
    return render(request, template, user=user, secret=runtime.settings.url_secret(),
                  status=status, pending=pending, signed=signed, results=results, error=error,
                  awaiting=awaiting_rows(runtime, user) if sealing else [])


@router.get("/ui/signing/requests/{request_id}/preview", response_class=HTMLResponse)
def preview_page(request: Request, request_id: int, runtime: RuntimeDep, user: SignerUser,
                 session: SessionDep) -> Response:
    """The page that gets the signature, with its place outlined."""
    preview = placement_preview(session, runtime.store, user.user, request_id,
                                runtime.settings.signing_setup())
    back = "/ui/seal" if user.role == UserRole.clerk else "/ui/signing"
    return render(request, "signing/preview.html", user=user,
                  secret=runtime.settings.url_secret(), request_id=request_id,
                  page_number=preview.page_index + 1, page_count=preview.page_count,
                  back=back)


@router.get("/ui/signing/requests/{request_id}/preview.png")
def preview_png(request_id: int, runtime: RuntimeDep, session: SessionDep,
                user: SignerUser) -> Response:
    """The preview image (PNG) of the page that gets request ``request_id``'s signature."""
    preview = placement_preview(session, runtime.store, user.user, request_id,
                                runtime.settings.signing_setup())
    return Response(preview.png, media_type="image/png",
                    headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                             "X-Page-Index": str(preview.page_index)})


@router.get("/ui/signing/documents/{document_id}/signed.pdf")
def signed_pdf(document_id: int, runtime: RuntimeDep, session: SessionDep, user: ReaderUser,
               version: Annotated[int | None, Query(ge=1)] = None) -> Response:
    """A signed version of a document of the user's units (the newest by default)."""
    document = visible_document(session, user.user, document_id)
    row = require_file(session, document, FileRole.signed,
                       up_to_version=version or document.current_version)
    name = f"{document.filename.rsplit('.', 1)[0]}-v{row.version}-signed.pdf"
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)
    return Response(read_file(runtime.store, row), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{safe}"',
                             "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
