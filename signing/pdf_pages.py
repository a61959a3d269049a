"""Laying HTML out on as many PDF pages as it needs (PyMuPDF's Story): the verification
report and the register books both print this way."""

from __future__ import annotations

import io
from typing import Any

import pymupdf as _pymupdf

pymupdf: Any = _pymupdf


def lay_out(markup: str, css: str, archive: Any, *, paper: str = "a4",
            margin: float = 42) -> bytes:
    """``markup`` styled by ``css`` (fonts found in ``archive``) on ``paper`` pages
    (``"a4"``, ``"a4-l"`` landscape) with ``margin`` points all round; the PDF's bytes."""
    story = pymupdf.Story(html=markup, user_css=css, archive=archive)
    buffer = io.BytesIO()
    writer = pymupdf.DocumentWriter(buffer)
    mediabox = pymupdf.paper_rect(paper)
    where = pymupdf.Rect(margin, margin, mediabox.x1 - margin, mediabox.y1 - margin)
    more = True
    while more:
        device = writer.begin_page(mediabox)
        more, _ = story.place(where)
        story.draw(device)
        writer.end_page()
    writer.close()
    return buffer.getvalue()
