"""Fields a document's type has that the extractor could not find: each is flagged for a
person with a review entry naming the field and the part of the page it is looked for in
(the header for the number, date and agency; the signer block for the signer; the first
page otherwise), so no field of the type is ever silently absent from the answer.
"""

from __future__ import annotations

from ingest.classify import layout
from ingest.classify.handwriting import Review
from ingest.classify.lines import Line, ReadDocument

NOT_FOUND = "not found"
"""The review reason of a field the extractor could not find (nor read by hand)."""

HEADER_FIELDS = ("so_ky_hieu", "ngay_ban_hanh", "co_quan_ban_hanh")
SIGNER_FIELDS = ("nguoi_ky", "chuc_vu")


def not_found(document: ReadDocument, name: str) -> Review:
    """The review entry for field ``name`` that ``document`` should hold but whose value
    was not found: the box (points) of the lines where it is looked for, or the whole page
    when those are unknown (a page without geometry gives an empty box)."""
    lines = _looked_in(document, name)
    located = [line for line in lines if line.has_geometry]
    if located:
        page = located[0].page
        same = [line for line in located if line.page == page]
        return Review(name, NOT_FOUND, page, (min(line.left for line in same),
                                              min(line.top for line in same),
                                              max(line.right for line in same),
                                              max(line.bottom for line in same)))
    page = lines[0].page if lines else 0
    width = document.page_widths[page] if page < len(document.page_widths) else 0.0
    height = document.page_heights[page] if page < len(document.page_heights) else 0.0
    return Review(name, NOT_FOUND, page, (0.0, 0.0, width, height))


def _looked_in(document: ReadDocument, name: str) -> list[Line]:
    """The lines field ``name`` is looked for in."""
    if name in HEADER_FIELDS:
        header = layout.find_header(document)
        return header.lines[:header.end] if header.end else header.lines
    if name in SIGNER_FIELDS:
        blocks = layout.signer_blocks(document)
        if blocks:
            return blocks[0]
        return next((page for page in reversed(document.pages) if page), [])
    return document.pages[0] if document.pages else []
