"""Builders of administrative documents in the Decree 30 layout (quyết định ... hợp đồng)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ingest.synthetic.agencies import DRAFTING_UNITS, Agency, pick_agency
from ingest.synthetic.common import (
    MOTTO,
    Filler,
    Person,
    date_line,
    date_words,
    doc_number,
    initials,
    random_date,
    random_person,
    wrap,
)
from ingest.synthetic.forms_vocabulary import BUSINESS_NAMES, BUSINESS_SUFFIXES
from ingest.synthetic.model import Block, SyntheticDocument
from ingest.synthetic.sentences import (
    ADDRESSEES,
    ARTICLE_CLOSINGS,
    ARTICLE_OPENINGS,
    BODY_SENTENCES,
    FILING,
    RECIPIENTS,
    SECTIONS,
    TYPE_SENTENCES,
)
from ingest.synthetic.summaries import ABBREVIATIONS, SUMMARIES, SUMMARY_TAILS, TITLES
from ingest.synthetic.vocabulary import LEGAL_BASES, LEGAL_PROPOSALS, Roles

# Which agency levels issue which type (None: any).
_LEVELS: dict[str, tuple[str, ...]] = {
    "nghi_quyet": ("province", "district", "commune"),
    "hop_dong": ("province", "district", "central"),
}
_HDND_ONLY = ("nghi_quyet",)
_INVITATIONS = (
    "Trân trọng kính mời đại diện lãnh đạo quý cơ quan đến dự và cho ý kiến.",
    "Thực hiện chương trình công tác năm {nam}, cơ quan tổ chức cuộc họp và trân trọng kính "
    "mời quý đại biểu tham dự.",
    "Để đánh giá kết quả thực hiện nhiệm vụ và thống nhất giải pháp trong thời gian tới, trân "
    "trọng kính mời đồng chí đến dự.",
    "Theo chỉ đạo của lãnh đạo Ủy ban nhân dân {huyen}, Văn phòng trân trọng kính mời quý đại "
    "biểu tham dự cuộc họp.",
)
_LAWS = (
    "Căn cứ Bộ luật Dân sự ngày 24 tháng 11 năm 2015;",
    "Căn cứ Luật Đấu thầu ngày 23 tháng 6 năm 2023;",
    "Căn cứ Luật Thương mại ngày 14 tháng 6 năm 2005;",
    "Căn cứ nhu cầu và khả năng của hai bên,",
)


@dataclass(frozen=True)
class _Parties:
    """Who signs (and, for contracts, the other party's representative)."""

    signer: Person
    authority: tuple[str, ...]
    position: str
    partner: Person


class _Page:
    """Text-wrapping settings of one document (body font size and characters per line)."""

    def __init__(self, rng: random.Random) -> None:
        self.size = rng.choice((13.0, 13.0, 14.0))
        self.width = rng.randint(72, 84) if self.size == 13.0 else rng.randint(66, 77)


_BREAK_BEFORE = ("TỈNH", "HUYỆN", "QUẬN", "THÀNH", "THỊ", "XÃ", "PHƯỜNG", "VÀ")


def _split_agency(rng: random.Random, name: str) -> tuple[str, ...]:
    """The agency line, wrapped over two lines when long (and sometimes when not).

    Breaks go before a place ("ỦY BAN NHÂN DÂN" / "HUYỆN DUY XUYÊN"), before "VÀ" or after a
    comma; a long name without such a point is split where the halves balance.
    """
    words = name.split()
    long = len(name) > 30
    if len(words) < 3 or not (long or (len(name) > 18 and rng.random() < 0.25)):
        return (name,)
    for lead in ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN"):
        if name.startswith(lead + " "):
            return (lead, name[len(lead) + 1:])
    points = [i for i in range(2, len(words) - 1)
              if words[i] in _BREAK_BEFORE or words[i - 1].endswith(",")]
    if not points:
        if not long:
            return (name,)
        points = list(range(1, len(words)))
    best = min(points, key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
    return (" ".join(words[:best]), " ".join(words[best:]))


def _number(rng: random.Random, doc_type: str, agency: Agency, year: int) -> str:
    """The number and symbol printed after "Số:"."""
    n = doc_number(rng)
    if doc_type == "cong_van":
        return f"{n}/{agency.symbol}-{rng.choice(DRAFTING_UNITS)}"
    abbreviation = ABBREVIATIONS[doc_type]
    with_year = {"quyet_dinh": 0.2, "nghi_quyet": 0.5, "hop_dong": 0.4}.get(doc_type, 0.0)
    if rng.random() < with_year:
        return f"{n}/{year}/{abbreviation}-{agency.symbol}"
    return f"{n}/{abbreviation}-{agency.symbol}"


def _signer(rng: random.Random, roles: Roles, *,
            formal: bool = False) -> tuple[tuple[str, ...], str]:
    """Authority lines (0 to 2) and the position line of whoever signs.

    ``formal``: only the head or a deputy (resolutions of a council are never signed "TL.").
    """
    roll = rng.random() * (0.7 if formal else 1.0)
    if roll < 0.3:  # the head signs
        return ((f"TM. {roles.collective}",) if roles.collective else ()), roles.head
    if roll < 0.7:  # a deputy signs for the head
        lines: tuple[str, ...] = (f"KT. {roles.head}",)
        if roles.collective and rng.random() < 0.5:
            lines = (f"TM. {roles.collective}", *lines)
        return lines, roles.deputy
    if roll < 0.85:  # on behalf of the head
        return (f"TL. {roles.head}",), rng.choice(roles.staff)
    if roll < 0.93:
        return (f"TUQ. {roles.head}",), rng.choice(roles.staff)
    return ((f"TM. {roles.collective}",) if roles.collective else ()), f"Q. {roles.head}"


def _sentence(rng: random.Random, fill: Filler, doc_type: str) -> str:
    """A body sentence: often one proper to ``doc_type``, otherwise a general one."""
    own = TYPE_SENTENCES.get(doc_type, ())
    share = 0.6 if doc_type == "hop_dong" else 0.2
    return fill(rng.choice(own if own and rng.random() < share else BODY_SENTENCES))


def _paragraphs(rng: random.Random, fill: Filler, page: _Page, budget: int,
                doc_type: str) -> list[tuple[str, ...]]:
    """Justified paragraphs of 1 to 4 sentences, about ``budget`` lines in all."""
    paragraphs: list[tuple[str, ...]] = []
    used = 0
    while used < budget:
        count = rng.choice((1, 1, 2, 2, 3, 4))
        text = " ".join(_sentence(rng, fill, doc_type) for _ in range(count))
        lines = wrap(text, page.width)
        if paragraphs and used >= 4 and used + len(lines) > budget + 1:
            break
        paragraphs.append(lines)
        used += len(lines)
    return paragraphs


def _body(lines: tuple[str, ...], page: _Page, *, bold: bool = False, align: str = "justify",
          page_break: bool = False) -> Block:
    return Block("body", lines, align=align, bold=bold, size=page.size,
                 page_break_before=page_break)


def _summary_text(rng: random.Random, doc_type: str, fill: Filler) -> str:
    text = fill(rng.choice(SUMMARIES[doc_type]))
    if rng.random() < 0.35:
        tail = fill(rng.choice(SUMMARY_TAILS))
        if tail.strip() not in text:
            text += tail
    return text


def _header(rng: random.Random, agency: Agency, number: str, dated: str,
            vv_lines: tuple[str, ...]) -> list[Block]:
    size = rng.choice((12.0, 13.0))
    blocks: list[Block] = []
    if agency.parent:
        blocks.append(Block("header_left", (agency.parent,), "centre", False, size))
    blocks.append(Block("header_left", _split_agency(rng, agency.name), "centre", True, size))
    blocks.append(Block("header_left", (f"Số: {number}",), "centre", False, 13.0))
    if vv_lines:
        blocks.append(Block("header_left", vv_lines, "centre", False, 12.0))
    blocks.append(Block("header_right", MOTTO[:1], "centre", True, size))
    blocks.append(Block("header_right", MOTTO[1:], "centre", True, size + 1))
    blocks.append(Block("header_right", (dated,), "centre", False, size + 1))
    return blocks


def _addressees(rng: random.Random, fill: Filler, page: _Page) -> Block:
    chosen = rng.sample(ADDRESSEES, rng.choice((1, 1, 2, 3)))
    if len(chosen) == 1:
        return Block("plain", (f"Kính gửi: {fill(chosen[0])}",), "centre", size=page.size)
    items = tuple(f"- {fill(item)};" for item in chosen)
    items = (*items[:-1], items[-1][:-1] + ".")
    return Block("plain", ("Kính gửi:", *items), "centre", size=page.size)


def _recipients(rng: random.Random, fill: Filler) -> Block:
    items = [fill(item) for item in rng.sample(RECIPIENTS, rng.randint(1, 6))]
    filing = rng.choice(FILING).format(initials=initials(random_person(rng).name))
    return Block("signer_left", ("Nơi nhận:", *items, filing), "left", size=12.0)


def _articles(rng: random.Random, fill: Filler, page: _Page, budget: int,
              doc_type: str) -> list[Block]:
    blocks: list[Block] = []
    count = rng.randint(2, 5)
    for index in range(1, count + 1):
        if index == 1:
            text = fill(rng.choice(ARTICLE_OPENINGS))
        elif index == count:
            text = fill(rng.choice(ARTICLE_CLOSINGS))
        else:
            text = " ".join(_sentence(rng, fill, doc_type) for _ in range(rng.randint(1, 3)))
        blocks.append(_body(wrap(f"Điều {index}. {text}", page.width), page))
        if index == 1:
            for lines in _paragraphs(rng, fill, page, max(1, budget - 6), doc_type):
                blocks.append(_body(lines, page))
    return blocks


def _head_of(agency: Agency) -> str:
    """"CHỦ TỊCH ỦY BAN NHÂN DÂN ...", "TRƯỞNG PHÒNG NỘI VỤ" (no "TRƯỞNG PHÒNG PHÒNG")."""
    head, name = agency.roles.head.split(), agency.name.split()
    for overlap in range(min(len(head), len(name)), 0, -1):
        if head[-overlap:] == name[:overlap]:
            return " ".join(head + name[overlap:])
    return " ".join(head + name)


def _contract_parties(rng: random.Random, agency: Agency, parties: _Parties, fill: Filler,
                      page: _Page) -> list[Block]:
    blocks = [_body(wrap(law, page.width), page) for law in rng.sample(_LAWS, rng.randint(1, 3))]
    opening = f"Hôm nay, {date_words(rng, fill.issued)}, tại {fill('{dia_diem}')}, chúng tôi gồm:"
    blocks.append(_body(wrap(opening, page.width), page))
    company = rng.choice(BUSINESS_NAMES).format(s=rng.choice(BUSINESS_SUFFIXES))
    title = parties.position.capitalize()
    for label, name, person, role in (
            ("BÊN A", agency.name, parties.signer, title),
            ("BÊN B", f"CÔNG TY TNHH {company}", parties.partner, "Giám đốc")):
        lines = (f"{label}: {name}",
                 f"Đại diện: {'Ông' if person.male else 'Bà'} {person.name} - Chức vụ: {role}",
                 f"Mã số thuế: {rng.randint(10**9, 10**10 - 1):010d}",
                 f"Điện thoại: {fill('{dien_thoai}')}")
        blocks.append(_body(tuple(x for line in lines for x in wrap(line, page.width)), page,
                            align="left"))
    return blocks


def _specific_body(rng: random.Random, doc_type: str, agency: Agency, parties: _Parties,
                   fill: Filler, page: _Page, budget: int) -> list[Block]:
    """The type-specific part between the summary and the signature."""
    blocks: list[Block] = []
    if doc_type == "hop_dong":
        blocks.extend(_contract_parties(rng, agency, parties, fill, page))
    if doc_type in ("quyet_dinh", "nghi_quyet"):
        if doc_type == "quyet_dinh":
            head = _head_of(agency)
            closing = "QUYẾT ĐỊNH:"
        else:
            head = agency.name
            if agency.symbol == "HĐND":
                term = rng.choice(("IX", "X", "XI", "XII", "XVI", "XVII"))
                head += f"\nKHÓA {term}, KỲ HỌP THỨ {rng.randint(2, 25)}"
            closing = "QUYẾT NGHỊ:"
        lines = tuple(line for part in head.split("\n") for line in wrap(part, 60))
        blocks.append(Block("plain", lines, "centre", True, page.size))
        for base in rng.sample(LEGAL_BASES, rng.randint(1, 4)):
            blocks.append(_body(wrap(fill(base), page.width), page))
        if doc_type == "quyet_dinh" or rng.random() < 0.5:
            blocks.append(_body(wrap(fill(rng.choice(LEGAL_PROPOSALS)), page.width), page))
        blocks.append(Block("plain", (closing,), "centre", True, page.size))
        blocks.extend(_articles(rng, fill, page, budget, doc_type))
        return blocks
    if doc_type in ("cong_van", "to_trinh", "giay_moi") and rng.random() < 0.85:
        blocks.append(_addressees(rng, fill, page))
    if doc_type == "giay_moi":
        when = f"{fill('{gio}')} phút, {date_words(rng, fill.issued)}"
        text = fill(rng.choice(_INVITATIONS))
        details = (f"1. Thời gian: {when}.", f"2. Địa điểm: {fill('{dia_diem}')}.",
                   "3. Thành phần: đại diện lãnh đạo các phòng, ban và đơn vị có liên quan.")
        blocks.append(_body(wrap(text, page.width), page))
        blocks.extend(_body(wrap(line, page.width), page, align="left") for line in details)
    if doc_type == "bien_ban":
        opening = (f"Hôm nay, vào lúc {fill('{gio}')} phút, {date_words(rng, fill.issued)}, tại "
                   f"{fill('{dia_diem}')}, chúng tôi gồm:")
        blocks.append(_body(wrap(opening, page.width), page))
        blocks.append(_body(("I. THÀNH PHẦN THAM DỰ",), page, bold=True, align="left"))
        for index in range(1, rng.randint(3, 8)):
            member = random_person(rng)
            role = "Chủ trì" if index == 1 else rng.choice(
                ("Thành viên", "Đại diện Phòng Tài nguyên và Môi trường", "Công chức Địa chính",
                 "Đại diện hộ gia đình", "Trưởng thôn", "Đại diện đơn vị thi công"))
            line = f"{index}. {'Ông' if member.male else 'Bà'} {member.name} - {role};"
            blocks.append(_body(wrap(line, page.width), page, align="left"))
        blocks.append(_body(("Thư ký: " + random_person(rng).name,), page, align="left"))
    sections = SECTIONS.get(doc_type, ())
    if doc_type == "bien_ban":
        sections = sections[1:]
    elif doc_type == "hop_dong":
        sections = sections[: rng.randint(3, 5)]
    elif sections and rng.random() < 0.3:
        sections = ()
    if not sections:
        blocks.extend(_body(lines, page)
                      for lines in _paragraphs(rng, fill, page, budget, doc_type))
        return blocks
    share = max(1, budget // len(sections))
    for heading in sections:
        breaking = budget > 25 and rng.random() < 0.12
        blocks.append(_body(wrap(heading, page.width), page, bold=True, align="left",
                            page_break=breaking))
        blocks.extend(_body(lines, page)
                      for lines in _paragraphs(rng, fill, page, share, doc_type))
    return blocks


def _signature_blocks(rng: random.Random, doc_type: str, parties: _Parties, fill: Filler,
                      page: _Page) -> list[Block]:
    """The two signer columns ("Nơi nhận:" or a second signature on the left)."""
    authority, position = parties.authority, parties.position
    size = page.size
    left: Block
    if doc_type == "hop_dong":
        left = Block("signer_left", ("ĐẠI DIỆN BÊN B", "GIÁM ĐỐC", parties.partner.name),
                     "centre", True, size)
        authority = ("ĐẠI DIỆN BÊN A",)
    elif doc_type == "bien_ban" and rng.random() < 0.4:
        clerk = random_person(rng)
        left = Block("signer_left", ("THƯ KÝ", clerk.name), "centre", True, size)
        authority = ("CHỦ TRÌ",)
    else:
        left = _recipients(rng, fill)
    right = Block("signer_right", (*authority, position, parties.signer.name), "centre", True,
                  size)
    return [left, right]


def build_administrative(rng: random.Random, doc_type: str, doc_id: str) -> SyntheticDocument:
    """One administrative document of ``doc_type`` with its ground-truth fields."""
    levels = _LEVELS.get(doc_type, ())
    agency = pick_agency(rng, levels=levels)
    if doc_type in _HDND_ONLY:  # councils' resolutions, sometimes a committee's
        wanted = "HĐND" if rng.random() < 0.8 else "UBND"
        while agency.symbol != wanted:
            agency = pick_agency(rng, levels=levels)
    issued = random_date(rng)
    fill = Filler(rng, agency, issued)
    page = _Page(rng)
    number = _number(rng, doc_type, agency, issued.year)
    summary = _summary_text(rng, doc_type, fill)
    vv_lines = wrap(summary, rng.randint(30, 38)) if doc_type == "cong_van" else ()
    blocks = _header(rng, agency, number, date_line(rng, agency.place, issued), vv_lines)
    if vv_lines:
        trich_yeu = " ".join(vv_lines)
    else:
        blocks.append(Block("title", (rng.choice(TITLES[doc_type]),), "centre", True, 14.0))
        width = rng.randint(55, 70)
        lines = wrap(summary, width)
        while len(lines) > 3:
            width += 8
            lines = wrap(summary, width)
        blocks.append(Block("summary", lines, "centre", True, page.size))
        trich_yeu = " ".join(lines)
    budget = rng.choice((rng.randint(4, 12), rng.randint(10, 30), rng.randint(10, 30),
                         rng.randint(25, 50)))
    if doc_type == "giay_moi":  # an invitation is short: time, place, who
        budget = rng.randint(0, 8)
    elif doc_type in ("quyet_dinh", "nghi_quyet", "hop_dong"):  # bases, parties take room
        budget = min(budget, 42)
    authority, position = _signer(rng, agency.roles, formal=doc_type == "nghi_quyet")
    parties = _Parties(random_person(rng), authority, position, random_person(rng))
    blocks.extend(_specific_body(rng, doc_type, agency, parties, fill, page, budget))
    if doc_type in ("cong_van", "to_trinh") and rng.random() < 0.6:
        closing = "Trân trọng./." if doc_type == "cong_van" else "Kính trình xem xét, quyết định./."
        blocks.append(_body((closing,), page, align="left"))
    blocks.extend(_signature_blocks(rng, doc_type, parties, fill, page))
    fields = {
        "so_ky_hieu": number,
        "ngay_ban_hanh": issued.isoformat(),
        "co_quan_ban_hanh": agency.name,
        "trich_yeu": trich_yeu,
        "nguoi_ky": parties.signer.name,
        "chuc_vu": parties.position,
    }
    return SyntheticDocument(doc_id, doc_type, fields, tuple(blocks))
