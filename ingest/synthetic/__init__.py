"""Synthetic Vietnamese administrative documents with ground truth, for bootstrapping and tests.

Pure Python: word lists (:mod:`.vocabulary`, :mod:`.agencies`, :mod:`.summaries`,
:mod:`.sentences`, :mod:`.forms_vocabulary`), document builders (:mod:`.documents`) and
OCR-like noise (:mod:`.noise`). Rendering to PDF lives in ``tests/support/synthetic_pdf.py``.
"""

from ingest.synthetic.documents import (
    DOC_TYPES,
    Block,
    SyntheticDocument,
    generate_document,
    generate_documents,
)
from ingest.synthetic.noise import ocr_noise, strip_diacritics

__all__ = [
    "DOC_TYPES",
    "Block",
    "SyntheticDocument",
    "generate_document",
    "generate_documents",
    "ocr_noise",
    "strip_diacritics",
]
