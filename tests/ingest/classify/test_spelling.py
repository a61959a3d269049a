"""Diacritics OCR got wrong, set right from the word a syllable forms with its neighbour
(issue 16 §1: real scans' summaries read "kinh đoanh", "buỗi", "SỬA ĐỎI, BỎ SUNG")."""

from __future__ import annotations

import pytest

from ingest.classify.spelling import correct_marks
from ingest.classify.wordlist import COMMON_WORDS


@pytest.mark.parametrize(("read", "meant"), [
    ("hỗ trợ hộ kinh đoanh nhỏ", "hỗ trợ hộ kinh doanh nhỏ"),  # đ for d
    ("giáo dục phố thông", "giáo dục phổ thông"),  # a real word, but no word here
    ("về việc bố nhiệm cán bộ", "về việc bổ nhiệm cán bộ"),
    ("giải quyêt thủ tục", "giải quyết thủ tục"),  # no syllable at all
    ("kế hoạch tổ chức buỗi làm việc", "kế hoạch tổ chức buổi làm việc"),
    ("SỬA ĐỎI, BỎ SUNG MỘT SÓ ĐIÊU", "SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU"),  # capitals stay so
    ("LUẬT THUÉ TIỂU THỤ ĐẶC BIỆT", "LUẬT THUẾ TIÊU THỤ ĐẶC BIỆT"),
])
def test_marks_set_right_from_the_word(read: str, meant: str) -> None:
    assert correct_marks(read) == meant


@pytest.mark.parametrize("text", [
    "Cấp có thẩm quyền quyết định phê duyệt điều chỉnh dự án",
    "Quy định miễn thuế tại khoản này không áp dụng",  # 'tại' stands alone: no 'tài'
    "người bán chỉ thực hiện lập hóa đơn điều chỉnh",
    "công trình trên đường phố chính",  # 'phố' forms a word: never 'phổ'
    "ông Đỗ Văn Bố tại thị trấn",  # names are never touched
    "tiền thuế giả định",
    "CHI CỤC THUẾ QUẬN NINH KIỀU",  # an administrative unit before a name stays
])
def test_right_text_stays_as_it_is(text: str) -> None:
    assert correct_marks(text) == text


def test_no_word_across_punctuation_and_no_guess_between_two() -> None:
    assert correct_marks("kinh, đoanh") == "kinh, đoanh"
    assert correct_marks("đoanh") == "đoanh"


def test_the_word_list_is_clean() -> None:
    """NFC, lower case, two or three syllables each."""
    import unicodedata

    for entry in COMMON_WORDS:
        assert entry == unicodedata.normalize("NFC", entry).lower(), entry
        assert 2 <= len(entry.split(" ")) <= 3, entry
