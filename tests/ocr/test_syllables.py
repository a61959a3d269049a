"""Tesseract's LSTM alternatives (hOCR, ``lstm_choice_mode=2``) and their re-ranking by
Vietnamese syllable frequencies (issue 16 §3)."""

from __future__ import annotations

import cv2
import numpy as np

from ocr import tesseract
from ocr.syllables import (
    CharChoices,
    _toneless,
    compound_pairs,
    rerank,
    rerank_line,
    syllable_frequencies,
    toned_variants,
)

FREQUENCIES = {"phẩm": 1e-4, "phâm": 1e-8, "đổi": 3e-4, "đôi": 2e-4, "hưởng": 3.5e-4,
               "hương": 2.3e-4, "thuế": 8e-5}


def _choices(*groups: tuple[tuple[str, float], ...]) -> tuple[tuple[tuple[str, float], ...], ...]:
    return groups


def test_a_hook_among_the_alternatives_makes_a_known_syllable() -> None:
    # 'phâm' (not a syllable) read where the LSTM also saw 'ẩ'
    choices = _choices((("p", 95.0),), (("h", 96.0),), (("â", 80.0), ("ẩ", 45.0), ("ấ", 9.0)),
                       (("m", 97.0),), ((",", 90.0),))
    assert rerank("phâm,", choices, FREQUENCIES) == "phẩm,"


def test_a_weak_alternative_or_a_known_reading_stays_as_read() -> None:
    weak = _choices((("p", 95.0),), (("h", 96.0),), (("â", 95.0), ("ẩ", 6.0)), (("m", 97.0),))
    assert rerank("phâm", weak, FREQUENCIES) == "phâm"
    # both are syllables and the LSTM is sure of the one it read: frequency alone never wins
    sure = _choices((("đ", 97.0),), (("ô", 90.0), ("ổ", 20.0)), (("i", 98.0),))
    assert rerank("đôi", sure, FREQUENCIES) == "đôi"


def test_words_with_digits_capitals_mismatched_or_missing_choices_are_left_alone() -> None:
    assert rerank("phâm", None, FREQUENCIES) == "phâm"
    short = _choices((("p", 95.0),), (("h", 96.0),))
    assert rerank("phâm", short, FREQUENCIES) == "phâm"
    digits = _choices((("2", 90.0), ("z", 60.0)), (("0", 90.0), ("ô", 60.0)))
    assert rerank("20", digits, FREQUENCIES) == "20"
    # an upper-case letter is never swapped for a lower-case one
    upper = _choices((("T", 95.0), ("t", 90.0)), (("h", 96.0),), (("u", 96.0),),
                     (("é", 60.0), ("ế", 50.0)))
    assert rerank("Thué", upper, FREQUENCIES) == "Thuế"


def _line_image() -> np.ndarray:
    image = np.full((80, 900), 255, np.uint8)
    cv2.putText(image, "Uy ban nhan dan 2024", (10, 55), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
    return image


def test_hocr_choices_give_the_words_the_tsv_gives_with_one_group_per_character() -> None:
    image = _line_image()
    plain = tesseract.recognise(image, lang="vie", psm=7)
    with_choices = tesseract.recognise_choices(image, lang="vie", psm=7)
    assert [word for word, _ in with_choices] == plain
    assert "".join(w.text for w in plain).startswith("Uy")
    for word, choices in with_choices:
        assert choices is not None
        assert len(choices) == len(word.text)
        assert all(group and group[0][1] >= group[-1][1] for group in choices)


def test_the_syllable_table_is_wordfreqs_vietnamese_list() -> None:
    from ocr.syllables import syllable_frequencies

    table = syllable_frequencies()
    assert len(table) > 8000
    for syllable in ("hưởng", "ưu", "đãi", "dự", "đầu", "tư", "thuế", "phẩm", "tỉnh"):
        assert syllable in table, syllable
    for not_a_syllable in ("phâm", "trr", "triên"):
        assert not_a_syllable not in table
    assert table["của"] > table["hưởng"] > table["đãi"]


def _sure(word: str) -> tuple[tuple[tuple[str, float], ...], ...]:
    return tuple(((char, 97.0),) for char in word)


LINE_FREQUENCIES = {"kết": 2e-4, "qua": 6e-4, "quả": 3e-4, "khoa": 1e-4, "học": 4e-4}
QUA = _choices((("q", 97.0),), (("u", 97.0),), (("a", 60.0), ("ả", 40.0)))


def test_a_neighbour_that_makes_a_dictionary_word_chooses_the_spelling() -> None:
    """"qua" and "quả" are both frequent syllables, and alone the LSTM's reading stands;
    beside "kết" only "quả" makes a word of the dictionary ("kết quả")."""
    pairs = compound_pairs()
    assert rerank("qua", QUA, LINE_FREQUENCIES) == "qua"
    line = [("kết", _sure("kết")), ("qua", QUA), ("khoa", _sure("khoa")), ("học", _sure("học"))]
    assert rerank_line(line, LINE_FREQUENCIES, pairs) == ["kết", "quả", "khoa", "học"]
    # without a neighbour that makes a word, or across punctuation, the reading stands
    assert rerank_line([("qua", QUA), ("khoa", _sure("khoa"))], LINE_FREQUENCIES,
                       pairs) == ["qua", "khoa"]
    assert rerank_line([("kết.", _choices(*_sure("kết"), ((".", 97.0),))), ("qua", QUA)],
                       LINE_FREQUENCIES, pairs) == ["kết.", "qua"]


def test_a_pair_the_reading_already_makes_is_kept() -> None:
    """"qua" read beside "đi" makes "đi qua": nothing to gain by changing it."""
    line = [("đi", _sure("đi")), ("qua", QUA)]
    assert rerank_line(line, {**LINE_FREQUENCIES, "đi": 5e-4}, compound_pairs()) == [
        "đi", "qua"]


def test_the_dictionary_is_pyvis_and_tone_placement_does_not_matter() -> None:
    pairs = compound_pairs()
    assert len(pairs) > 20000
    assert (_toneless("kết"), _toneless("quả")) in pairs
    assert (_toneless("kết"), _toneless("qua")) not in pairs
    assert _toneless("uỷ") == _toneless("ủy")
    assert _toneless("hoà") == _toneless("hòa")
    assert _toneless("qua") != _toneless("quả")


def _line(text: str) -> list[tuple[str, tuple[CharChoices, ...] | None]]:
    return [(word, _sure(word)) for word in text.split()]


def test_a_tone_lost_on_the_scan_is_restored_where_it_makes_a_word() -> None:
    """Words read from 46/TB-UBND's colour scan with their tone mark lost, the LSTM seeing
    no other: the toned spelling makes a dictionary word with its neighbour."""
    frequencies, pairs = syllable_frequencies(), compound_pairs()
    for read, meant in (("bà Gái khiêu nại Quyết định", "bà Gái khiếu nại Quyết định"),
                        ("nhiều thê hệ sinh sông", "nhiều thế hệ sinh sống"),
                        ("các san phẩm", "các sản phẩm")):
        assert " ".join(rerank_line(_line(read), frequencies, pairs)) == meant
    assert "Trần" in toned_variants("Trân", frequencies)
    assert set(toned_variants("(thây,", frequencies)) == {"(thầy,", "(thấy,"}
    assert toned_variants("Uy", frequencies) == ["Ủy"]  # one placement per tone
    assert toned_variants("công", frequencies) == []  # "cống", "cộng" are too rare beside it
    assert toned_variants("khiếu", frequencies) == []  # has its tone
    assert toned_variants("3D", frequencies) == []


def test_a_restored_tone_never_wins_on_frequency_alone() -> None:
    """A toneless reading that already makes a word stays, though the toned spelling makes
    one too and is the more frequent syllable ("đầu từ", "tự vẫn" are words); so does one
    with no neighbour to make a word with."""
    frequencies, pairs = syllable_frequencies(), compound_pairs()
    for read in ("được đầu tư", "đẩy mạnh tư vấn", "sông", "theo quy định của pháp luật",
                 "thủ tục hành chính công", "Cổng thông tin điện tử",
                 "tư đồng bộ",  # the line's first word: "đầu" ends the line above
                 "Hoằng Hóa, tỉnh Thanh Hóa"):  # a name
        assert " ".join(rerank_line(_line(read), frequencies, pairs)) == read
