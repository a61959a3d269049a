"""Finding the signer block of Decree 30 documents: born-digital (text layer) and scanned
(OCR through the ocr package), and refusing pages without one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf
import pytest

from signing.appearance import Box, SignerBlock, find_signer_block
from signing.errors import SignerBlockNotFoundError
from tests.support.appearance import (
    born_digital,
    decree_document,
    line_rect,
    without_signer,
)
from tests.support.synthetic_pdf import Degradation, scan_pdf


def _pdf_box(rect: Any, page_height: float) -> Box:
    """A PyMuPDF rectangle (origin top left) in PDF user space (origin bottom left)."""
    return Box(rect.x0, page_height - rect.y1, rect.x1, page_height - rect.y0)


def _close(box: Box, other: Box, tolerance: float) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(box.as_tuple(), other.as_tuple(),
                                                       strict=True))


def _find(path: Path) -> SignerBlock:
    with pymupdf.open(path) as doc:
        return find_signer_block(doc, source=path.name)


@pytest.mark.parametrize(("doc_type", "seed", "position", "name"), [
    ("nghi_quyet", 0, "PHÓ CHỦ TỊCH", "Phạm Thị Thùy Xuân"),  # KT. CHỦ TỊCH above
    ("nghi_quyet", 1, "PHÓ CHỦ TỊCH", "Lê Đình Quyết"),  # TM. HĐND, KT. CHỦ TỊCH above
    ("quyet_dinh", 2, "TRƯỞNG PHÒNG", "Nguyễn Mỹ Thủy"),  # TUQ.; block at the top of p. 2
    ("don_de_nghi", 1, "NGƯỜI LÀM ĐƠN", "Phạm Quốc Phúc"),  # no "Nơi nhận:" column
])
def test_born_digital_signer_block(tmp_path: Path, doc_type: str, seed: int, position: str,
                                   name: str) -> None:
    path = born_digital(tmp_path, decree_document(doc_type, seed))
    block = _find(path)
    with pymupdf.open(path) as doc:
        last = doc.page_count - 1
        height = doc[last].rect.height
    assert block.page_index == last
    assert (block.position_text, block.name_text, block.read_by) == (position, name,
                                                                     "text-layer")
    assert _close(block.position, _pdf_box(line_rect(path, last, position), height), 1.5)
    assert _close(block.name, _pdf_box(line_rect(path, last, name), height), 1.5)
    assert block.position.y0 > block.name.y1 + 15 * 72 / 25.4  # the signature space
    assert block.page.as_tuple() == (0.0, 0.0, 595.28, 841.89)


def test_scanned_signer_block_is_found_by_ocr(tmp_path: Path) -> None:
    document = decree_document()
    reference = _find(born_digital(tmp_path, document))
    scan = tmp_path / "scan.pdf"
    scan_pdf(document, scan, Degradation(dpi=200, skew_deg=1.2, noise=0.02, blur=0.6))
    block = _find(scan)
    assert block.read_by == "ocr"
    assert block.page_index == reference.page_index
    assert _close(block.position, reference.position, 10.0), (block, reference)
    assert _close(block.name, reference.name, 10.0), (block, reference)
    assert abs(block.centre_x - reference.centre_x) < 4
    assert "CHỦ TỊCH" in block.position_text


@pytest.mark.parametrize(("doc_type", "seed"), [("nghi_quyet", 0), ("quyet_dinh", 1)])
def test_page_without_signer_block_is_refused(tmp_path: Path, doc_type: str,
                                              seed: int) -> None:
    path = born_digital(tmp_path, without_signer(decree_document(doc_type, seed)),
                        "unsigned.pdf")
    with pytest.raises(SignerBlockNotFoundError) as caught:
        _find(path)
    assert caught.value.subject == "unsigned.pdf"
    assert "no signer block" in str(caught.value)


def test_blank_scanned_page_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank.pdf"
    with pymupdf.open() as doc:
        doc.new_page(width=595, height=842)
        doc.save(path)
    with pytest.raises(SignerBlockNotFoundError, match=r"blank\.pdf"):
        _find(path)



@pytest.mark.parametrize("turn", [90, 270])
def test_page_shown_upright_by_its_rotate_entry(tmp_path: Path, turn: int) -> None:
    """A landscape page whose content is drawn turned and shown upright by /Rotate (a
    scanner's way): the block is read as displayed and given in the page's user space."""
    path = born_digital(tmp_path, decree_document("nghi_quyet", 0))
    upright = _find(path)
    turned = tmp_path / f"turned-{turn}.pdf"
    with pymupdf.open(path) as source, pymupdf.open() as doc:
        page = doc.new_page(width=source[-1].rect.height, height=source[-1].rect.width)
        page.show_pdf_page(page.rect, source, source.page_count - 1, rotate=turn)
        page.set_rotation(turn)
        doc.save(turned)
    block = _find(turned)
    assert (block.position_text, block.name_text) == (upright.position_text,
                                                      upright.name_text)
    with pymupdf.open(turned) as doc:
        height = doc[0].mediabox.height
        assert doc[0].rect.width < doc[0].rect.height  # shown as a portrait page
    position = _pdf_box(line_rect(turned, 0, upright.position_text), height)
    name = _pdf_box(line_rect(turned, 0, upright.name_text), height)
    assert _close(block.position, position, 1.5)
    assert _close(block.name, name, 1.5)
    assert block.position.height > block.position.width  # a turned line in user space
