"""The signer block on any page, the position under the authority lines, and names a
black seal covered, repaired from what is known of Vietnamese names (issue 16 §1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf as _pymupdf

from ingest.classify import Classifier, FieldExtractor, Line, ReadDocument
from ingest.classify.names import mend_sealed_name, repair_name
from ingest.classify.reading import read_file
from ingest.classify.stamps import ESignature
from ocr.pipeline import OcrOptions
from tests.support.variant_pdf import FONT_DIR, FONT_FILES

pymupdf: Any = _pymupdf

BODY = ("Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành, Ủy ban nhân dân các huyện, "
        "thị xã, thành phố")


class _Pdf:
    """A born-digital PDF set by hand, page by page."""

    def __init__(self) -> None:
        self.doc = pymupdf.open()
        self.fonts = {style: pymupdf.Font(fontfile=str(FONT_DIR / name))
                      for style, name in FONT_FILES.items()}
        self.page: Any = None
        self.writer: Any = None

    def new_page(self) -> None:
        self.flush()
        self.page = self.doc.new_page(width=595, height=842)
        self.writer = pymupdf.TextWriter(self.page.rect)

    def put(self, text: str, y: float, style: str = "regular", centre: float = 297.5,
            size: float = 13) -> None:
        width = self.fonts[style].text_length(text, fontsize=size)
        self.writer.append((centre - width / 2, y), text, font=self.fonts[style], fontsize=size)

    def body(self, y: float, lines: int) -> float:
        for _ in range(lines):
            self.put(BODY, y, size=12)
            y += 18
        return y

    def flush(self) -> None:
        if self.writer is not None:
            self.writer.write_text(self.page)
            self.writer = None

    def save(self, path: Path) -> Path:
        self.flush()
        self.doc.save(path)
        self.doc.close()
        return path


def _header(pdf: _Pdf, title: str, summary: str) -> None:
    pdf.put("ỦY BAN NHÂN DÂN", 70, "bold", 150)
    pdf.put("TỈNH QUẢNG NGÃI", 86, "bold", 150)
    pdf.put("Số: 239/TTr-UBND", 110, "regular", 150)
    pdf.put("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 70, "bold", 420)
    pdf.put("Độc lập - Tự do - Hạnh phúc", 86, "bold", 420)
    pdf.put("Quảng Ngãi, ngày 20 tháng 12 năm 2024", 110, "italic", 420)
    pdf.put(title, 160, "bold", size=14)
    pdf.put(summary, 177, "bold")


def _signer(pdf: _Pdf, y: float, lines: tuple[str, ...], name: str) -> None:
    pdf.put("Nơi nhận:", y + 16, "bold", 100, size=12)
    pdf.put("- Như trên;", y + 32, "regular", 100, size=11)
    pdf.put("- Lưu: VT.", y + 46, "regular", 100, size=11)
    for offset, text in enumerate(lines):
        pdf.put(text, y + 16 * offset, "bold", 420)
    pdf.put(name, y + 16 * len(lines) + 70, "bold", 420)


def _fields(path: Path) -> dict[str, str]:
    with read_file(path, OcrOptions(jobs=1)) as (document, reread):
        answer = Classifier().classify(document, reread)
    return {name: value.value for name, value in answer.fields.items()}


def test_the_signer_precedes_an_attached_draft(tmp_path: Path) -> None:
    """The submission is signed on page 2; page 3 is the attached draft resolution with its
    own header, "Nơi nhận:" and an unsigned block: the signer is the one of page 2."""
    pdf = _Pdf()
    pdf.new_page()
    _header(pdf, "TỜ TRÌNH", "Về việc đề nghị xây dựng Nghị quyết của HĐND tỉnh")
    pdf.body(220, 30)
    pdf.new_page()
    y = pdf.body(60, 8)
    _signer(pdf, y + 30, ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
            "Trần Hoàng Tuấn")
    pdf.new_page()
    pdf.put("HỘI ĐỒNG NHÂN DÂN", 70, "bold", 150)
    pdf.put("TỈNH QUẢNG NGÃI", 86, "bold", 150)
    pdf.put("NGHỊ QUYẾT", 160, "bold", size=14)
    y = pdf.body(200, 10)
    _signer(pdf, y + 30, ("CHỦ TỊCH",), "Bùi Thị Quỳnh Vân")
    fields = _fields(pdf.save(tmp_path / "submission.pdf"))
    assert fields["nguoi_ky"] == "Trần Hoàng Tuấn"
    assert fields["chuc_vu"] == "PHÓ CHỦ TỊCH"


def test_a_decree_signed_before_its_appendix(tmp_path: Path) -> None:
    """The signer block halfway down a page, an appendix title and table under it on the
    same page, then more appendix pages: the block is read, the appendix is not."""
    pdf = _Pdf()
    pdf.new_page()
    _header(pdf, "TỜ TRÌNH", "Về việc ban hành Nghị quyết")
    pdf.body(220, 30)
    pdf.new_page()
    y = pdf.body(60, 4)
    _signer(pdf, y + 30, ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
            "Nguyễn Chí Dũng")
    pdf.put("PHỤ LỤC", 420, "bold")
    pdf.body(440, 15)
    pdf.new_page()
    pdf.body(60, 35)
    fields = _fields(pdf.save(tmp_path / "decree.pdf"))
    assert fields["nguoi_ky"] == "Nguyễn Chí Dũng"  # a text layer's name is not re-spelt
    assert fields["chuc_vu"] == "PHÓ CHỦ TỊCH"


def _line(text: str, top: float, left: float = 360.0, right: float = 500.0,
          confidence: float = 93.0) -> Line:
    return Line(text=text, page=0, left=left, top=top, right=right, bottom=top + 12,
                height=12.0, confidence=confidence)


def _letter(signer: list[Line]) -> ReadDocument:
    """A one-page letter as OCR gives it, with ``signer``'s lines in the right column."""
    lines = [_line("ỦY BAN NHÂN DÂN", 40, 60, 220), _line("TỈNH QUẢNG NGÃI", 56, 70, 210),
             _line("Số: 46/TB-UBND", 80, 80, 200), _line("THÔNG BÁO", 110, 260, 340),
             *(_line(BODY, 150 + 18 * index, 60, 540) for index in range(20)),
             _line("Nơi nhận:", 560, 60, 120), _line("- Như trên;", 575, 60, 130), *signer]
    return ReadDocument(pages=[lines], page_widths=[595.0], page_heights=[842.0])


def _signer_fields(signer: list[Line], known: tuple[str, ...] = ()) -> dict[str, str]:
    fields = FieldExtractor(_letter(signer), "thong_bao", known_names=known).extract()
    return {name: fields[name].value for name in ("nguoi_ky", "chuc_vu") if name in fields}


def test_the_position_is_under_the_authority_lines() -> None:
    """'CHỦ TỊCH UBND TỈNH' printed between the signature and the name is not the position:
    the position is the line right under the authority lines (a Steering Board's head)."""
    fields = _signer_fields([_line("KT. TRƯỞNG BAN", 560), _line("PHÓ TRƯỞNG BAN", 576),
                             _line("CHỦ TỊCH UBND TỈNH", 640), _line("Nguyễn Hoàng Giang", 660)])
    assert fields == {"nguoi_ky": "Nguyễn Hoàng Giang", "chuc_vu": "PHÓ TRƯỞNG BAN"}


def test_a_wrapped_authority_line_is_no_position() -> None:
    fields = _signer_fields([
        _line("TL. CỤC TRƯỞNG", 560), _line("KT. TRƯỞNG BAN BAN CHÍNH SÁCH,", 576),
        _line("THUẾ QUỐC TẾ", 592), _line("PHÓ TRƯỞNG BAN", 608),
        _line("Mạnh Thị Tuyết Mai", 680)])
    assert fields == {"nguoi_ky": "Mạnh Thị Tuyết Mai", "chuc_vu": "PHÓ TRƯỞNG BAN"}


def test_names_under_a_black_seal_as_ocr_read_them() -> None:
    """Lines as Tesseract read them on the real benchmark's black-and-white scans: a seal
    speck beside the name, a wrong tone mark, a cut last letter of the position."""
    assert _signer_fields([_line("KT. CHU TỊCH", 560), _line("PHÓ CHỦ TỊC", 572),
                           _line("VÀ", 666, 457, 466), _line("Trân Phước Hiên", 667)]) == {
        "nguoi_ky": "Trần Phước Hiền", "chuc_vu": "PHÓ CHỦ TỊCH"}
    assert _signer_fields([_line("KT. CHỦ TỊCH", 560), _line("PHÓ CHỦ TỊCH.", 575),
                           _line("a", 610, confidence=19),
                           _line("Tran A Hoàng Tuan £", 660)])["nguoi_ky"] == "Trần Hoàng Tuấn"


def test_half_a_name_is_never_taken_for_a_name() -> None:
    """'eS) m Trường Thọ' (the seal over 'Phạm'): no name, unless the e-signature's or the
    office's known signer is close; the position still reads."""
    signer = [_line("KT. CHỦ TỊCH", 560), _line("PHÓ CHỦ TỊCH", 576),
              _line("eS) m Trường Thọ", 660, confidence=71)]
    assert _signer_fields(signer) == {"chuc_vu": "PHÓ CHỦ TỊCH"}
    assert _signer_fields(signer, known=("Phạm Trường Thọ",))["nguoi_ky"] == "Phạm Trường Thọ"


def test_a_surname_whose_capital_ocr_lost() -> None:
    """'rần Ngọc Căng' (the seal's edge over the T): the one surname ending in 'rần'."""
    assert repair_name("rần Ngọc Căng") == "Trần Ngọc Căng"
    assert _signer_fields([_line("CHỦ TỊCH", 576), _line("rần Ngọc Căng", 660)]) == {
        "nguoi_ky": "Trần Ngọc Căng", "chuc_vu": "CHỦ TỊCH"}
    assert repair_name("ương Văn Hòa") is None  # Dương or Lương: no guess
    assert repair_name("ê Văn Tám") is None  # one letter left: no guess


def test_a_name_a_ring_ran_over_the_first_letters_of() -> None:
    """464/TTg-CĐS's black seal: 'Tham Hị Thanh Trà' for 'Phạm Thị Thanh Trà'. Mended only
    where two words show the damage and each has one mending; a rare surname alone
    ('Ninh') or a name with a known surname is left as read."""
    assert _signer_fields([_line("KT. THỦ TƯỚNG", 560), _line("PHÓ THỦ TƯỚNG", 576),
                           _line("Tham Hị Thanh Trà", 660)]) == {
        "nguoi_ky": "Phạm Thị Thanh Trà", "chuc_vu": "PHÓ THỦ TƯỚNG"}
    assert mend_sealed_name("Tham Hị Thanh Trà") == "Phạm Thị Thanh Trà"
    for name in ("Ninh Văn Hùng", "Tham Văn Hùng", "Nguyễn Hị Lan", "Thanh Mẫn",
                 "Lã Hị Lan"):  # Lã: Hà, Tạ or La
        assert mend_sealed_name(name) == name


def _certified(signer: list[Line], person: str) -> dict[str, str]:
    document = _letter(signer)
    document.e_signatures.append(ESignature(signer=person, agency=None, time=None, page=0,
                                            box=None, source="text-layer"))
    fields = FieldExtractor(document, "thong_bao").extract()
    return {name: fields[name].value for name in ("nguoi_ky", "chuc_vu") if name in fields}


def test_a_personal_e_signature_names_the_signer() -> None:
    """A personal certificate's name: taken for a close OCR reading of the name, and for
    the name a seal hid entirely; an agency's certificate names no signer."""
    half = [_line("KT. CHỦ TỊCH", 560), _line("PHÓ CHỦ TỊCH", 576),
            _line("eS) n Thị Tuyết Mai", 660, confidence=71)]
    assert _certified(half, "Mạnh Thị Tuyết Mai") == {"nguoi_ky": "Mạnh Thị Tuyết Mai",
                                                      "chuc_vu": "PHÓ CHỦ TỊCH"}
    hidden = [_line("KT. CHỦ TỊCH", 560), _line("PHÓ CHỦ TỊCH", 576)]
    assert _certified(hidden, "Mạnh Thị Tuyết Mai")["nguoi_ky"] == "Mạnh Thị Tuyết Mai"
    assert "nguoi_ky" not in _certified(hidden, "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI")


def test_repair_name() -> None:
    assert repair_name("Trần Hoàng Tuần") == "Trần Hoàng Tuấn"  # Tuấn: a frequent name
    assert repair_name("Trần Hoàng Tuần", respell=False) == "Trần Hoàng Tuần"
    assert repair_name("Hà Thị Lê Vân") == "Hà Thị Lê Vân"  # Lê is a surname, kept
    assert repair_name("fia Thị Lê Vân") == "Hà Thị Lê Vân"  # the "fi" ligature for H
    assert repair_name("udng Nguyễn Văn Gấu") == "Nguyễn Văn Gấu"  # "Thượng tướng" read
    assert repair_name("Thượng tướng Nguyễn Văn Gấu") == "Nguyễn Văn Gấu"
    assert repair_name('“na "Trần Thanh Mẫn') == "Trần Thanh Mẫn"
    assert repair_name("Ngôn Nghiệp") == "Ngôn Nghiệp"  # a clean two-word name stays
    assert repair_name("Nguyễn Chí Dũng") == "Nguyễn Chí Dũng"
    assert repair_name("Xà) 4 T2.)") is None


def test_a_capitals_summary_goes_on_after_a_word_that_needs_more(tmp_path: Path) -> None:
    """A decree's summary in regular capitals (a web page printed to PDF), its lines as
    wide as the text, one starting "CHÍNH PHỦ" after a line ending "CỦA": read whole."""
    pdf = _Pdf()
    pdf.new_page()
    pdf.put("CHÍNH PHỦ", 70, "bold", 150)
    pdf.put("Số: 91/2026/NĐ-CP", 100, "regular", 150)
    pdf.put("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 70, "bold", 420)
    pdf.put("Độc lập - Tự do - Hạnh phúc", 86, "bold", 420)
    pdf.put("Hà Nội, ngày 30 tháng 6 năm 2026", 100, "italic", 420)
    pdf.put("NGHỊ ĐỊNH", 140, "bold", size=14)
    summary = ("QUY ĐỊNH MỘT SỐ ĐIỀU CỦA LUẬT QUẢN LÝ THUẾ VÀ NGHỊ ĐỊNH SỐ 254/2026/NĐ-CP CỦA",
               "CHÍNH PHỦ QUY ĐỊNH CHI TIẾT MỘT SỐ ĐIỀU VÀ BIỆN PHÁP ĐỂ TỔ CHỨC, HƯỚNG DẪN",
               "THI HÀNH LUẬT QUẢN LÝ THUẾ")
    for index, line in enumerate(summary):
        pdf.put(line, 160 + 14 * index, size=11.5)
    pdf.put("Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;", 220, centre=180, size=12)
    pdf.body(240, 20)
    fields = _fields(pdf.save(tmp_path / "decree.pdf"))
    assert fields["trich_yeu"] == " ".join(summary)


def test_summary_openings_as_ocr_reads_them() -> None:
    """'V¿v' of a 200 dpi bilevel scan, a speck before 'Về việc', its marks misread."""
    from ingest.classify.extract import _summary_opening

    assert _summary_opening("V¿v chính sách thuế TNDN") == "V/v chính sách thuế TNDN"
    assert _summary_opening(". Về việc tăng cường") == "Về việc tăng cường"
    assert _summary_opening("ve việc tăng cường") == "Về việc tăng cường"
    assert _summary_opening("Vẻ việc: Giao quyền") == "Về việc: Giao quyền"
    assert _summary_opening("Về tăng cường") == "Về tăng cường"
