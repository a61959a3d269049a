"""Builders of citizens' forms (đơn, tờ khai) and certificates (giấy chứng nhận)."""

from __future__ import annotations

import random

from ingest.synthetic.agencies import (
    Agency,
    district_name,
    pick_agency,
    province_lower,
    province_title,
)
from ingest.synthetic.common import (
    MOTTO,
    Filler,
    Person,
    address,
    date_line,
    date_words,
    decimal,
    identity_number,
    phone_number,
    random_date,
    random_person,
    short_date,
    thousands,
    wrap,
)
from ingest.synthetic.forms_vocabulary import (
    BUSINESS_LINES,
    BUSINESS_NAMES,
    BUSINESS_SUFFIXES,
    CERTIFICATES,
    COLOURS,
    DON_TITLES,
    ETHNICITIES,
    FORM_REASONS,
    LAND_USES,
    PROCEDURES,
    REASONS,
    RELATIONS,
    TO_KHAI_TITLES,
    VEHICLES,
    Procedure,
)
from ingest.synthetic.model import Block, SyntheticDocument

_FORM_CODES = ("Mẫu số 01", "Mẫu số 09/ĐK", "Mẫu số 04/ĐK", "Mẫu TK1", "Mẫu CT01", "Mẫu số 02",
               "Mẫu số 01/BCC", "Mẫu số 15")


def _addressee(rng: random.Random, procedure: Procedure, agency: Agency) -> str:
    values = {"xa": agency.commune, "huyen": agency.district, "tinh": agency.province.name}
    if procedure.to == "xa":
        return f"Ủy ban nhân dân {agency.commune}"
    if procedure.to == "huyen":
        return rng.choice((f"Ủy ban nhân dân {agency.district}",
                           f"Bộ phận Một cửa {agency.district}",
                           f"Phòng Tài nguyên và Môi trường {agency.district}"))
    return procedure.to.format_map(values)


def _request_line(rng: random.Random, procedure: Procedure) -> str:
    text = procedure.text
    roll = rng.random()
    if roll < 0.7:
        return text
    lowered = text[0].lower() + text[1:]
    return f"V/v {lowered}" if roll < 0.85 else f"Về việc {lowered}"


def _form_title(rng: random.Random, doc_type: str, procedure: Procedure) -> str:
    if doc_type == "to_khai":
        return rng.choice(TO_KHAI_TITLES)
    title = rng.choice(DON_TITLES)
    if title != "ĐƠN ĐỀ NGHỊ" and not procedure.title_tail:
        return "ĐƠN ĐỀ NGHỊ"
    if title == "ĐƠN ĐĂNG KÝ" and not procedure.title_tail.startswith("ĐĂNG KÝ"):
        title = "ĐƠN XIN"
    if title == "ĐƠN ĐĂNG KÝ":
        return f"ĐƠN {procedure.title_tail}"
    if title == "ĐƠN XIN" or rng.random() < 0.3:
        return f"{title} {procedure.title_tail}"
    return title


def _applicant_lines(rng: random.Random, person: Person, number: str, agency: Agency,
                     width: int, doc_type: str) -> tuple[str, ...]:
    name_label = rng.choice(("Họ và tên người đề nghị", "Họ và tên", "Họ, chữ đệm và tên",
                             "Họ, chữ đệm, tên người yêu cầu" if doc_type == "to_khai"
                             else "Tên tôi là"))
    id_label = rng.choice(("Số định danh cá nhân", "Số định danh cá nhân", "Số CCCD",
                           "Số căn cước công dân", "Số căn cước"))
    residence = address(rng, agency)
    optional = [
        f"Ngày, tháng, năm sinh: {short_date(rng, person.born)}",
        f"Giới tính: {'Nam' if person.male else 'Nữ'}",
        f"Dân tộc: {rng.choice(ETHNICITIES)}   Quốc tịch: Việt Nam",
        f"Nơi cư trú: {residence}",
        f"Số điện thoại liên hệ: {phone_number(rng)}",
        f"Email: {rng.choice(('', 'lienhe', 'hoso', 'giadinh'))}{rng.randint(10, 999)}@gmail.com",
    ]
    chosen = [line for line in optional if rng.random() < 0.6] or optional[3:4]
    lines = [f"{name_label}: {person.name}"]
    position = rng.randint(0, min(2, len(chosen)))
    body = [*chosen[:position], f"{id_label}: {number}", *chosen[position:]]
    if rng.random() < 0.3:
        issued = random_date(rng)
        body.insert(position + 1, f"Ngày cấp: {short_date(rng, issued)}   Nơi cấp: Cục Cảnh sát "
                                  "quản lý hành chính về trật tự xã hội")
    lines.extend(body)
    return tuple(x for line in lines for x in wrap(line, width))


def build_form(rng: random.Random, doc_type: str, doc_id: str) -> SyntheticDocument:
    """An application letter (``don_de_nghi``) or a declaration form (``to_khai``)."""
    kinds = ("to_khai", "both") if doc_type == "to_khai" else ("don", "both")
    procedure = rng.choice([p for p in PROCEDURES if p.form in kinds])
    agency = pick_agency(rng, levels=("district",))
    person = random_person(rng)
    number = identity_number(rng, person)
    issued = random_date(rng)
    fill = Filler(rng, agency, issued)
    size = rng.choice((13.0, 13.0, 14.0))
    width = rng.randint(72, 84) if size == 13.0 else rng.randint(66, 77)
    blocks: list[Block] = []
    if rng.random() < 0.35:
        blocks.append(Block("plain", (rng.choice(_FORM_CODES),), "right", False, 11.0))
    blocks.append(Block("plain", MOTTO, "centre", True, rng.choice((12.0, 13.0))))
    blocks.append(Block("title", (_form_title(rng, doc_type, procedure),), "centre", True, 14.0))
    request = wrap(_request_line(rng, procedure), rng.randint(55, 70))
    blocks.append(Block("summary", request, "centre", True, size))
    addressee = f"Kính gửi: {_addressee(rng, procedure, agency)}"
    blocks.append(Block("plain", wrap(addressee, width), rng.choice(("centre", "left")), False,
                        size))
    blocks.append(Block("form_field", _applicant_lines(rng, person, number, agency, width,
                                                        doc_type), "left", False, size))
    extras = {"ly_do": rng.choice(REASONS), "quan_he": rng.choice(RELATIONS)}
    for template in rng.sample(FORM_REASONS, rng.randint(1, 5)):
        text = fill(template.replace("{ly_do}", extras["ly_do"])
                    .replace("{quan_he}", extras["quan_he"]))
        blocks.append(Block("body", wrap(text, width), "justify", False, size))
    role = ("NGƯỜI KHAI", "NGƯỜI YÊU CẦU") if doc_type == "to_khai" else ("NGƯỜI ĐỀ NGHỊ",
                                                                          "NGƯỜI LÀM ĐƠN")
    place = district_name(agency.commune) if rng.random() < 0.5 else agency.place
    signer = [date_line(rng, place, issued), rng.choice(role)]
    if rng.random() < 0.5:
        signer.append("(Ký, ghi rõ họ tên)")
    signer.append(person.name)
    blocks.append(Block("signer_right", tuple(signer), "centre", True, size))
    fields = {"ho_ten": person.name, "so_dinh_danh": number,
              "trich_yeu": " ".join(request)}
    return SyntheticDocument(doc_id, doc_type, fields, tuple(blocks))


def _company(rng: random.Random) -> str:
    return rng.choice(BUSINESS_NAMES).format(s=rng.choice(BUSINESS_SUFFIXES))


def _certificate_body(rng: random.Random, kind: str, title: tuple[str, ...], holder: Person,
                      number: str, agency: Agency) -> list[str]:
    """The certificate's field lines, naming ``holder``."""
    home = address(rng, agency)
    born = short_date(rng, holder.born)
    sex = "Nam" if holder.male else "Nữ"
    honorific = "Ông" if holder.male else "Bà"
    if kind == "business":
        form = "CÔNG TY CỔ PHẦN" if title[-1].endswith("CỔ PHẦN") else "CÔNG TY TNHH MTV"
        return [f"Mã số doanh nghiệp: {rng.randint(10**9, 10**10 - 1):010d}",
                f"Đăng ký lần đầu: {date_words(rng, random_date(rng))}",
                "1. Tên công ty",
                f"Tên công ty viết bằng tiếng Việt: {form} {_company(rng)}",
                f"2. Địa chỉ trụ sở chính: {home}",
                f"3. Vốn điều lệ: {thousands(rng.randint(1, 90) * 100_000_000)} đồng",
                "4. Người đại diện theo pháp luật của công ty",
                f"Họ và tên: {holder.name}   Giới tính: {sex}",
                "Chức danh: Giám đốc",
                f"Sinh ngày: {born}   Dân tộc: Kinh   Quốc tịch: Việt Nam",
                f"Số định danh cá nhân: {number}"]
    if kind == "household":
        return [f"Mã số hộ kinh doanh: {rng.randint(10**7, 10**8 - 1)}",
                f"1. Tên hộ kinh doanh: {_company(rng).title()}",
                f"2. Địa điểm kinh doanh: {home}",
                f"3. Ngành, nghề kinh doanh: {rng.choice(BUSINESS_LINES)}",
                f"4. Vốn kinh doanh: {thousands(rng.randint(5, 300) * 10_000_000)} đồng",
                f"5. Chủ hộ kinh doanh: {holder.name}",
                f"Sinh ngày: {born}   Giới tính: {sex}",
                f"Số định danh cá nhân: {number}"]
    if kind == "land":
        return ["I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất",
                f"{honorific}: {holder.name}, năm sinh: {holder.born.year}",
                f"Số định danh cá nhân: {number}",
                f"Địa chỉ thường trú: {home}",
                "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất",
                f"a) Thửa đất số: {rng.randint(1, 900)}; tờ bản đồ số: {rng.randint(1, 60)}",
                f"b) Địa chỉ: {agency.commune}, {agency.district}, "
                f"{province_lower(agency.province)}",
                f"c) Diện tích: {decimal(rng.uniform(40, 900))} m²",
                "d) Hình thức sử dụng: Sử dụng riêng",
                f"đ) Mục đích sử dụng: {rng.choice(LAND_USES)}",
                "e) Thời hạn sử dụng: Lâu dài",
                "g) Nguồn gốc sử dụng: Nhà nước công nhận quyền sử dụng đất",
                f"Số vào sổ cấp GCN: CH {rng.randint(100, 99_999):05d}"]
    if kind == "vehicle":
        return [f"Tên chủ xe: {holder.name}", f"Địa chỉ: {home}",
                f"Nhãn hiệu: {rng.choice(VEHICLES)}   Màu sơn: {rng.choice(COLOURS)}",
                f"Số máy: {rng.choice(('JF', 'E3', 'HC'))}{rng.randint(10**6, 10**7 - 1)}",
                f"Số khung: RL{rng.randint(10**9, 10**10 - 1)}",
                f"Biển số đăng ký: {rng.randint(11, 99)}{rng.choice('ABCDEFGH')}"
                f"{rng.randint(1, 9)}-{rng.randint(100, 999)}.{rng.randint(10, 99)}",
                f"Số định danh cá nhân chủ xe: {number}"]
    if kind == "training":
        return [f"Chứng nhận: {honorific} {holder.name}", f"Sinh ngày: {born}",
                f"Số định danh cá nhân: {number}",
                f"Đơn vị công tác: Ủy ban nhân dân {agency.commune}",
                "Đã hoàn thành chương trình bồi dưỡng kiến thức quản lý nhà nước",
                f"Từ ngày {short_date(rng, random_date(rng))} đến ngày "
                f"{short_date(rng, random_date(rng))}",
                f"Xếp loại: {rng.choice(('Giỏi', 'Khá', 'Xuất sắc', 'Trung bình'))}"]
    if kind == "investment":
        return [f"Mã số dự án: {rng.randint(10**9, 10**10 - 1)}",
                f"Chứng nhận lần đầu: {date_words(rng, random_date(rng))}",
                f"Nhà đầu tư: CÔNG TY CỔ PHẦN {_company(rng)}",
                f"Người đại diện theo pháp luật: {honorific} {holder.name}",
                f"Số định danh cá nhân: {number}",
                f"Tên dự án: Nhà máy {rng.choice(BUSINESS_LINES).lower()}",
                f"Địa điểm thực hiện dự án: {agency.commune}, {agency.district}",
                f"Tổng vốn đầu tư: {thousands(rng.randint(5, 900) * 1_000_000_000)} đồng"]
    return [f"Tên cơ sở: {_company(rng).title()}", f"Chủ cơ sở: {holder.name}",
            f"Số định danh cá nhân: {number}", f"Địa chỉ: {home}",
            f"Điện thoại: {phone_number(rng)}",
            f"Đủ điều kiện an toàn thực phẩm đối với: {rng.choice(BUSINESS_LINES).lower()}",
            f"Giấy chứng nhận có giá trị đến ngày {short_date(rng, random_date(rng))}"]


def build_certificate(rng: random.Random, doc_id: str) -> SyntheticDocument:
    """A certificate issued earlier to a person (land, business, vehicle, training, ...)."""
    title, kind = rng.choice(CERTIFICATES)
    agency = pick_agency(rng, levels=("province", "district"))
    issued = random_date(rng)
    holder = random_person(rng)
    number = identity_number(rng, holder)
    size = rng.choice((12.0, 13.0))
    issuer = {
        "business": ("SỞ KẾ HOẠCH VÀ ĐẦU TƯ " + province_title(agency.province),
                     "PHÒNG ĐĂNG KÝ KINH DOANH"),
        "household": (f"UBND {agency.district.upper()}", "PHÒNG TÀI CHÍNH - KẾ HOẠCH"),
        "vehicle": ("CÔNG AN " + province_title(agency.province), "PHÒNG CẢNH SÁT GIAO THÔNG"),
        "training": (f"UBND {province_title(agency.province)}", "TRƯỜNG CHÍNH TRỊ"),
        "investment": (f"UBND {province_title(agency.province)}",
                       "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP"),
        "food": (f"UBND {province_title(agency.province)}", "SỞ Y TẾ"),
    }.get(kind)
    fields: dict[str, str] = {}
    blocks: list[Block] = []
    dated = date_line(rng, agency.place, issued)
    show_number = kind in ("food", "vehicle", "training") or rng.random() < 0.3
    unit = rng.choice(("ATTP", "PC08", "TCT", "ĐKKD", "SKHĐT"))
    symbol = f"{rng.randint(1, 9999):0{rng.choice((1, 3, 4))}d}/GCN-{unit}"
    if issuer is not None:
        blocks.append(Block("header_left", issuer[:1], "centre", False, size))
        blocks.append(Block("header_left", issuer[1:], "centre", True, size))
        fields["co_quan_ban_hanh"] = issuer[1]
        if show_number:
            blocks.append(Block("header_left", (f"Số: {symbol}",), "centre", False, size))
            fields["so_ky_hieu"] = symbol
        blocks.append(Block("header_right", MOTTO, "centre", True, size))
        if kind not in ("business", "investment"):
            blocks.append(Block("header_right", (dated,), "centre", False, size))
            fields["ngay_ban_hanh"] = issued.isoformat()
    else:
        blocks.append(Block("plain", MOTTO, "centre", True, size))
    blocks.append(Block("title", title, "centre", True, rng.choice((14.0, 15.0, 16.0))))
    width = rng.randint(64, 74)
    lines = _certificate_body(rng, kind, title, holder, number, agency)
    blocks.append(Block("form_field", tuple(x for line in lines for x in wrap(line, width)),
                        "left", False, 13.0))
    signer = random_person(rng)
    if kind == "land":
        authority: tuple[str, ...] = (("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH")
                                      if rng.random() < 0.5 else ())
        position = "PHÓ CHỦ TỊCH" if authority else "GIÁM ĐỐC"
        blocks.append(Block("signer_right", (dated, *authority, position, signer.name), "centre",
                            True, 13.0))
        fields["ngay_ban_hanh"] = issued.isoformat()
    else:
        head = {"training": "HIỆU TRƯỞNG", "investment": "TRƯỞNG BAN",
                "food": "GIÁM ĐỐC"}.get(kind, "TRƯỞNG PHÒNG")
        deputy = rng.random() < 0.5
        position = f"PHÓ {head}" if deputy else head
        authority = (f"KT. {head}",) if deputy else ()
        blocks.append(Block("signer_right", (*authority, position, signer.name), "centre", True,
                            13.0))
    fields.update({"ho_ten": holder.name, "so_dinh_danh": number})
    return SyntheticDocument(doc_id, "giay_chung_nhan", fields, tuple(blocks))


