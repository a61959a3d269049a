"""The number/symbol (số, ký hiệu) of an outgoing document, as Decree 30 Appendix III
writes it: ``12/QĐ-UBND`` (number / type abbreviation - agency abbreviation), and
``123/UBND-VP`` for an official letter (công văn), whose type has no abbreviation."""

from __future__ import annotations

TYPE_ABBREVIATIONS: dict[str, str] = {
    "quyet_dinh": "QĐ", "to_trinh": "TTr", "bao_cao": "BC", "thong_bao": "TB",
    "ke_hoach": "KH", "bien_ban": "BB", "giay_moi": "GM", "nghi_quyet": "NQ",
    "huong_dan": "HD", "hop_dong": "HĐ", "chi_thi": "CT", "quy_che": "QC", "quy_dinh": "QyĐ",
    "thong_cao": "TC", "chuong_trinh": "CTr", "phuong_an": "PA", "de_an": "ĐA",
    "du_an": "DA", "cong_dien": "CĐ", "ban_ghi_nho": "GN", "ban_thoa_thuan": "TTh",
    "giay_uy_quyen": "GUQ", "giay_gioi_thieu": "GGT", "giay_nghi_phep": "GNP",
    "phieu_gui": "PG", "phieu_chuyen": "PC", "phieu_bao": "PB",
}
"""Administrative document types (Decree 30 Art. 7) and the abbreviation of their symbol;
``cong_van`` and ``thu_cong`` have none."""

OUTGOING_TYPES: tuple[str, ...] = ("cong_van", *TYPE_ABBREVIATIONS, "thu_cong")


def outgoing_symbol(number: int, doc_type: str, agency: str) -> str:
    """``"12/QĐ-UBND"`` for a decision numbered 12 by ``UBND``; ``"12/UBND"`` for a type
    without abbreviation (công văn: the agency's abbreviation, then any office's)."""
    abbreviation = TYPE_ABBREVIATIONS.get(doc_type)
    agency = agency.strip()
    if abbreviation is None:
        return f"{number}/{agency}" if agency else str(number)
    return f"{number}/{abbreviation}-{agency}" if agency else f"{number}/{abbreviation}"
