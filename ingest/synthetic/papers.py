"""Builders of identity papers and of "other" documents (articles, receipts, lists, ...)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ingest.synthetic.agencies import district_name, pick_agency
from ingest.synthetic.common import (
    MOTTO,
    Filler,
    address,
    date_line,
    date_words,
    identity_number,
    phone_number,
    random_date,
    random_person,
    short_date,
    thousands,
    wrap,
)
from ingest.synthetic.forms_vocabulary import (
    ETHNICITIES,
    ID_TITLES,
    LETTER_OPENINGS,
    LETTER_TITLES,
    LIST_ROLES,
    LIST_TITLES,
    MAP_TITLES,
    MARKS,
    NEWS_HEADLINES,
    NEWS_SENTENCES,
    PHIEU_TITLES,
    PROCEDURES,
    RECEIPT_ITEMS,
    RELIGIONS,
)
from ingest.synthetic.model import Block, SyntheticDocument
from ingest.synthetic.sentences import BODY_SENTENCES
from ingest.synthetic.vocabulary import PROVINCES


def build_identity(rng: random.Random, doc_id: str) -> SyntheticDocument:
    """A photocopied identity card or passport page: front side, then (often) back side.

    The renderer draws each side as a card; the back side starts with ``page_break_before``.
    """
    title = rng.choice(ID_TITLES)
    person = random_person(rng)
    number = identity_number(rng, person)
    agency = pick_agency(rng, levels=("district", "commune"))
    bilingual = len(title) > 1 or rng.random() < 0.4
    upper = rng.random() < 0.6
    printed_name = person.name.upper() if upper else person.name
    size = rng.choice((10.0, 10.5, 11.0))

    def label(vi: str, en: str) -> str:
        return f"{vi} / {en}" if bilingual else vi

    origin = rng.choice(PROVINCES)
    lines = [f"{label('Số định danh cá nhân', 'Personal identification number')}: {number}"
             if title[0] != "CHỨNG MINH NHÂN DÂN" or rng.random() < 0.5 else f"Số: {number}"]
    if title[0] == "HỘ CHIẾU":
        lines.insert(0, f"{label('Số hộ chiếu', 'Passport No.')}: "
                        f"{rng.choice('CNPB')}{rng.randint(10**6, 10**7 - 1)}")
    lines.append(f"{label('Họ, chữ đệm và tên', 'Full name')}: {printed_name}")
    lines.append(f"{label('Ngày sinh', 'Date of birth')}: {short_date(rng, person.born)}")
    sex = "Nam" if person.male else "Nữ"
    lines.append(f"{label('Giới tính', 'Sex')}: {sex}   {label('Quốc tịch', 'Nationality')}: "
                 "Việt Nam")
    if rng.random() < 0.5:
        lines.append(f"{label('Quê quán', 'Place of origin')}: {rng.choice(origin.districts)}, "
                     f"{origin.name}")
    lines.append(f"{label('Nơi thường trú', 'Place of residence')}: {address(rng, agency)}")
    adult = person.born.replace(year=person.born.year + 14, day=1)
    issued = random_date(rng, max(adult, date(2016, 1, 1)), date(2026, 12, 31))
    passport = title[0] == "HỘ CHIẾU"
    ages = [age for age in (25, 40, 60) if person.born.year + age > issued.year]
    if passport:  # ten years from the date of issue
        lines.append(f"{label('Ngày cấp', 'Date of issue')}: {short_date(rng, issued)}")
        expiry = short_date(rng, issued.replace(year=issued.year + 10, day=min(issued.day, 28)))
    elif ages:  # identity cards: until the holder turns 25, 40 or 60
        expiry = short_date(rng, person.born.replace(year=person.born.year + ages[0], day=1))
    else:
        expiry = "Không thời hạn"
    if title[0] != "CHỨNG MINH NHÂN DÂN":
        lines.append(f"{label('Có giá trị đến', 'Date of expiry')}: {expiry}")
    width = 58 if bilingual else 64
    front = [Block("plain", MOTTO, "centre", True, size),
             Block("title", title, "centre", True, size + 3),
             Block("form_field", tuple(x for line in lines for x in wrap(line, width)), "left",
                   False, size)]
    blocks = front
    if not passport and rng.random() < 0.75:
        officer = random_person(rng)
        back = [f"Đặc điểm nhân dạng: {rng.choice(MARKS)}",
                f"Dân tộc: {rng.choice(ETHNICITIES)}   Tôn giáo: {rng.choice(RELIGIONS)}",
                f"Ngày, tháng, năm: {short_date(rng, issued)}"]
        mrz = f"IDVNM{number[3:]}{rng.randint(0, 9)}{number}<<{rng.randint(0, 9)}"
        blocks = [*front,
                  Block("form_field", tuple(x for line in back for x in wrap(line, width)),
                        "left", False, size, page_break_before=True),
                  Block("signer_right", ("CỤC TRƯỞNG CỤC CẢNH SÁT", "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT "
                                         "TỰ XÃ HỘI", officer.name), "centre", True, size - 1)]
        if title[0].startswith("CĂN CƯỚC"):
            blocks.append(Block("plain", (mrz,), "left", False, size))
    fields = {"ho_ten": printed_name, "so_dinh_danh": number}
    return SyntheticDocument(doc_id, "giay_to_tuy_than", fields, tuple(blocks))


_AMOUNT_WORDS = {
    2_000: "Hai nghìn đồng", 8_000: "Tám nghìn đồng", 10_000: "Mười nghìn đồng",
    75_000: "Bảy mươi lăm nghìn đồng", 100_000: "Một trăm nghìn đồng",
    150_000: "Một trăm năm mươi nghìn đồng", 500_000: "Năm trăm nghìn đồng",
}


def _other_news(rng: random.Random, fill: Filler, width: int) -> list[Block]:
    blocks = [Block("plain", (f"{date_words(rng, fill.issued).capitalize()} | Thời sự",),
                    "left", False, 10.0),
              Block("title", wrap(fill(rng.choice(NEWS_HEADLINES)), 48), "left", True,
                    rng.choice((18.0, 20.0)))]
    lead = " ".join(fill(rng.choice(NEWS_SENTENCES)) for _ in range(2))
    blocks.append(Block("plain", wrap(lead, width - 4), "justify", True, 13.0))
    for _ in range(rng.randint(2, 7)):
        text = " ".join(fill(rng.choice(NEWS_SENTENCES)) for _ in range(rng.randint(1, 3)))
        blocks.append(Block("body", wrap(text, width), "justify", False, 13.0))
    blocks.append(Block("plain", (random_person(rng).name,), "right", True, 13.0))
    return blocks


def _other_receipt(rng: random.Random, fill: Filler, width: int) -> list[Block]:
    agency = fill.agency
    item, amount = rng.choice(RECEIPT_ITEMS)
    payer, clerk = random_person(rng), random_person(rng)
    year = fill.issued.year % 100
    return [
        Block("header_left", (f"UBND {agency.commune.upper()}",), "centre", True, 12.0),
        Block("header_right", ("Mẫu số: 01BLP", f"Ký hiệu: BL-{year:02d}T",
                               f"Số: {rng.randint(1, 99_999):07d}"), "left", False, 12.0),
        Block("title", ("BIÊN LAI THU TIỀN PHÍ, LỆ PHÍ",), "centre", True, 15.0),
        Block("plain", ("(Liên 2: Giao cho người nộp tiền)",), "centre", False, 12.0),
        Block("form_field", tuple(x for line in (
            f"Tên đơn vị thu: Ủy ban nhân dân {agency.commune}",
            f"Họ và tên người nộp tiền: {payer.name}",
            f"Địa chỉ: {address(rng, agency)}",
            f"Nội dung thu: {item}",
            f"Số tiền: {thousands(amount)} đồng",
            f"(Viết bằng chữ: {_AMOUNT_WORDS[amount]}.)",
            f"Hình thức thanh toán: {rng.choice(('Tiền mặt', 'Chuyển khoản'))}",
        ) for x in wrap(line, width)), "left", False, 13.0),
        Block("plain", (date_line(rng, district_name(agency.commune), fill.issued),), "right",
              False, 13.0),
        Block("signer_left", ("NGƯỜI NỘP TIỀN", payer.name), "centre", True, 13.0),
        Block("signer_right", ("NGƯỜI THU TIỀN", clerk.name), "centre", True, 13.0),
    ]


def _other_phieu(rng: random.Random, fill: Filler, width: int) -> list[Block]:
    agency = fill.agency
    citizen, clerk = random_person(rng), random_person(rng)
    procedure = rng.choice(PROCEDURES)
    received = fill.issued
    due = received + timedelta(days=rng.randint(3, 30))
    code = (f"H{rng.randint(10, 99)}.{rng.randint(10, 99)}-{received:%y%m%d}-"
            f"{rng.randint(1, 9999):04d}")
    lines = [
        f"Mã hồ sơ: {code}",
        f"Tiếp nhận hồ sơ của: {'Ông' if citizen.male else 'Bà'} {citizen.name}",
        f"Địa chỉ: {address(rng, agency)}",
        f"Số điện thoại: {phone_number(rng)}",
        f"Nội dung yêu cầu giải quyết: {procedure.text}",
        "Thành phần hồ sơ nộp gồm:",
        "- Đơn đề nghị (bản chính): 01 bản;",
        "- Bản sao giấy tờ tùy thân: 01 bản;",
        f"Thời gian nhận hồ sơ: {fill('{gio}')} phút, ngày {short_date(rng, received)}",
        f"Thời gian trả kết quả: ngày {short_date(rng, due)}",
    ]
    return [
        Block("header_left", (f"UBND {agency.district.upper()}",), "centre", False, 12.0),
        Block("header_left", ("BỘ PHẬN TIẾP NHẬN", "VÀ TRẢ KẾT QUẢ"), "centre", True, 12.0),
        Block("header_right", MOTTO, "centre", True, 12.0),
        Block("header_right", (date_line(rng, agency.place, received),), "centre", False, 13.0),
        Block("title", wrap(rng.choice(PHIEU_TITLES), 46), "centre", True, 14.0),
        Block("form_field", tuple(x for line in lines for x in wrap(line, width)), "left",
              False, 13.0),
        Block("signer_left", ("NGƯỜI NỘP HỒ SƠ", citizen.name), "centre", True, 13.0),
        Block("signer_right", ("NGƯỜI TIẾP NHẬN HỒ SƠ", clerk.name), "centre", True, 13.0),
    ]


def _other_list(rng: random.Random, fill: Filler, width: int) -> list[Block]:
    rows = []
    for index in range(1, rng.randint(4, 25)):
        person = random_person(rng)
        rows.append(f"{index}. {person.name} - {rng.choice(LIST_ROLES)} - "
                    f"{district_name(rng.choice(PROVINCES[:20]).districts[0])}")
    return [
        Block("title", wrap(rng.choice(LIST_TITLES), 50), "centre", True, 14.0),
        Block("plain", (f"(Kèm theo Thông báo số {rng.randint(1, 999)}/TB-UBND ngày "
                        f"{short_date(rng, fill.issued)})",), "centre", False, 12.0),
        Block("form_field", tuple(x for row in rows for x in wrap(row, width)), "left", False,
              13.0),
        Block("plain", (f"Danh sách có {len(rows)} người./.",), "left", False, 13.0),
    ]


def _other_map(rng: random.Random, fill: Filler, width: int) -> list[Block]:
    agency = fill.agency
    owner = random_person(rng)
    corners = [f"Điểm {i}: X = {rng.randint(1_100_000, 2_500_000)},{rng.randint(10, 99)}   "
               f"Y = {rng.randint(400_000, 700_000)},{rng.randint(10, 99)}"
               for i in range(1, rng.randint(4, 8))]
    lines = [f"Thửa đất số: {rng.randint(1, 900)}   Tờ bản đồ số: {rng.randint(1, 60)}",
             f"Địa chỉ thửa đất: {agency.commune}, {agency.district}",
             f"Diện tích: {rng.randint(40, 2_000)} m²   Mục đích sử dụng: "
             f"{rng.choice(('ONT', 'ODT', 'CLN', 'LUC'))}",
             f"Tên người sử dụng đất: {owner.name}", "Tọa độ các đỉnh thửa (hệ VN-2000):",
             *corners, "Chiều dài các cạnh ghi trên sơ đồ tính bằng mét."]
    return [Block("title", (rng.choice(MAP_TITLES),), "centre", True, 14.0),
            Block("plain", (f"Tỷ lệ 1:{rng.choice((500, 1000, 2000))}",), "centre", False, 12.0),
            Block("form_field", tuple(x for line in lines for x in wrap(line, width)), "left",
                  False, 12.0),
            Block("signer_right", (date_line(rng, agency.place, fill.issued), "NGƯỜI TRÍCH LỤC",
                                   random_person(rng).name), "centre", True, 12.0)]


def _other_letter(rng: random.Random, fill: Filler, width: int) -> list[Block]:
    blocks = [Block("plain", (date_line(rng, fill.agency.place, fill.issued),), "right", False,
                    13.0),
              Block("title", (rng.choice(LETTER_TITLES),), "centre", True, 15.0),
              Block("plain", (rng.choice(LETTER_OPENINGS),), "left", False, 13.0)]
    pool = NEWS_SENTENCES + BODY_SENTENCES[-20:]
    for _ in range(rng.randint(2, 5)):
        text = " ".join(fill(rng.choice(pool)) for _ in range(rng.randint(1, 3)))
        blocks.append(Block("body", wrap(text, width), "justify", False, 13.0))
    blocks.append(Block("plain", ("Trân trọng!", random_person(rng).name), "right", False, 13.0))
    return blocks


_OTHER_BUILDERS = (_other_news, _other_receipt, _other_phieu, _other_list, _other_map,
                   _other_letter)


def build_other(rng: random.Random, doc_id: str) -> SyntheticDocument:
    """A page that is none of the known types (so it has no ground-truth fields)."""
    agency = pick_agency(rng, levels=("district",))
    fill = Filler(rng, agency, random_date(rng))
    width = rng.randint(72, 82)
    builder = rng.choice(_OTHER_BUILDERS)
    return SyntheticDocument(doc_id, "other", {}, tuple(builder(rng, fill, width)))
