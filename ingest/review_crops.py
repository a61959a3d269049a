"""Pictures of handwritten blanks for the people who check a document: the region of its
searchable PDF where the classifier found a number or day written by hand and left the
field for a person to read (the classification's ``review`` entries)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from ingest.document_facts import handwritten_blanks
from ocr.errors import OcrInputError
from ocr.mupdf.preview import pdf_region_png
from storage.errors import NotFoundError
from storage.objects import CHUNK_SIZE, ObjectStore
from storage.records import Document, FileRole
from storage.records.files import require_file

CROP_WIDTH, CROP_HEIGHT = 480, 160
"""The largest picture of a blank, in pixels (about four times a line's height)."""


def review_crop_png(session: Session, store: ObjectStore, document: Document,
                    field: str) -> bytes:
    """The handwritten blank of ``field`` as PNG, drawn from the document's searchable PDF
    at the box the classification stored (never a box from outside);
    :class:`NotFoundError` when the field has no such blank or the document no such PDF."""
    blank = handwritten_blanks(document).get(field)
    if blank is None:
        raise NotFoundError("the field has no handwritten blank to show",
                            subject=f"document {document.id} field {field}")
    row = require_file(session, document, FileRole.searchable_pdf,
                       up_to_version=document.current_version)
    with tempfile.TemporaryDirectory(prefix="sohoa-crop-") as work:
        path = Path(work) / "searchable.pdf"
        with store.open(row.object_key) as stream, path.open("wb") as target:
            shutil.copyfileobj(stream, target, CHUNK_SIZE)
        try:
            return pdf_region_png(path, blank.page, blank.box, max_width=CROP_WIDTH,
                                  max_height=CROP_HEIGHT)
        except OcrInputError as error:  # a box off the page: nothing to show
            raise NotFoundError("the handwritten blank is not on the document's pages",
                                subject=f"document {document.id} field {field}") from error
