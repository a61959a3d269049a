"""Why a file was refused or failed, in Vietnamese on the pages: every message the intake
checks and the OCR input checks give for real bad files (the corpus's bad inputs, a scan cut
short, a scan damaged in its middle, other formats, bad names) comes out in Vietnamese, with
the file name and the figures kept; English stays English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.web.reasons import REASONS_DIR, say_reason
from ingest.intake import check_headers, safe_filename
from ocr.inputs import load_page
from ocr.model import OcrLimits
from storage.errors import BadInputError
from tests.support.paths import SHARED

SCAN = SHARED / "corpus" / "vi-admin" / "s101-002-to_khai.png"
ENGLISH = re.compile(r"\b(damaged|cannot|page|pages|file|image|truncated|missing|limit|"
                     r"pixels|send|looks|empty|name|contains|form|first|bytes)\b")


def _bad_files(directory: Path) -> list[Path]:
    data = SCAN.read_bytes()
    damaged = bytearray(data)
    middle = len(damaged) // 2
    damaged[middle: middle + 4096] = bytes(4096)
    made = {"cat.png": data[: len(data) // 3], "hong.png": bytes(damaged), "rong.pdf": b"",
            "anh.gif": b"GIF89a" + bytes(64), "don.docx": b"PK\x03\x04" + bytes(64),
            "ghi-chu.txt": b"ghi chu\n", "trang.html": b"<!doctype html><html></html>"}
    paths = sorted((SHARED / "corpus" / "bad-inputs").glob("*.pdf"))
    for name, content in made.items():
        (directory / name).write_bytes(content)
        paths.append(directory / name)
    return paths


def _messages(directory: Path) -> list[str]:
    """What the accept checks and the page loader say about each bad file."""
    said: list[str] = []
    for path in _bad_files(directory):
        for check in (lambda p: check_headers(p, p.name), lambda p: load_page(p, 0, OcrLimits())):
            try:
                check(path)
            except BadInputError as error:
                said.append(str(error))
    for name in ("thu-muc/don.pdf", "", "don\x01.pdf", "a" * 300 + ".pdf"):
        try:
            safe_filename(name)
        except BadInputError as error:
            said.append(str(error))
    return said


def test_every_bad_file_message_reads_in_vietnamese(tmp_path: Path) -> None:
    said = _messages(tmp_path)
    assert len(said) >= 20, said
    for message in said:
        shown = say_reason(message, "vi")
        outside_brackets = re.sub(r"\([^)]*\)", "", shown.split(": ", 1)[-1])
        assert not ENGLISH.search(outside_brackets), (message, shown)
        if not message.startswith("(no name)"):
            assert shown.split(": ", 1)[0] == message.split(": ", 1)[0]  # the file named
    assert "cat.png: ảnh PNG bị cắt cụt: thiếu khối kết thúc của ảnh" in [
        say_reason(message, "vi") for message in said]
    assert any(say_reason(message, "vi") == "hugemono.pdf: trang 1 chứa một ảnh 35000x35000 "
               "điểm ảnh, vượt giới hạn 200,000,000 điểm ảnh cho một trang" for message in said)


def test_english_and_unknown_text_stay_as_they_are() -> None:
    message = "hong.png: damaged PNG image: page 1 cannot be decoded (truncated or corrupt)"
    assert say_reason(message, "en") == message
    assert say_reason(message, "vi") == (
        "hong.png: ảnh PNG bị hỏng: không giải mã được trang 1 (tệp bị cắt cụt hoặc hỏng)")
    assert say_reason("something new went wrong", "vi") == "something new went wrong"


@pytest.mark.parametrize("language", sorted(path.stem for path in REASONS_DIR.glob("*.json")))
def test_every_reasons_file_loads(language: str) -> None:
    assert say_reason("", language) == ""
