"""Issuing agencies: names, symbol abbreviations, parent agencies and signers' roles.

An :class:`AgencyTemplate` is instantiated for a random province/district/commune by
:func:`pick_agency`; placeholders in names are ``{P}`` (province, e.g. "TỈNH QUẢNG NAM"),
``{D}`` (district, e.g. "HUYỆN DUY XUYÊN") and ``{X}`` (commune, e.g. "XÃ TAM HIỆP").
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ingest.synthetic.vocabulary import (
    BAN_ROLES,
    BENHVIEN_ROLES,
    BO_ROLES,
    BQLDA_ROLES,
    CHICUC_ROLES,
    COMMUNES,
    CUC_ROLES,
    HDND_ROLES,
    PHONG_ROLES,
    PROVINCES,
    SO_ROLES,
    THANHTRA_ROLES,
    TRUNGTAM_ROLES,
    UBND_ROLES,
    VANPHONG_ROLES,
    Province,
    Roles,
)


@dataclass(frozen=True)
class AgencyTemplate:
    """One kind of issuing agency.

    ``level`` is where it sits ("central", "province", "district", "commune"): it decides the
    place printed before the date. ``parents`` are the possible parent-agency lines (an empty
    string means the parent line is sometimes left out).
    """

    name: str
    symbol: str
    level: str
    roles: Roles
    parents: tuple[str, ...] = ()
    parent_optional: bool = False


AGENCY_TEMPLATES: tuple[AgencyTemplate, ...] = (
    # Province level, under the provincial people's committee.
    AgencyTemplate("SỞ NỘI VỤ", "SNV", "province", SO_ROLES, ("UBND {P}", "ỦY BAN NHÂN DÂN {P}")),
    AgencyTemplate("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "STNMT", "province", SO_ROLES,
                   ("UBND {P}", "ỦY BAN NHÂN DÂN {P}")),
    AgencyTemplate("SỞ XÂY DỰNG", "SXD", "province", SO_ROLES, ("UBND {P}", "ỦY BAN NHÂN DÂN {P}")),
    AgencyTemplate("SỞ TÀI CHÍNH", "STC", "province", SO_ROLES, ("UBND {P}",)),
    AgencyTemplate("SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "SKHĐT", "province", SO_ROLES, ("UBND {P}",)),
    AgencyTemplate("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "STTTT", "province", SO_ROLES, ("UBND {P}",)),
    AgencyTemplate("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SGDĐT", "province", SO_ROLES,
                   ("UBND {P}", "ỦY BAN NHÂN DÂN {P}")),
    AgencyTemplate("SỞ Y TẾ", "SYT", "province", SO_ROLES, ("UBND {P}",)),
    AgencyTemplate("SỞ TƯ PHÁP", "STP", "province", SO_ROLES, ("UBND {P}",)),
    AgencyTemplate("SỞ GIAO THÔNG VẬN TẢI", "SGTVT", "province", SO_ROLES, ("UBND {P}",)),
    AgencyTemplate("SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "SNNPTNT", "province", SO_ROLES,
                   ("UBND {P}",)),
    AgencyTemplate("SỞ CÔNG THƯƠNG", "SCT", "province", SO_ROLES, ("UBND {P}",)),
    AgencyTemplate("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "SLĐTBXH", "province", SO_ROLES,
                   ("UBND {P}",)),
    AgencyTemplate("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "SVHTTDL", "province", SO_ROLES,
                   ("UBND {P}",)),
    AgencyTemplate("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "SKHCN", "province", SO_ROLES, ("UBND {P}",)),
    AgencyTemplate("THANH TRA TỈNH", "TTT", "province", THANHTRA_ROLES, ("UBND {P}",)),
    AgencyTemplate("VĂN PHÒNG", "VP", "province", VANPHONG_ROLES, ("UBND {P}",
                   "ỦY BAN NHÂN DÂN {P}")),
    AgencyTemplate("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "TTPVHCC", "province", TRUNGTAM_ROLES,
                   ("UBND {P}", "VĂN PHÒNG UBND {P}")),
    AgencyTemplate("BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG CÁC CÔNG TRÌNH DÂN DỤNG VÀ CÔNG NGHIỆP",
                   "BQLDA", "province", BQLDA_ROLES, ("UBND {P}",)),
    AgencyTemplate("BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP", "BQLKCN", "province", BAN_ROLES,
                   ("UBND {P}",)),
    AgencyTemplate("ỦY BAN NHÂN DÂN {P}", "UBND", "province", UBND_ROLES),
    AgencyTemplate("HỘI ĐỒNG NHÂN DÂN {P}", "HĐND", "province", HDND_ROLES),
    AgencyTemplate("BẢO HIỂM XÃ HỘI {P}", "BHXH", "province", TRUNGTAM_ROLES,
                   ("BẢO HIỂM XÃ HỘI VIỆT NAM",), True),
    AgencyTemplate("CỤC THUẾ {P}", "CT", "province", CUC_ROLES, ("TỔNG CỤC THUẾ",), True),
    AgencyTemplate("KHO BẠC NHÀ NƯỚC {P}", "KBNN", "province", TRUNGTAM_ROLES,
                   ("KHO BẠC NHÀ NƯỚC",), True),
    AgencyTemplate("CÔNG AN {P}", "CAT", "province", TRUNGTAM_ROLES, ("BỘ CÔNG AN",), True),
    AgencyTemplate("CHI CỤC KIỂM LÂM", "CCKL", "province", CHICUC_ROLES,
                   ("SỞ NÔNG NGHIỆP VÀ PTNT {P}", "SỞ NN&PTNT {P}")),
    AgencyTemplate("CHI CỤC BẢO VỆ MÔI TRƯỜNG", "CCBVMT", "province", CHICUC_ROLES,
                   ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",)),
    AgencyTemplate("VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI", "VPĐKĐĐ", "province", TRUNGTAM_ROLES,
                   ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "SỞ TN&MT {P}")),
    AgencyTemplate("TRUNG TÂM CÔNG NGHỆ THÔNG TIN VÀ TRUYỀN THÔNG", "TTCNTT", "province",
                   TRUNGTAM_ROLES, ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG",)),
    AgencyTemplate("TRUNG TÂM KIỂM SOÁT BỆNH TẬT", "CDC", "province", TRUNGTAM_ROLES,
                   ("SỞ Y TẾ {P}",)),
    AgencyTemplate("BỆNH VIỆN ĐA KHOA {P}", "BVĐK", "province", BENHVIEN_ROLES, ("SỞ Y TẾ {P}",)),
    # District level.
    AgencyTemplate("ỦY BAN NHÂN DÂN {D}", "UBND", "district", UBND_ROLES),
    AgencyTemplate("HỘI ĐỒNG NHÂN DÂN {D}", "HĐND", "district", HDND_ROLES),
    AgencyTemplate("PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG", "PTNMT", "district", PHONG_ROLES,
                   ("UBND {D}", "ỦY BAN NHÂN DÂN {D}")),
    AgencyTemplate("PHÒNG TÀI CHÍNH - KẾ HOẠCH", "PTCKH", "district", PHONG_ROLES, ("UBND {D}",)),
    AgencyTemplate("PHÒNG NỘI VỤ", "PNV", "district", PHONG_ROLES, ("UBND {D}",)),
    AgencyTemplate("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "PGDĐT", "district", PHONG_ROLES,
                   ("UBND {D}", "ỦY BAN NHÂN DÂN {D}")),
    AgencyTemplate("PHÒNG KINH TẾ VÀ HẠ TẦNG", "PKTHT", "district", PHONG_ROLES, ("UBND {D}",)),
    AgencyTemplate("PHÒNG QUẢN LÝ ĐÔ THỊ", "QLĐT", "district", PHONG_ROLES, ("UBND {D}",)),
    AgencyTemplate("PHÒNG VĂN HÓA VÀ THÔNG TIN", "PVHTT", "district", PHONG_ROLES, ("UBND {D}",)),
    AgencyTemplate("PHÒNG TƯ PHÁP", "PTP", "district", PHONG_ROLES, ("UBND {D}",)),
    AgencyTemplate("PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "PLĐTBXH", "district", PHONG_ROLES,
                   ("UBND {D}",)),
    AgencyTemplate("VĂN PHÒNG HĐND VÀ UBND", "VP", "district", VANPHONG_ROLES, ("UBND {D}",)),
    AgencyTemplate("BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG", "BQLDA", "district", BQLDA_ROLES,
                   ("UBND {D}", "ỦY BAN NHÂN DÂN {D}")),
    AgencyTemplate("TRUNG TÂM PHÁT TRIỂN QUỸ ĐẤT", "TTPTQĐ", "district", TRUNGTAM_ROLES,
                   ("UBND {D}",)),
    AgencyTemplate("CHI CỤC THUẾ {D}", "CCT", "district", CHICUC_ROLES, ("CỤC THUẾ {P}",), True),
    # Commune level.
    AgencyTemplate("ỦY BAN NHÂN DÂN {X}", "UBND", "commune", UBND_ROLES,
                   ("UBND {D}", "ỦY BAN NHÂN DÂN {D}"), True),
    AgencyTemplate("HỘI ĐỒNG NHÂN DÂN {X}", "HĐND", "commune", HDND_ROLES),
    # Central level.
    AgencyTemplate("BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "BTNMT", "central", BO_ROLES),
    AgencyTemplate("BỘ NỘI VỤ", "BNV", "central", BO_ROLES),
    AgencyTemplate("BỘ THÔNG TIN VÀ TRUYỀN THÔNG", "BTTTT", "central", BO_ROLES),
    AgencyTemplate("BỘ XÂY DỰNG", "BXD", "central", BO_ROLES),
    AgencyTemplate("BỘ TƯ PHÁP", "BTP", "central", BO_ROLES),
    AgencyTemplate("BỘ TÀI CHÍNH", "BTC", "central", BO_ROLES),
    AgencyTemplate("CỤC CHUYỂN ĐỔI SỐ QUỐC GIA", "CĐSQG", "central", CUC_ROLES,
                   ("BỘ THÔNG TIN VÀ TRUYỀN THÔNG",)),
    AgencyTemplate("CỤC QUẢN LÝ ĐẤT ĐAI", "QLĐĐ", "central", CUC_ROLES,
                   ("BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG",)),
    AgencyTemplate("CỤC HỘ TỊCH, QUỐC TỊCH, CHỨNG THỰC", "HTQTCT", "central", CUC_ROLES,
                   ("BỘ TƯ PHÁP",)),
    AgencyTemplate("CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC", "VTLTNN", "central", CUC_ROLES,
                   ("BỘ NỘI VỤ",)),
    AgencyTemplate("CỤC KIỂM SOÁT THỦ TỤC HÀNH CHÍNH", "KSTT", "central", CUC_ROLES,
                   ("VĂN PHÒNG CHÍNH PHỦ",)),
    AgencyTemplate("CỤC QUẢN LÝ HOẠT ĐỘNG XÂY DỰNG", "QLHĐXD", "central", CUC_ROLES,
                   ("BỘ XÂY DỰNG",)),
)

# Drafting units printed after the agency symbol in a công văn number ("123/UBND-KT").
DRAFTING_UNITS: tuple[str, ...] = (
    "VP", "KT", "NC", "TH", "KGVX", "ĐT", "QLĐĐ", "XD", "TCCB", "KHTC", "TTRA", "PC",
    "HCTH", "QLXD", "CCHC", "NV", "VX", "KTN", "TNMT", "QLĐT", "NNMT", "HC", "ĐTXD",
)


@dataclass(frozen=True)
class Agency:
    """An agency placed in a locality: what the header prints and who can sign."""

    name: str  # the agency line, uppercase (the field ``co_quan_ban_hanh``)
    symbol: str
    parent: str | None  # the parent-agency line above it, or None
    roles: Roles
    place: str  # printed before the date: "Quảng Nam, ngày ..."
    province: Province
    district: str  # e.g. "huyện Duy Xuyên"
    commune: str  # e.g. "xã Tam Hiệp"
    level: str


def district_name(district: str) -> str:
    """The bare name of "huyện Duy Xuyên" / "thành phố Hội An": "Duy Xuyên" / "Hội An"."""
    for prefix in ("thành phố ", "thị xã ", "thị trấn ", "huyện ", "quận ", "phường ", "xã "):
        if district.startswith(prefix):
            return district[len(prefix):]
    return district


def province_title(province: Province) -> str:
    """"TỈNH QUẢNG NAM" or "THÀNH PHỐ ĐÀ NẴNG"."""
    return ("THÀNH PHỐ " if province.city else "TỈNH ") + province.name.upper()


def province_lower(province: Province) -> str:
    """"tỉnh Quảng Nam" or "thành phố Đà Nẵng", as written inside a sentence."""
    return ("thành phố " if province.city else "tỉnh ") + province.name


def province_place(province: Province) -> str:
    """The province as written before a date ("Thành phố Hồ Chí Minh" for the largest city)."""
    return "Thành phố Hồ Chí Minh" if province.name == "Hồ Chí Minh" else province.name


def pick_agency(rng: random.Random, *, levels: tuple[str, ...] = (),
                templates: tuple[AgencyTemplate, ...] = AGENCY_TEMPLATES) -> Agency:
    """A random agency in a random locality (restricted to ``levels`` when given)."""
    pool = [t for t in templates if not levels or t.level in levels]
    template = rng.choice(pool)
    province = rng.choice(PROVINCES)
    district = rng.choice(province.districts)
    commune = rng.choice(COMMUNES)
    values = {"P": province_title(province), "D": district.upper(), "X": commune.upper()}
    name = template.name.format_map(values)
    parent: str | None = None
    if template.parents and not (template.parent_optional and rng.random() < 0.5):
        parent = rng.choice(template.parents).format_map(values)
        if parent in {"SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"}:
            parent = f"{parent} {values['P']}" if rng.random() < 0.5 else parent
    if template.level == "central":
        place = "Hà Nội"
    elif template.level == "province":
        place = province_place(province)
    elif template.level == "district":
        place = district_name(district)
    else:
        place = district_name(commune)
    return Agency(name=name, symbol=template.symbol, parent=parent, roles=template.roles,
                  place=place, province=province, district=district, commune=commune,
                  level=template.level)
