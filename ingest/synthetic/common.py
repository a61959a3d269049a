"""Helpers shared by the document builders: wrapping, dates, names, numbers, placeholders."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from ingest.synthetic.agencies import Agency, province_lower
from ingest.synthetic.sentences import MEETING_PLACES
from ingest.synthetic.vocabulary import (
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    HAMLETS,
    ID_PROVINCE_CODES,
    MALE_GIVEN,
    MALE_MIDDLE,
    STREETS,
    SURNAMES,
)

FIRST_DAY = date(2015, 1, 1)
LAST_DAY = date(2026, 12, 31)
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def nfc(text: str) -> str:
    """``text`` in Unicode NFC."""
    return unicodedata.normalize("NFC", text)


def wrap(text: str, width: int) -> tuple[str, ...]:
    """Greedy word wrap at ``width`` characters; words are never split.

    Single spaces separate words; a run of three or more spaces (a tab stop between two
    fields on one line, "Giới tính: Nam   Quốc tịch: Việt Nam") is kept inside the line.
    """
    lines: list[str] = []
    current = ""
    for word in re.split(r"(?<! ) (?! )", text.strip()):
        if not word:
            continue
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return tuple(lines)


def random_date(rng: random.Random, first: date = FIRST_DAY, last: date = LAST_DAY) -> date:
    """A uniformly random real calendar day between ``first`` and ``last`` inclusive."""
    return first + timedelta(days=rng.randint(0, (last - first).days))


def date_words(rng: random.Random, day: date) -> str:
    """"ngày 05 tháng 3 năm 2024", zero padding of day and month varied at random."""
    d = f"{day.day:02d}" if rng.random() < 0.7 else str(day.day)
    m = f"{day.month:02d}" if rng.random() < 0.5 else str(day.month)
    return f"ngày {d} tháng {m} năm {day.year}"


def date_line(rng: random.Random, place: str, day: date) -> str:
    """The place-and-date line: "Quảng Nam, ngày 05 tháng 3 năm 2024"."""
    return f"{place}, {date_words(rng, day)}"


def short_date(rng: random.Random, day: date) -> str:
    """"05/03/2024" or "5/3/2024"."""
    if rng.random() < 0.7:
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    return f"{day.day}/{day.month}/{day.year}"


_MALE_SECOND = ("Minh", "Anh", "Quang", "Hoàng", "Tuấn", "Thành", "Trung", "Nhật", "Gia", "Duy")
_FEMALE_SECOND = ("Thu", "Thanh", "Ngọc", "Kim", "Mỹ", "Hồng", "Bích", "Thùy", "Minh", "Hoài",
                  "Phương", "Diệu", "Quỳnh", "Tuyết", "Lan", "Hải", "Khánh", "Bảo")


@dataclass(frozen=True)
class Person:
    """A person's full name (title case), sex and date of birth."""

    name: str
    male: bool
    born: date


def weighted_surname(rng: random.Random) -> str:
    """A surname drawn with realistic frequencies."""
    names = [name for name, _ in SURNAMES]
    weights = [weight for _, weight in SURNAMES]
    return rng.choices(names, weights=weights)[0]


def random_person(rng: random.Random, male: bool | None = None, *, adult: bool = True) -> Person:
    """A random Vietnamese person: surname, one or two middle names, given name."""
    is_male = rng.random() < 0.5 if male is None else male
    middle_pool = MALE_MIDDLE if is_male else FEMALE_MIDDLE
    given = rng.choice(MALE_GIVEN if is_male else FEMALE_GIVEN)
    parts = [weighted_surname(rng)]
    roll = rng.random()
    if roll < 0.06:
        pass  # no middle name
    elif roll < (0.8 if is_male else 0.75):
        parts.append(rng.choice(middle_pool))
    elif is_male:
        first = rng.choice(("Văn", "Hữu", "Đức", "Minh", "Quốc", "Công"))
        parts += [first, rng.choice([m for m in _MALE_SECOND if m != first])]
    else:
        parts += ["Thị", rng.choice(_FEMALE_SECOND)]
    if parts[-1] == given:
        given = rng.choice(MALE_GIVEN if is_male else FEMALE_GIVEN)
    parts.append(given)
    born = random_date(rng, date(1945, 1, 1), date(2004, 12, 31) if adult else date(2024, 1, 1))
    return Person(" ".join(parts), is_male, born)


def identity_number(rng: random.Random, person: Person) -> str:
    """A 12-digit personal identity number: province code, sex/century digit, year, serial."""
    code = rng.choice(ID_PROVINCE_CODES)
    century = 0 if person.born.year < 2000 else 2
    sex_century = century + (0 if person.male else 1)
    return f"{code}{sex_century}{person.born.year % 100:02d}{rng.randint(0, 999_999):06d}"


def phone_number(rng: random.Random) -> str:
    """A Vietnamese mobile number, "09xxxxxxxx"-like."""
    prefix = rng.choice(("090", "091", "093", "094", "096", "097", "098", "086", "088", "035",
                         "038", "077", "079", "083", "085", "070"))
    return prefix + f"{rng.randint(0, 9_999_999):07d}"


def doc_number(rng: random.Random) -> str:
    """A document number of 1 to 5 digits, small numbers more frequent."""
    digits = rng.choices((1, 2, 3, 4, 5), weights=(2, 5, 7, 6, 1))[0]
    low = 1 if digits == 1 else 10 ** (digits - 1)
    return str(rng.randint(low, 10**digits - 1))


def thousands(value: int) -> str:
    """``1234567`` as "1.234.567" (Vietnamese grouping)."""
    return f"{value:,}".replace(",", ".")


def decimal(value: float, places: int = 1) -> str:
    """``87.5`` as "87,5"."""
    return f"{value:.{places}f}".replace(".", ",")


def address(rng: random.Random, agency: Agency) -> str:
    """A street or hamlet address in the agency's commune, down to the province."""
    if rng.random() < 0.5:
        head = f"số {rng.randint(1, 350)}, đường {rng.choice(STREETS)}"
    else:
        head = rng.choice(HAMLETS).format(n=rng.randint(1, 15))
    return f"{head}, {agency.commune}, {agency.district}, {province_lower(agency.province)}"


def initials(person_name: str) -> str:
    """Initials of a drafter as written in the filing line: "NVA" for "Nguyễn Văn An"."""
    return "".join(word[0] for word in person_name.split()).upper()


class Filler:
    """Fills ``{placeholder}`` templates; numbers and people are drawn afresh at each use."""

    def __init__(self, rng: random.Random, agency: Agency, issued: date) -> None:
        """Fix the document's year, places and dates; keep ``rng`` for per-use values."""
        self.rng = rng
        self.agency = agency
        self.issued = issued
        earlier = issued - timedelta(days=rng.randint(20, 700))
        later = issued + timedelta(days=rng.randint(5, 60))
        self.fixed: dict[str, str] = {
            "nam": str(issued.year), "nam_sau": str(issued.year + 1),
            "nam_truoc": str(issued.year - 1), "nam_2": str(issued.year + 2),
            "nam_5": str(issued.year + 5), "tinh": agency.province.name,
            "huyen": agency.district, "xa": agency.commune,
            "ngay_truoc": date_words(rng, earlier).removeprefix("ngày "),
            "ngay": short_date(rng, later), "thang": str(issued.month),
            "quy": ("I", "II", "III", "IV")[(issued.month - 1) // 3],
        }

    def __getitem__(self, key: str) -> str:
        """The value of one placeholder."""
        if key in self.fixed:
            return self.fixed[key]
        rng = self.rng
        values: dict[str, Callable[[], str]] = {
            "so": lambda: thousands(rng.randint(120, 48_000)),
            "so_nho": lambda: str(rng.randint(2, 60)),
            "so_vb": lambda: doc_number(rng),
            "so_nho2": lambda: str(rng.randint(1, 45)),
            "so_ban": lambda: rng.choice(("02", "03", "04", "05")),
            "so_tang": lambda: str(rng.randint(1, 5)),
            "tyle": lambda: decimal(rng.uniform(55, 99.8)),
            "tyle2": lambda: decimal(rng.uniform(1, 50)),
            "tien": lambda: thousands(rng.randint(150, 95_000)),
            "dien_tich": lambda: decimal(rng.uniform(40, 3_000)),
            "gio": lambda: f"{rng.choice((7, 8, 9, 10, 13, 14, 15))} giờ "
                           f"{rng.choice(('00', '15', '30', '45'))}",
            "ten": lambda: random_person(rng).name,
            "ten_nam": lambda: random_person(rng, True).name,
            "ten_nu": lambda: random_person(rng, False).name,
            "duong": lambda: rng.choice(STREETS),
            "dien_thoai": lambda: phone_number(rng),
            "initials": lambda: initials(random_person(rng).name),
            "tai_khoan": lambda: "".join(str(rng.randint(0, 9)) for _ in range(13)),
            "dia_diem": lambda: rng.choice(MEETING_PLACES).format_map(self),
        }
        if key not in values:
            raise KeyError(key)
        return values[key]()

    def __call__(self, template: str) -> str:
        """``template`` with every placeholder filled, in NFC."""
        return nfc(template.format_map(self))
