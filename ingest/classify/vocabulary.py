"""What the Decree 30 layout and Vietnamese administration fix in advance: document titles,
number/symbol abbreviations, official positions and the syllables of personal names.

These are closed vocabularies of the domain (Decree 30/2020 Appendix III, the titles of
public offices), not data learned from any corpus. They let the extractor restore
diacritics OCR dropped ("CHANH VAN PHONG" -> "CHÁNH VĂN PHÒNG").
"""

from __future__ import annotations

ADMINISTRATIVE_TYPES = (
    # Decree 30/2020 Art. 7: the types the generator makes (and the model learns) first
    "quyet_dinh", "cong_van", "to_trinh", "bao_cao", "thong_bao", "ke_hoach", "bien_ban",
    "giay_moi", "nghi_quyet", "huong_dan", "hop_dong",
    # the other administrative types of Art. 7
    "chi_thi", "quy_che", "quy_dinh", "thong_cao", "chuong_trinh", "phuong_an", "de_an",
    "du_an", "cong_dien", "ban_ghi_nho", "ban_thoa_thuan", "giay_uy_quyen", "giay_gioi_thieu",
    "giay_nghi_phep", "phieu_gui", "phieu_chuyen", "phieu_bao", "thu_cong",
    # legal normative documents (a normative decision or resolution keeps its own type)
    "luat", "nghi_dinh", "thong_tu", "thong_tu_lien_tich", "phap_lenh",
)
CITIZEN_TYPES = ("don_de_nghi", "to_khai", "giay_chung_nhan", "giay_to_tuy_than")
DOC_TYPES = (*ADMINISTRATIVE_TYPES, *CITIZEN_TYPES, "other")
"""Every doc_type code (domain.md): the one list the rules, the model, review and the pages
share."""

ADMINISTRATIVE_FIELDS = ("so_ky_hieu", "ngay_ban_hanh", "co_quan_ban_hanh", "trich_yeu",
                         "nguoi_ky", "chuc_vu")
CITIZEN_FIELDS = ("ho_ten", "so_dinh_danh", "trich_yeu")
ALL_FIELDS = (*ADMINISTRATIVE_FIELDS, "ho_ten", "so_dinh_danh")

TITLES: tuple[tuple[str, str], ...] = (
    # (title as printed, doc_type); a line takes the title matching it best, the longer on
    # a tie ("THÔNG TƯ LIÊN TỊCH" over "THÔNG TƯ", "ĐƠN ĐỀ NGHỊ" over "ĐƠN")
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
    ("CHỈ THỊ", "chi_thi"),
    ("QUY CHẾ", "quy_che"),
    ("QUY ĐỊNH", "quy_dinh"),
    ("THÔNG CÁO", "thong_cao"),
    ("THÔNG CÁO BÁO CHÍ", "thong_cao"),
    ("CHƯƠNG TRÌNH", "chuong_trinh"),
    ("PHƯƠNG ÁN", "phuong_an"),
    ("ĐỀ ÁN", "de_an"),
    ("DỰ ÁN", "du_an"),
    ("CÔNG ĐIỆN", "cong_dien"),
    ("BẢN GHI NHỚ", "ban_ghi_nho"),
    ("BẢN THỎA THUẬN", "ban_thoa_thuan"),
    ("BẢN THOẢ THUẬN", "ban_thoa_thuan"),
    ("GIẤY ỦY QUYỀN", "giay_uy_quyen"),
    ("GIẤY UỶ QUYỀN", "giay_uy_quyen"),
    ("GIẤY GIỚI THIỆU", "giay_gioi_thieu"),
    ("GIẤY NGHỈ PHÉP", "giay_nghi_phep"),
    ("PHIẾU GỬI", "phieu_gui"),
    ("PHIẾU CHUYỂN", "phieu_chuyen"),
    ("PHIẾU BÁO", "phieu_bao"),
    ("THƯ CÔNG", "thu_cong"),
    ("THƯ CHÚC MỪNG", "thu_cong"),
    ("THƯ CẢM ƠN", "thu_cong"),
    ("THƯ KHEN", "thu_cong"),
    ("THƯ THĂM HỎI", "thu_cong"),
    ("LUẬT", "luat"),
    ("NGHỊ ĐỊNH", "nghi_dinh"),
    ("THÔNG TƯ", "thong_tu"),
    ("THÔNG TƯ LIÊN TỊCH", "thong_tu_lien_tich"),
    ("PHÁP LỆNH", "phap_lenh"),
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

WHOLE_LINE_TITLES = frozenset({"PHIẾU GỬI", "PHIẾU CHUYỂN", "PHIẾU BÁO"})
"""Titles that name their type only when they fill the line: the one-stop shop's slips
("PHIẾU CHUYỂN HỒ SƠ", "PHIẾU TIẾP NHẬN HỒ SƠ ...") are other documents."""

ABBREVIATIONS: dict[str, str] = {
    # the type part of a number/symbol (Decree 30 Appendix III; the legal normative types'
    # symbols) -> doc_type. Case matters: TTr, TTh and TT are three types.
    "QĐ": "quyet_dinh", "TTr": "to_trinh", "BC": "bao_cao", "TB": "thong_bao",
    "KH": "ke_hoach", "BB": "bien_ban", "GM": "giay_moi", "NQ": "nghi_quyet",
    "HD": "huong_dan", "HĐ": "hop_dong", "CT": "chi_thi", "QC": "quy_che", "QyĐ": "quy_dinh",
    "TC": "thong_cao", "CTr": "chuong_trinh", "PA": "phuong_an", "ĐA": "de_an", "DA": "du_an",
    "CĐ": "cong_dien", "GN": "ban_ghi_nho", "TTh": "ban_thoa_thuan", "GUQ": "giay_uy_quyen",
    "GGT": "giay_gioi_thieu", "GNP": "giay_nghi_phep", "PG": "phieu_gui",
    "PC": "phieu_chuyen", "PB": "phieu_bao", "CV": "cong_van",
    "NĐ": "nghi_dinh", "TT": "thong_tu", "TTLT": "thong_tu_lien_tich", "PL": "phap_lenh",
}
ABBREVIATION_OF: dict[str, str] = {kind: abbr for abbr, kind in ABBREVIATIONS.items()
                                   if abbr != "CV"}  # công văn prints no type part

AMBIGUOUS_ABBREVIATIONS: dict[str, str] = {
    # symbols whose last part names the issuer, not the type: a law and a resolution of the
    # National Assembly are both "N/YYYY/QH15"; the title decides
    "QH": "luat", "UBTVQH": "phap_lenh",
}

CONSOLIDATED = "VBHN"
"""The type part of a consolidated text's symbol (``5/VBHN-BTC``): its type is that of the
text it consolidates (its title), with ``consolidated: true``."""

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
    "THỦ TƯỚNG", "CHỦ NHIỆM ỦY BAN", "TỔNG KIỂM TOÁN NHÀ NƯỚC", "THỐNG ĐỐC",
    "CHỦ TỊCH QUỐC HỘI",  # signs the laws and resolutions of the National Assembly
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

AGENCY_NAMES = (
    # issuing agencies and agency heads as headers print them (capitals), for OCR'd header
    # words to be set to (see :mod:`ingest.classify.agencies`); province-level units are in
    # :mod:`ingest.classify.places`. Both spellings where headers print both (ỦY and UỶ).
    "ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "QUỐC HỘI",
    "ỦY BAN THƯỜNG VỤ QUỐC HỘI", "UỶ BAN THƯỜNG VỤ QUỐC HỘI", "CHỦ TỊCH NƯỚC", "CHÍNH PHỦ",
    "THỦ TƯỚNG CHÍNH PHỦ", "VĂN PHÒNG CHÍNH PHỦ", "VĂN PHÒNG QUỐC HỘI",
    "VĂN PHÒNG CHỦ TỊCH NƯỚC", "THANH TRA CHÍNH PHỦ", "KIỂM TOÁN NHÀ NƯỚC",
    "NGÂN HÀNG NHÀ NƯỚC VIỆT NAM", "TÒA ÁN NHÂN DÂN TỐI CAO",
    "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO", "ỦY BAN DÂN TỘC", "UỶ BAN DÂN TỘC",
    "BỘ QUỐC PHÒNG", "BỘ CÔNG AN", "BỘ NGOẠI GIAO", "BỘ NỘI VỤ", "BỘ TƯ PHÁP",
    "BỘ TÀI CHÍNH", "BỘ CÔNG THƯƠNG", "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
    "BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "BỘ XÂY DỰNG",
    "BỘ GIAO THÔNG VẬN TẢI", "BỘ KẾ HOẠCH VÀ ĐẦU TƯ", "BỘ KHOA HỌC VÀ CÔNG NGHỆ",
    "BỘ THÔNG TIN VÀ TRUYỀN THÔNG", "BỘ GIÁO DỤC VÀ ĐÀO TẠO", "BỘ Y TẾ",
    "BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "BỘ VĂN HOÁ, THỂ THAO VÀ DU LỊCH",
    "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "BỘ DÂN TỘC VÀ TÔN GIÁO",
    "TỔNG CỤC THUẾ", "CỤC THUẾ", "CỤC HẢI QUAN", "TỔNG CỤC HẢI QUAN", "KHO BẠC NHÀ NƯỚC",
    "BẢO HIỂM XÃ HỘI VIỆT NAM", "BAN CHỈ ĐẠO", "BAN CHỈ HUY", "BỘ CHỈ HUY QUÂN SỰ",
    "VĂN PHÒNG ỦY BAN NHÂN DÂN", "VĂN PHÒNG UỶ BAN NHÂN DÂN", "VĂN PHÒNG ĐOÀN ĐẠI BIỂU QUỐC HỘI",
    "SỞ TÀI CHÍNH", "SỞ NỘI VỤ", "SỞ TƯ PHÁP", "SỞ XÂY DỰNG", "SỞ Y TẾ", "SỞ CÔNG THƯƠNG",
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
    "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
    "SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "SỞ GIAO THÔNG VẬN TẢI", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "SỞ VĂN HOÁ, THỂ THAO VÀ DU LỊCH",
    "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "SỞ DÂN TỘC VÀ TÔN GIÁO", "SỞ NGOẠI VỤ",
    "THANH TRA TỈNH", "CÔNG AN TỈNH", "VĂN PHÒNG HỘI ĐỒNG NHÂN DÂN",
)
