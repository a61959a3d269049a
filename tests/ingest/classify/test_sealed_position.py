"""A position line whose start the seal hid (real scans: "HỦ TỊCH" read for "CHỦ TỊCH",
"F^⁄CSĐNCH QUÓC HỘI" for a law's "CHỦ TỊCH QUỐC HỘI"): its end names the position, the
head's when no "KT." line says a deputy signs for him (Decree 30, Art. 13)."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.classify.extract import FieldExtractor
from ingest.classify.lines import Line, ReadDocument
from ingest.classify.signer_region import sealed_position
from ocr.model import Word


def test_the_end_of_a_position_line_names_the_head() -> None:
    assert sealed_position(["HỦ TỊCH"]) == ("CHỦ TỊCH", 0)
    assert sealed_position(["y24 tháng 4 năm 206.", "c1 o` ` „ R", "F^⁄CSĐNCH QUÓC HỘI",
                            "/CaS", "x7."]) == ("CHỦ TỊCH QUỐC HỘI", 2)
    assert sealed_position(["TM. ỦY BAN NHÂN DÂN", "Ủ TỊCH"]) == ("CHỦ TỊCH", 1)


def test_no_position_is_guessed_from_an_unsure_end() -> None:
    # under "KT." the deputy signs: deputy_position reads that case, not this one
    assert sealed_position(["KT. CHỦ TỊCH", "HỦ TỊCH"]) is None
    assert sealed_position(["KTSEHỦ TƯỚNG", "TƯỜNG"]) is None  # "KT." garbled by the seal
    # an end several positions share ("... TRƯỞNG"), too short, or a whole word that
    # ends another position ("TỔNG THƯ KÝ" is no "THƯ KÝ")
    assert sealed_position(["TRƯỞNG"]) is None
    assert sealed_position(["ỊCH"]) is None
    assert sealed_position(["TỔNG THƯ KÝ"]) is None
    assert sealed_position(["Trần Ngọc Căng"]) is None


def _line(text: str, left: float, top: float, right: float) -> Line:
    return Line(text=text, page=0, left=left, top=top, right=right, bottom=top + 12,
                height=12, confidence=90,
                pixel_box=(round(left * 2), round(top * 2), round(right * 2),
                           round((top + 12) * 2)))


class _Region:
    """Reads the signer region as a scan under a seal does: the position line's start
    lost, the name whole."""

    def __call__(self, line: Line) -> str | None:
        return None

    def block(self, page: int, box: tuple[int, int, int, int], *, psm: int = 6,
              blank: Sequence[tuple[int, int, int, int]] = (),
              dark: bool = False) -> list[Word]:
        return [Word("HỦ", 790, 400, 50, 24, 93, line=1),
                Word("TỊCH", 850, 400, 80, 24, 93, line=1),
                Word("Ừ,", 700, 440, 30, 24, 16, line=2),
                Word("“c—", 740, 440, 40, 24, 16, line=2),
                Word("Trần", 760, 600, 90, 24, 90, line=3),
                Word("Ngọc", 860, 600, 90, 24, 90, line=3),
                Word("Căng", 960, 600, 90, 24, 90, line=3)]


def test_a_scan_s_position_under_the_seal_is_read_from_its_end() -> None:
    page = [_line("Điều 3. Chánh Văn phòng và các cơ quan chịu trách nhiệm thi hành.",
                  60, 100, 540),
            _line("Nơi nhận:", 60, 140, 110), _line("- Như Điều 3;", 60, 155, 140),
            _line("rần Ngọc Căng", 372, 300, 460)]
    document = ReadDocument(pages=[page], page_widths=[600.0], page_heights=[840.0])
    signer = FieldExtractor(document, "chi_thi", _Region()).signer()
    name, position = signer["nguoi_ky"], signer["chuc_vu"]
    assert name is not None
    assert name.value == "Trần Ngọc Căng"
    assert position is not None
    assert position.value == "CHỦ TỊCH"
