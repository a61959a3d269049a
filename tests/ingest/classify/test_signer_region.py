"""The signer block read again as one region where a seal hid it (issue 16 §1).

On a real scan (law 09/2026/QH16, the benchmark's copy of the National Assembly's signed
text), the black seal lies over "CHỦ TỊCH QUỐC HỘI" and the signature: the page's layout
analysis drops the whole signer block, name included. Read as one block of text, the region
under the body gives the name back. The other tests check the parts on made-up lines: the
region's place, the deputy's position under "KT.", and whole names only from a region.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import pytest

from ingest.classify.extract import FieldExtractor
from ingest.classify.lines import Line, ReadDocument, read_words_json
from ingest.classify.names import completes, has_surname, repair_name
from ingest.classify.signer_region import (
    BlockReader,
    deputy_position,
    read_region,
    signer_region,
)
from ocr.model import Image, Word
from ocr.tesseract import recognise
from ocr.zones import read_block
from tests.support.paths import REPO

CROP = REPO / "tests" / "data" / "luat-09-2026-QH16-signer.png"
"""The bottom of page 2 of law 09/2026/QH16 (``09-2026-QH16-2026.pdf`` of the real-document
benchmark, SHA-256 in its truth.json) as PyMuPDF renders it at 200 dpi, from pixel row 1000
down: the end of the body, the closing sentence and the signer block under the seal. A law is
not protected by copyright in Viet Nam (Law on Intellectual Property, Art. 15); the crop is
kept here (47 KB) so that the test runs on every machine, the whole PDF is not."""
CROP_DPI = 200.0


class _LineOnly:
    """A reread that reads no line again (as on a page without the block re-read)."""

    def __call__(self, line: Line) -> str | None:
        return None


class _ImageBlocks(_LineOnly):
    """Reads regions of one image as blocks, the way ``LineReader.block`` does a page's."""

    def __init__(self, image: Image) -> None:
        self.image = image
        self.boxes: list[tuple[int, int, int, int]] = []

    def block(self, page: int, box: tuple[int, int, int, int], *, psm: int = 6,
              blank: Sequence[tuple[int, int, int, int]] = (),
              dark: bool = False) -> list[Word]:
        self.boxes.append(box)
        return read_block(self.image, box, psm=psm, blank=blank, dark=dark)


def _law_page_bottom() -> tuple[Image, float]:
    """The bottom of the law's last page as the scan has it, and its resolution."""
    image = cv2.imread(str(CROP), cv2.IMREAD_UNCHANGED)
    assert image is not None, f"{CROP} cannot be read"
    return np.ascontiguousarray(image), CROP_DPI


def _page_reading(image: Image, dpi: float) -> ReadDocument:
    """The crop read the way the full page is (Tesseract's layout analysis), as lines."""
    words = recognise(image, lang="vie+eng", psm=3)
    return read_words_json({"pages": [{
        "dpi": dpi, "width": image.shape[1], "height": image.shape[0],
        "words": [{"text": w.text, "box": [w.left, w.top, w.width, w.height],
                   "confidence": w.confidence, "line": w.line} for w in words]}]})


def test_a_signer_block_under_a_seal_is_read_as_one_region() -> None:
    image, dpi = _law_page_bottom()
    document = _page_reading(image, dpi)
    texts = " ".join(line.text for line in document.lines)
    assert "Quốc hội" in texts
    assert "Mẫn" not in texts
    assert FieldExtractor(document, "luat", _LineOnly()).signer()["nguoi_ky"] is None
    blocks = _ImageBlocks(image)
    assert isinstance(blocks, BlockReader)
    found = FieldExtractor(document, "luat", blocks).signer()["nguoi_ky"]
    assert found is not None
    assert found.value == "Trần Thanh Mẫn"
    # the region lies right of the middle, under the body's last full line
    left, top, _, _ = blocks.boxes[0]
    body_end = max(line.pixel_box[3] for line in document.lines
                   if line.pixel_box and "Luật này" in line.text.replace("Tuuật", "Luật"))
    assert 0.35 * image.shape[1] < left < 0.5 * image.shape[1]
    assert top >= body_end - 2


def _line(text: str, left: float, top: float, right: float, page: int = 0) -> Line:
    return Line(text=text, page=page, left=left, top=top, right=right, bottom=top + 12,
                height=12, confidence=90,
                pixel_box=(round(left * 2), round(top * 2), round(right * 2),
                           round((top + 12) * 2)))


def test_the_region_starts_under_the_body_and_leaves_out_the_recipients() -> None:
    page = [_line("Điều 3. Chánh Văn phòng và các cơ quan chịu trách nhiệm thi hành.",
                  60, 100, 540),
            _line("Nơi nhận:", 60, 140, 110), _line("- Như Điều 3;", 60, 155, 140),
            _line("- Lưu: VT.", 60, 170, 120)]
    document = ReadDocument(pages=[page], page_widths=[600.0], page_heights=[840.0])
    region = signer_region(document)
    assert region is not None
    assert region.page == 0
    assert region.box[:2] == (round(0.42 * 600 * 2), 112 * 2)  # under the body's line
    assert region.box[2] == 1200
    assert region.box[3] <= round((112 + 0.4 * 840) * 2)
    # the recipients' lines inside it are whitened before it is read
    assert region.blank == tuple(line.pixel_box for line in page[1:])


def test_region_lines_left_of_the_middle_are_not_the_signer_s() -> None:
    class Words:
        def block(self, page: int, box: tuple[int, int, int, int], *, psm: int = 6,
                  blank: Sequence[tuple[int, int, int, int]] = (),
                  dark: bool = False) -> list[Word]:
            return [Word("đơn", 520, 400, 60, 24, 80, line=1),
                    Word("vị;", 585, 400, 40, 24, 80, line=1),
                    Word("Trần", 760, 600, 90, 24, 90, line=2),
                    Word("Ngọc", 860, 600, 90, 24, 90, line=2),
                    Word("Căng", 960, 600, 90, 24, 90, line=2)]

    page = [_line("Nơi nhận:", 60, 140, 110)]
    document = ReadDocument(pages=[page], page_widths=[600.0], page_heights=[840.0])
    region = signer_region(document)
    assert region is not None
    lines = read_region(Words(), region, 600.0)
    assert [line.text for line in lines] == ["Trần Ngọc Căng"]
    assert lines[0].left == pytest.approx(380.0)
    assert lines[0].pixel_box == (760, 600, 1050, 624)


def test_specks_at_the_ends_of_a_region_line_are_dropped() -> None:
    class Words:
        def block(self, page: int, box: tuple[int, int, int, int], *, psm: int = 6,
                  blank: Sequence[tuple[int, int, int, int]] = (),
                  dark: bool = False) -> list[Word]:
            return [Word("„", 700, 400, 10, 24, 30, line=1),
                    Word("ĐHÓ", 720, 400, 60, 24, 70, line=1),
                    Word("GIẦM", 790, 400, 80, 24, 70, line=1),
                    Word("ĐỐC", 880, 400, 60, 24, 70, line=1),
                    Word("rT", 700, 500, 30, 24, 40, line=2),
                    Word("GIÁM", 740, 500, 80, 24, 80, line=2),
                    Word("ĐỐC", 830, 500, 60, 24, 80, line=2),
                    Word("`", 900, 500, 10, 24, 10, line=2),
                    Word("Tô", 700, 600, 40, 24, 90, line=3),
                    Word("Hà", 750, 600, 40, 24, 90, line=3)]

    page = [_line("Nơi nhận:", 60, 140, 110)]
    document = ReadDocument(pages=[page], page_widths=[600.0], page_heights=[840.0])
    region = signer_region(document)
    assert region is not None
    lines = read_region(Words(), region, 600.0)
    # a short word of a name line is kept: only capitals lines lose such a start
    assert [line.text for line in lines] == ["ĐHÓ GIẦM ĐỐC", "GIÁM ĐỐC", "Tô Hà"]
    assert lines[1].pixel_box == (740, 500, 890, 524)


def test_the_deputy_of_the_head_under_kt_is_read_from_the_end_of_its_line() -> None:
    # the seal left only the end of the position line under "KT. ..."
    assert deputy_position(["KT. CHỦ TỊCH", "ch y\\ Ũ TỊCH"]) == ("PHÓ CHỦ TỊCH", 1)
    assert deputy_position(["KT. BỘ TRƯỞNG", "RƯỚỞNG"]) == ("THỨ TRƯỞNG", 1)
    assert deputy_position(["TL. CỤC TRƯỞNG", "KT. TRƯỞNG BAN BAN CHÍNH SÁCH, THUẾ QUỐC TẾ",
                            "XD TRƯỜNG BAN"]) == ("PHÓ TRƯỞNG BAN", 2)
    assert deputy_position(["ce=.J{T. CHỦ TỊCH", "2 h", "ch y Ũ TỊCH"]) == ("PHÓ CHỦ TỊCH", 2)
    # no "KT.": the head may sign himself, or anyone for him ("TL."): nothing is guessed
    assert deputy_position(["TL. BỘ TRƯỞNG", "RƯỚỞNG"]) is None
    assert deputy_position(["TM. ỦY BAN NHÂN DÂN", "ch y Ũ TỊCH"]) is None
    # a line whose end is not the deputy's confirms nothing
    assert deputy_position(["KT. CHỦ TỊCH", "z vã là Z4)"]) is None


def test_a_name_from_a_region_must_be_whole() -> None:
    assert repair_name("nem Trần Thanh Mẫn", whole=True) == "Trần Thanh Mẫn"
    assert repair_name("Thanh Trà", whole=True) is None  # "Phạm Thị" lost under the seal
    assert repair_name("NiạnbZZfi Tuyết Mai", whole=True) is None
    assert repair_name("Thanh Trà") == "Thanh Trà"  # a page's own line keeps its reading


class _RegionWords(_LineOnly):
    """Reads every region as the same lines of words (text, pixel row), one after another
    from the region's left third, and counts the readings."""

    def __init__(self, lines: Sequence[tuple[str, int]]) -> None:
        self.lines = lines
        self.readings = 0

    def block(self, page: int, box: tuple[int, int, int, int], *, psm: int = 6,
              blank: Sequence[tuple[int, int, int, int]] = (),
              dark: bool = False) -> list[Word]:
        self.readings += 1
        words = []
        for number, (text, top) in enumerate(self.lines, start=1):
            left = 760
            for part in text.split(" "):
                words.append(Word(part, left, top, 20 * len(part), 24, 85, line=number))
                left += 20 * len(part) + 12
        return words


def _law_end(*signer: Line) -> ReadDocument:
    """A law's last page: the closing sentence across the page, the signer's lines under
    it (what the page's reading kept of the block under the seal)."""
    page = [_line("Luật này được Quốc hội nước Cộng hoà xã hội chủ nghĩa Việt Nam khoá XVI, "
                  "Kỳ họp thứ Nhất thông qua ngày 24 tháng 4 năm 2026.", 60, 600, 540),
            *signer]
    return ReadDocument(pages=[page], page_widths=[600.0], page_heights=[840.0])


def test_a_name_without_its_surname_gives_way_to_the_whole_name_of_the_region() -> None:
    # law 09/2026/QH16 with the re-read of uncovered lines: the seal hides "Trần", the
    # page reads "Thanh Mẫn"; read as one block, the region has the whole name
    document = _law_end(_line("Thanh Mẫn", 405, 766, 480))
    region = _RegionWords([("CHỦ TỊCH", 1300), ("Trần Thanh Mẫn", 1530)])
    signer = FieldExtractor(document, "luat", region).signer()
    assert signer["nguoi_ky"] is not None
    assert signer["nguoi_ky"].value == "Trần Thanh Mẫn"
    assert signer["chuc_vu"] is not None
    assert signer["chuc_vu"].value == "CHỦ TỊCH"
    # the region is read even when the page gave a known position above the partial name
    # ("CHỦ TỊCH": the list of positions has no "CHỦ TỊCH QUỐC HỘI")
    document = _law_end(_line("CHỦ TỊCH", 420, 640, 480),
                        _line("Thanh Mẫn", 405, 766, 480))
    signer = FieldExtractor(document, "luat", region).signer()
    assert signer["nguoi_ky"] is not None
    assert signer["nguoi_ky"].value == "Trần Thanh Mẫn"


def test_only_a_whole_name_that_holds_the_page_s_partial_one_replaces_it() -> None:
    partial = _law_end(_line("CHỦ TỊCH", 420, 640, 480),
                       _line("Thanh Mẫn", 405, 766, 480))
    # another person's name in the region (a seal's text, a second signer) is not it
    other = _RegionWords([("Phạm Văn Hùng", 1530)])
    signer = FieldExtractor(partial, "luat", other).signer()
    assert signer["nguoi_ky"] is not None
    assert signer["nguoi_ky"].value == "Thanh Mẫn"
    assert other.readings == 3  # every way of reading the region was tried
    # a name with a known surname and a known position: the region is not read at all
    whole = _law_end(_line("CHỦ TỊCH", 420, 640, 480),
                     _line("Trần Thanh Mẫn", 390, 766, 490))
    longer = _RegionWords([("Nguyễn Trần Thanh Mẫn", 1530)])
    signer = FieldExtractor(whole, "luat", longer).signer()
    assert signer["nguoi_ky"] is not None
    assert signer["nguoi_ky"].value == "Trần Thanh Mẫn"
    assert longer.readings == 0


def test_letters_a_seal_glued_to_the_surname_are_dropped() -> None:
    # the seal's strokes read as letters touching the name (the law's region, read with
    # the body's last line whitened: "nemmTrần Thanh Mẫn", "“eTrần Thanh Mẫn")
    assert repair_name("nemmTrần Thanh Mẫn", whole=True) == "Trần Thanh Mẫn"
    assert repair_name("“eTrần Thanh Mẫn", whole=True) == "Trần Thanh Mẫn"
    assert repair_name("xĐoan Văn Hùng", whole=True) == "Đoàn Văn Hùng"
    # only a surname starts a name there; a glued capital that starts none is no name
    assert repair_name("nemmThanh Mẫn", whole=True) is None
    assert repair_name("eTrần Mẫn", whole=True) is None  # two words and a speck: too short
    # after the surname, a speck's letters are no name ("eHà" stays a speck)
    assert repair_name("nemmTrần Thanh Mẫn eHà", whole=True) == "Trần Thanh Mẫn"


def test_a_name_completes_a_piece_of_its_middle_and_given_names() -> None:
    assert completes("Trần Thanh Mẫn", "Thanh Mẫn")
    assert completes("Trần Thanh Mẫn", "thanh man")  # compared folded
    assert completes("Nguyễn Thị Kim Ngân", "Thị Kim")
    assert not completes("Trần Thanh Mẫn", "Trần Mẫn")  # not next to each other
    assert not completes("Trần Thanh Mẫn", "Trần Thanh Mẫn")  # the surname is no given name
    assert not completes("Thanh Trà Mẫn", "Trà Mẫn")  # no known surname
    assert has_surname("Trần Thanh Mẫn")
    assert not has_surname("Thanh Mẫn")
