"""The provinces and centrally-run cities of Viet Nam, as agency headers print them.

A closed list of public administrative facts (not learned from any corpus): the 63
province-level units of 2008-2025, the 34 of the reorganisation in force from 1 July 2025
(all of which keep one of the old names: Huế became a centrally-run city), and Hà Tây
(merged into Hà Nội in 2008), which older documents still name. Agency headers print the
unit as ``TỈNH X`` or ``THÀNH PHỐ X`` (``ỦY BAN NHÂN DÂN`` / ``TỈNH QUẢNG NGÃI``), so OCR'd
header words can be set to the spelling of the list when they are close to it.
"""

from __future__ import annotations

import functools
import re

from rapidfuzz.distance import Levenshtein

from ingest.classify.text import fold

PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh",
    "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng",
    "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang",
    "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa",
    "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An",
    "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình",
    "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh",
    "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh",
    "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
    "Hà Tây",  # until 2008
)
"""Provinces (tỉnh) of 2008-2025 and Hà Tây; the 28 provinces from 1 July 2025 are among
them."""

CITIES = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế")
"""Centrally-run cities (thành phố trực thuộc trung ương); Huế from 2025."""

SPELLING_VARIANTS = {"Hòa": "Hoà", "Hóa": "Hoá"}
"""The older placement of the tone mark, still printed on many headers (``KHÁNH HOÀ``)."""


def _variants(name: str) -> list[str]:
    """``name`` and its spelling with the older tone placement, if it differs."""
    old = " ".join(SPELLING_VARIANTS.get(word, word) for word in name.split(" "))
    return [name] if old == name else [name, old]


def place_headers() -> tuple[str, ...]:
    """Every province-level unit as a header line prints it, in capitals: ``TỈNH QUẢNG
    NGÃI``, ``THÀNH PHỐ HÀ NỘI`` (with the older tone placement as a second spelling)."""
    found = [f"TỈNH {variant}".upper() for name in PROVINCES for variant in _variants(name)]
    found += [f"THÀNH PHỐ {variant}".upper() for name in CITIES for variant in _variants(name)]
    return tuple(found)


_KIND = re.compile(r"\b(tỉnh|thành phố)\s+", re.IGNORECASE)
MIN_FUZZY_LETTERS = 8
"""A name is taken one letter away from what OCR read only when it has at least this many
letters: shorter names are too close to one another."""


@functools.cache
def _names() -> dict[int, list[str]]:
    """The provinces' and cities' names by their word count."""
    found: dict[int, list[str]] = {}
    for name in (*PROVINCES, *CITIES):
        found.setdefault(len(name.split()), []).append(name)
    return found


def snap_place_names(text: str) -> str:
    """``text`` with a province's or a city's name after "tỉnh" or "thành phố" written as
    the list writes it when OCR misread its marks or one letter ("tỉnh Quảng Ngải", "tỉnh
    Quảng Nøãi"): the words that follow, as many as the name has, are that name when their
    letters (marks aside) are its letters, or one edit away from them on a long name, and
    no other name's. Names read right (in either tone placement), and words near no name,
    stay as they are."""
    out: list[str] = []
    position = 0
    for kind in _KIND.finditer(text):
        if kind.start() < position:
            continue
        after = text[kind.end():]
        for count, names in sorted(_names().items(), reverse=True):
            words = after.split(" ", count)
            if len(words) < count:
                continue
            read = " ".join(words[:count])
            bare = read.rstrip(",.;:)")
            key = fold(bare)
            near = [name for name in names if fold(name) == key or (
                len(fold(name).replace(" ", "")) >= MIN_FUZZY_LETTERS
                and Levenshtein.distance(fold(name), key) <= 1)]
            if len(near) != 1 or bare.lower() in (v.lower() for v in _variants(near[0])):
                continue
            out.append(text[position:kind.end()])
            out.append((near[0].upper() if bare.isupper() else near[0]) + read[len(bare):])
            position = kind.end() + len(read)
            break
    return "".join(out) + text[position:]
