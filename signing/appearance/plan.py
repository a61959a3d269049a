"""Which appearance a signature gets, where, and in what style, by signer role.

* ``leader``: the leader's handwritten signature image in the signer block's space on the
  last page;
* ``agency``: the agency's seal at real size over the left third of the leader's signature
  (found as the earliest signed, visible signature widget on the last page), or centred on
  the signer block's space when there is none;
* ``attachment`` / ``copy``: text at the top right of the first page (number/symbol and
  agency, or kind of copy and copying agency) and the signing time in Vietnam time.

The plan plugs straight into pyHanko: ``SigFieldSpec(sig_field_name=..., on_page=
plan.page_index, box=plan.box)`` and ``PdfSigner(..., stamp_style=plan.style)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymupdf as _pymupdf
from pyhanko.stamp import BaseStampStyle

from signing.appearance.blocks import find_signer_block
from signing.appearance.geometry import Box
from signing.appearance.placement import leader_box, seal_box, seal_box_on_gap, stamp_box
from signing.appearance.styles import image_size, image_style, sized_lines, text_style
from signing.errors import SigningInputError

pymupdf: Any = _pymupdf

ROLES = ("leader", "agency", "attachment", "copy")
_NUMBERS = re.compile(r"-?\d+(?:\.\d*)?")


@dataclass(frozen=True)
class AppearancePlan:
    """Where and how a signature shows: pass ``page_index`` and ``box`` to pyHanko's
    ``SigFieldSpec(on_page=..., box=...)`` and ``style`` as ``PdfSigner(stamp_style=...)``."""

    role: str
    page_index: int  # 0-based
    box: tuple[float, float, float, float]  # PDF user space: x0, y0, x1, y1 in points
    style: BaseStampStyle


def _numbers(value: str) -> list[float]:
    return [float(number) for number in _NUMBERS.findall(value)]


def _signed_extent(doc: Any, xref: int) -> int | None:
    """Bytes covered by the signature of the field at ``xref`` (None: not signed)."""
    for holder in (xref, _parent(doc, xref)):
        if holder is None:
            continue
        kind, value = doc.xref_get_key(holder, "V")
        if kind == "xref":
            _, ranges = doc.xref_get_key(int(value.split()[0]), "ByteRange")
            numbers = _numbers(ranges)
            return int(numbers[-2] + numbers[-1]) if len(numbers) >= 4 else 0
    return None


def _parent(doc: Any, xref: int) -> int | None:
    kind, value = doc.xref_get_key(xref, "Parent")
    return int(value.split()[0]) if kind == "xref" else None


def signed_signature_boxes(document: _pymupdf.Document, page_index: int) -> list[Box]:
    """The ``/Rect`` of each signed, visible signature widget on page ``page_index``, in PDF
    user space, earliest signature first (by the bytes its signature covers)."""
    doc: Any = document
    found: list[tuple[int, Box]] = []
    for widget in doc[page_index].widgets(types=[pymupdf.PDF_WIDGET_TYPE_SIGNATURE]):
        extent = _signed_extent(doc, widget.xref)
        rect = _numbers(doc.xref_get_key(widget.xref, "Rect")[1])
        if extent is None or len(rect) != 4:
            continue
        box = Box(min(rect[0], rect[2]), min(rect[1], rect[3]),
                  max(rect[0], rect[2]), max(rect[1], rect[3]))
        if box.width > 1 and box.height > 1:
            found.append((extent, box))
    return [box for _, box in sorted(found, key=lambda item: item[0])]


def _crop(doc: Any, index: int) -> Box:
    crop = doc[index].cropbox
    return Box(float(crop.x0), float(crop.y0), float(crop.x1), float(crop.y1))


def plan_appearance(role: str, document: _pymupdf.Document, *, source: str,
                    image: Path | None = None, stamp_lines: list[str] | None = None
                    ) -> AppearancePlan:
    """The appearance of a signature by ``role`` (``leader``, ``agency``, ``attachment``,
    ``copy``) on ``document``; see the module docstring. ``image`` is the signature (leader)
    or seal (agency) PNG; ``stamp_lines`` the text lines of an attachment or copy stamp (the
    signing-time line is added).

    Raises :class:`~signing.errors.SigningInputError` naming ``source`` for an unknown role,
    a missing image or missing lines, and
    :class:`~signing.errors.SignerBlockNotFoundError` when a leader signature has nowhere
    to go.
    """
    doc: Any = document
    if role not in ROLES:
        raise SigningInputError(f"unknown signer role {role!r}; expected one of "
                                f"{', '.join(ROLES)}", subject=source)
    if doc.page_count < 1:
        raise SigningInputError("the document has no pages", subject=source)
    if role in ("attachment", "copy"):
        if not stamp_lines:
            raise SigningInputError(f"a {role} signature needs the lines of its stamp text",
                                    subject=source)
        try:
            style = text_style(stamp_lines)
        except SigningInputError as error:
            error.subject = error.subject or source
            raise
        page = _crop(doc, 0)
        box = stamp_box(page.width, page.height, sized_lines(stamp_lines),
                        page_origin=(page.x0, page.y0))
        return AppearancePlan(role, 0, box.as_tuple(), style)
    if image is None:
        what = "signature image" if role == "leader" else "seal image"
        raise SigningInputError(f"a {role} signature needs its {what}", subject=source)
    picture = image_style(image)
    last = doc.page_count - 1
    if role == "leader":
        block = find_signer_block(document, source=source)
        try:
            box = leader_box(block, *image_size(picture))
        except SigningInputError as error:
            error.subject = error.subject or source
            raise
        return AppearancePlan(role, block.page_index, box.as_tuple(), picture)
    leaders = signed_signature_boxes(document, last)
    if leaders:
        box = seal_box(leaders[0], page=_crop(doc, last))
    else:
        box = seal_box_on_gap(find_signer_block(document, source=source))
    return AppearancePlan(role, last, box.as_tuple(), picture)
