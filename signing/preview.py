"""Where a queued signature will show: the page that gets it, rendered as a PNG with the
placement rectangle drawn on it, found by the same appearance plan the signing uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pymupdf as _pymupdf
from sqlalchemy.orm import Session

from signing.appearance import plan_appearance
from signing.errors import SigningInputError
from signing.requests import SigningSetup, signable_file
from storage.accounts import CurrentUser
from storage.errors import NotFoundError
from storage.objects import ObjectStore
from storage.records import Document, SigningRequest, SigningRole
from storage.records.files import read_file

pymupdf: Any = _pymupdf
PREVIEW_DPI = 96
MARK_COLOUR = (0.85, 0.1, 0.1)


@dataclass(frozen=True)
class PlacementPreview:
    """The page (0-based) a signature goes on and its PNG with the rectangle drawn."""

    request_id: int
    page_index: int
    page_count: int
    png: bytes


def _stamp_placeholder(role: SigningRole) -> list[str] | None:
    if role == SigningRole.copy:
        return ["SAO Y", "…"]
    if role == SigningRole.attachment:
        return ["Số: …", "…"]
    return None


def placement_preview(session: Session, store: ObjectStore, user: CurrentUser,
                      request_id: int, setup: SigningSetup, *,
                      dpi: int = PREVIEW_DPI) -> PlacementPreview:
    """The page of request ``request_id`` (one of ``user``'s own) that its signature goes
    on, as the signing would place it on the document's current file, rendered at ``dpi``
    with the placement rectangle outlined."""
    request = session.get(SigningRequest, request_id)
    if request is None or request.signer_id != user.id:
        raise NotFoundError("no such signing request in your queue",
                            subject=f"request {request_id}")
    document = session.get(Document, request.document_id)
    if document is None or not user.can_see_unit(document.unit_id):
        raise NotFoundError("no such document", subject=f"request {request_id}")
    data = read_file(store, signable_file(session, document))
    role = SigningRole(request.role)
    source = f"document {document.id} ({document.filename})"
    try:
        doc: Any = pymupdf.open(stream=data, filetype="pdf")
    except (RuntimeError, ValueError) as error:
        raise SigningInputError("not a readable PDF", subject=source) from error
    with doc:
        plan = plan_appearance(role.value, doc, source=source,
                               image=setup.appearance_image(role),
                               stamp_lines=_stamp_placeholder(role))
        page = doc[plan.page_index]
        x0, y0, x1, y1 = plan.box  # PDF user space: origin bottom left
        rect = pymupdf.Rect(x0, y0, x1, y1) * page.transformation_matrix
        rect.normalize()
        page.draw_rect(rect, color=MARK_COLOUR, width=2, dashes="[6 3] 0")
        pixmap = page.get_pixmap(dpi=dpi, alpha=False)
        return PlacementPreview(request_id=request.id, page_index=plan.page_index,
                                page_count=doc.page_count, png=pixmap.tobytes("png"))
