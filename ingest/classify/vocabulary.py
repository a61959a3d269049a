"""What the Decree 30 layout and Vietnamese administration fix in advance: document titles,
number/symbol abbreviations, official positions and the syllables of personal names.

These are closed vocabularies of the domain (Decree 30/2020 Appendix III, the titles of
public offices), not data learned from any corpus. They let the extractor restore
diacritics OCR dropped ("CHANH VAN PHONG" -> "CHÁNH VĂN PHÒNG").
"""

from __future__ import annotations

ADMINISTRATIVE_TYPES = ("quyet_dinh", "cong_van", "to_trinh", "bao_cao", "thong_bao",
                        "ke_hoach", "bien_ban", "giay_moi", "nghi_quyet", "huong_dan", "hop_dong")
CITIZEN_TYPES = ("don_de_nghi", "to_khai", "giay_chung_nhan", "giay_to_tuy_than")
DOC_TYPES = (*ADMINISTRATIVE_TYPES, *CITIZEN_TYPES, "other")

ADMINISTRATIVE_FIELDS = ("so_ky_hieu", "ngay_ban_hanh", "co_quan_ban_hanh", "trich_yeu",
                         "nguoi_ky", "chuc_vu")
CITIZEN_FIELDS = ("ho_ten", "so_dinh_danh", "trich_yeu")
ALL_FIELDS = (*ADMINISTRATIVE_FIELDS, "ho_ten", "so_dinh_danh")

TITLES: tuple[tuple[str, str], ...] = (
    # (title as printed, doc_type); longer titles first so "GIẤY MỜI" never eats more
    ("QUYẾT ĐỊNH", "quyet_dinh"),
    ("TỜ TRÌNH", "to_trinh"),
    ("BÁO CÁO", "bao_cao"),
    ("THÔNG BÁO", "thong_bao"),
    ("KẾ HOẠCH", "ke_hoach"),
    ("BIÊN BẢN", "bien_ban"),
    ("GIẤY MỜI", "giay_moi"),
    ("NGHỊ QUYẾT", "nghi_quyet"),
    ("HƯỚNG DẪN", "huong_dan"),
    ("HỢP ĐỒNG", "hop_dong"),
    ("ĐƠN ĐỀ NGHỊ", "don_de_nghi"),
    ("ĐƠN XIN", "don_de_nghi"),
    ("ĐƠN ĐĂNG KÝ", "don_de_nghi"),
    ("ĐƠN", "don_de_nghi"),
    ("TỜ KHAI", "to_khai"),
    ("GIẤY CHỨNG NHẬN", "giay_chung_nhan"),
    ("CHỨNG NHẬN", "giay_chung_nhan"),
    ("CĂN CƯỚC CÔNG DÂN", "giay_to_tuy_than"),
    ("CĂN CƯỚC", "giay_to_tuy_than"),
    ("CHỨNG MINH NHÂN DÂN", "giay_to_tuy_than"),
    ("HỘ CHIẾU", "giay_to_tuy_than"),
)

ABBREVIATIONS: dict[str, str] = {
    # the type part of a number/symbol (Decree 30 Appendix III) -> doc_type
    "QĐ": "quyet_dinh", "TTr": "to_trinh", "BC": "bao_cao", "TB": "thong_bao",
    "KH": "ke_hoach", "BB": "bien_ban", "GM": "giay_moi", "NQ": "nghi_quyet",
    "HD": "huong_dan", "HĐ": "hop_dong",
}
ABBREVIATION_OF: dict[str, str] = {kind: abbr for abbr, kind in ABBREVIATIONS.items()}

NATIONAL_MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")

AUTHORITY_PREFIXES = ("KT.", "TM.", "TL.", "TUQ.", "KT", "TM", "TL", "TUQ")
"""Lines that say on whose behalf one signs; "Q." (acting) belongs to the position itself."""

_POSITION_HEADS = (
    "CHỦ TỊCH", "GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "CHÁNH THANH TRA", "TRƯỞNG PHÒNG",
    "TRƯỞNG BAN", "CỤC TRƯỞNG", "CHI CỤC TRƯỞNG", "VỤ TRƯỞNG", "BỘ TRƯỞNG", "THỨ TRƯỞNG",
    "TỔNG CỤC TRƯỞNG", "VIỆN TRƯỞNG", "HIỆU TRƯỞNG", "TRƯỞNG KHOA", "TỔNG GIÁM ĐỐC",
    "TRƯỞNG ĐOÀN", "BÍ THƯ", "CHỦ NHIỆM", "TRƯỞNG TRẠM", "ĐỘI TRƯỞNG", "TRƯỞNG CÔNG AN",
    "CHÁNH ÁN", "VIỆN TRƯỞNG VIỆN KIỂM SÁT", "CHỦ TỊCH HỘI ĐỒNG", "TRƯỞNG THÔN",
    "GIÁM ĐỐC TRUNG TÂM", "KẾ TOÁN TRƯỞNG", "THƯ KÝ", "CHỦ TỌA", "NGƯỜI LẬP BIÊN BẢN",
    "TỔ TRƯỞNG", "TRƯỞNG KHU PHỐ", "TRƯỞNG ẤP", "CHÁNH VĂN PHÒNG UBND", "TRƯỞNG CHI NHÁNH",
)
POSITIONS: tuple[str, ...] = tuple(
    sorted({*_POSITION_HEADS, *(f"PHÓ {head}" for head in _POSITION_HEADS
                                if not head.startswith(("PHÓ", "THƯ KÝ", "KẾ TOÁN")))},
           key=len, reverse=True))

SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
    "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Hứa", "Tô", "Trịnh", "Đinh", "Lương", "Mai", "Cao",
    "Quách", "Lâm", "Hà", "Đoàn", "Trương", "Thái", "Tạ", "Vương", "Kiều", "Châu", "Từ",
    "Triệu", "Lưu", "Tăng", "Đào", "Chu", "Khổng", "Văn", "Nông", "Lò", "Thân", "Hầu",
    "Giang", "Tống", "La", "Mạc", "Doãn", "Phùng", "Khúc", "Lại", "Quan", "Âu",
)

NAME_SYLLABLES = (
    # common middle and given names, most frequent spelling first where folding collides
    "Văn", "Thị", "Hữu", "Đức", "Công", "Quang", "Minh", "Ngọc", "Thanh", "Xuân", "Thu",
    "Kim", "Anh", "Hồng", "Thành", "Tuấn", "Hùng", "Dũng", "Hải", "Hà", "Hương", "Lan",
    "Linh", "Trang", "Hoa", "Mai", "Nam", "Long", "Phong", "Sơn", "Tùng", "Bình", "An",
    "Khánh", "Huy", "Hiếu", "Trung", "Tiến", "Thắng", "Hạnh", "Hằng", "Yến", "Nhung",
    "Phương", "Thảo", "Vy", "Quỳnh", "Ngân", "Giang", "Hiền", "Thủy", "Nga", "Loan", "Oanh",
    "Tâm", "Tú", "Việt", "Vinh", "Lộc", "Phúc", "Tài", "Thịnh", "Toàn", "Hưng", "Cường",
    "Duy", "Đạt", "Khoa", "Kiên", "Lâm", "Lực", "Mạnh", "Nghĩa", "Nhân", "Phát", "Quân",
    "Quý", "Sang", "Tân", "Thái", "Thiện", "Thông", "Trí", "Trọng", "Tường", "Vũ", "Bảo",
    "Châu", "Chi", "Diệp", "Dung", "Gia", "Huệ", "Lệ", "Liên", "Ly", "My", "Nhi", "Như",
    "Tuyết", "Uyên", "Vân", "Ánh", "Ân", "Định", "Đông", "Hậu", "Hiệp", "Hòa", "Hoài",
    "Học", "Kỳ", "Luân", "Ninh", "Nhật", "Phú", "Quốc", "Sĩ", "Thạch", "Thiên", "Thuận",
    "Thư", "Tín", "Tình", "Trâm", "Trinh", "Túc", "Tuệ", "Tường", "Vĩnh", "Vượng", "Yên",
    "Đình", "Bá", "Trọng", "Tấn", "Thế", "Mỹ", "Diễm", "Kiều", "Thùy",
    "Bích", "Cẩm", "Khắc", "Viết", "Hoàng", "Phước", "Lợi", "Nguyên", "Đăng", "Hoàn",
    "Khải", "Khang", "Lập", "Nhàn", "Phượng", "Sinh", "Sương", "Tạo", "Thoa", "Trà", "Tuyền",
    "Xuyến", "Dương", "Hưởng", "Tiên", "Hân", "Đào", "Điệp", "Hạ", "Lam", "Lĩnh",
)
