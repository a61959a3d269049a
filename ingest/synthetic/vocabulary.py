"""Word lists for synthetic documents: places, people's names and signers' positions.

Everything here is written for the generator (no text is taken from real documents).
Names carry full Vietnamese diacritics in NFC; uppercase forms are derived with ``str.upper``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Province:
    """A province or centrally-run city, its identity-number code and some of its districts."""

    name: str
    code: str  # the 3-digit province code that opens a 12-digit personal identity number
    city: bool  # a centrally-run city ("THÀNH PHỐ"), not a "TỈNH"
    districts: tuple[str, ...]  # "huyện X", "thị xã Y", "thành phố Z", "quận W"


PROVINCES: tuple[Province, ...] = (
    Province("Hà Nội", "001", True, ("quận Ba Đình", "quận Cầu Giấy", "huyện Gia Lâm",
                                     "huyện Sóc Sơn", "thị xã Sơn Tây", "quận Long Biên")),
    Province("Hà Giang", "002", False, ("thành phố Hà Giang", "huyện Đồng Văn", "huyện Bắc Quang")),
    Province("Bắc Kạn", "006", False, ("thành phố Bắc Kạn", "huyện Ba Bể", "huyện Chợ Đồn")),
    Province("Tuyên Quang", "008", False, ("thành phố Tuyên Quang", "huyện Sơn Dương",
                                           "huyện Chiêm Hóa")),
    Province("Lào Cai", "010", False, ("thành phố Lào Cai", "thị xã Sa Pa", "huyện Bảo Thắng")),
    Province("Điện Biên", "011", False, ("thành phố Điện Biên Phủ", "huyện Mường Chà",
                                         "huyện Tuần Giáo")),
    Province("Sơn La", "014", False, ("thành phố Sơn La", "huyện Mộc Châu", "huyện Thuận Châu")),
    Province("Yên Bái", "015", False, ("thành phố Yên Bái", "thị xã Nghĩa Lộ", "huyện Văn Chấn")),
    Province("Hòa Bình", "017", False, ("thành phố Hòa Bình", "huyện Mai Châu", "huyện Lương Sơn")),
    Province("Thái Nguyên", "019", False, ("thành phố Thái Nguyên", "thành phố Sông Công",
                                           "huyện Đại Từ", "thị xã Phổ Yên")),
    Province("Lạng Sơn", "020", False, ("thành phố Lạng Sơn", "huyện Cao Lộc", "huyện Hữu Lũng")),
    Province("Bắc Giang", "024", False, ("thành phố Bắc Giang", "huyện Lục Ngạn", "huyện Yên Thế",
                                         "huyện Hiệp Hòa")),
    Province("Phú Thọ", "025", False, ("thành phố Việt Trì", "thị xã Phú Thọ", "huyện Thanh Sơn")),
    Province("Vĩnh Phúc", "026", False, ("thành phố Vĩnh Yên", "thành phố Phúc Yên",
                                         "huyện Tam Đảo")),
    Province("Bắc Ninh", "027", False, ("thành phố Bắc Ninh", "thành phố Từ Sơn", "huyện Tiên Du",
                                        "huyện Gia Bình")),
    Province("Hải Dương", "030", False, ("thành phố Hải Dương", "thành phố Chí Linh",
                                         "huyện Cẩm Giàng")),
    Province("Hải Phòng", "031", True, ("quận Lê Chân", "quận Hải An", "huyện Thủy Nguyên",
                                        "huyện Cát Hải", "huyện Tiên Lãng")),
    Province("Hưng Yên", "033", False, ("thành phố Hưng Yên", "thị xã Mỹ Hào", "huyện Văn Lâm")),
    Province("Thái Bình", "034", False, ("thành phố Thái Bình", "huyện Kiến Xương",
                                         "huyện Tiền Hải")),
    Province("Hà Nam", "035", False, ("thành phố Phủ Lý", "thị xã Duy Tiên", "huyện Thanh Liêm")),
    Province("Nam Định", "036", False, ("thành phố Nam Định", "huyện Hải Hậu", "huyện Giao Thủy")),
    Province("Ninh Bình", "037", False, ("thành phố Ninh Bình", "thành phố Tam Điệp",
                                         "huyện Kim Sơn", "huyện Hoa Lư")),
    Province("Thanh Hóa", "038", False, ("thành phố Thanh Hóa", "thành phố Sầm Sơn",
                                         "thị xã Nghi Sơn", "huyện Thọ Xuân", "huyện Hoằng Hóa")),
    Province("Nghệ An", "040", False, ("thành phố Vinh", "thị xã Cửa Lò", "huyện Diễn Châu",
                                       "huyện Quỳnh Lưu", "huyện Nghi Lộc")),
    Province("Hà Tĩnh", "042", False, ("thành phố Hà Tĩnh", "thị xã Kỳ Anh", "huyện Can Lộc",
                                       "huyện Cẩm Xuyên")),
    Province("Quảng Bình", "044", False, ("thành phố Đồng Hới", "huyện Bố Trạch",
                                          "huyện Lệ Thủy")),
    Province("Quảng Trị", "045", False, ("thành phố Đông Hà", "thị xã Quảng Trị",
                                         "huyện Vĩnh Linh")),
    Province("Thừa Thiên Huế", "046", False, ("thành phố Huế", "thị xã Hương Thủy",
                                              "huyện Phú Vang", "huyện Phong Điền")),
    Province("Đà Nẵng", "048", True, ("quận Hải Châu", "quận Sơn Trà", "quận Liên Chiểu",
                                      "huyện Hòa Vang", "quận Ngũ Hành Sơn")),
    Province("Quảng Nam", "049", False, ("thành phố Tam Kỳ", "thành phố Hội An", "thị xã Điện Bàn",
                                         "huyện Duy Xuyên", "huyện Thăng Bình")),
    Province("Quảng Ngãi", "051", False, ("thành phố Quảng Ngãi", "thị xã Đức Phổ",
                                          "huyện Bình Sơn", "huyện Sơn Tịnh")),
    Province("Bình Định", "052", False, ("thành phố Quy Nhơn", "thị xã An Nhơn",
                                         "huyện Tuy Phước", "huyện Phù Cát")),
    Province("Phú Yên", "054", False, ("thành phố Tuy Hòa", "thị xã Sông Cầu", "huyện Tuy An")),
    Province("Khánh Hòa", "056", False, ("thành phố Nha Trang", "thành phố Cam Ranh",
                                         "thị xã Ninh Hòa", "huyện Diên Khánh")),
    Province("Ninh Thuận", "058", False, ("thành phố Phan Rang - Tháp Chàm", "huyện Ninh Hải")),
    Province("Bình Thuận", "060", False, ("thành phố Phan Thiết", "thị xã La Gi",
                                          "huyện Hàm Thuận Bắc")),
    Province("Kon Tum", "062", False, ("thành phố Kon Tum", "huyện Đắk Hà", "huyện Ngọc Hồi")),
    Province("Gia Lai", "064", False, ("thành phố Pleiku", "thị xã An Khê", "huyện Chư Sê",
                                       "huyện Đức Cơ")),
    Province("Đắk Lắk", "066", False, ("thành phố Buôn Ma Thuột", "thị xã Buôn Hồ",
                                       "huyện Cư M'gar", "huyện Krông Pắc")),
    Province("Đắk Nông", "067", False, ("thành phố Gia Nghĩa", "huyện Đắk Mil", "huyện Cư Jút")),
    Province("Lâm Đồng", "068", False, ("thành phố Đà Lạt", "thành phố Bảo Lộc",
                                        "huyện Đức Trọng", "huyện Di Linh")),
    Province("Bình Phước", "070", False, ("thành phố Đồng Xoài", "thị xã Bình Long",
                                          "huyện Lộc Ninh")),
    Province("Tây Ninh", "072", False, ("thành phố Tây Ninh", "thị xã Trảng Bàng",
                                        "huyện Gò Dầu")),
    Province("Bình Dương", "074", False, ("thành phố Thủ Dầu Một", "thành phố Dĩ An",
                                          "thành phố Thuận An", "huyện Dầu Tiếng")),
    Province("Đồng Nai", "075", False, ("thành phố Biên Hòa", "thành phố Long Khánh",
                                        "huyện Nhơn Trạch", "huyện Trảng Bom")),
    Province("Bà Rịa - Vũng Tàu", "077", False, ("thành phố Vũng Tàu", "thành phố Bà Rịa",
                                                 "thị xã Phú Mỹ", "huyện Côn Đảo")),
    Province("Hồ Chí Minh", "079", True, ("quận Gò Vấp", "quận Tân Bình", "thành phố Thủ Đức",
                                          "huyện Bình Chánh", "huyện Củ Chi", "huyện Cần Giờ")),
    Province("Long An", "080", False, ("thành phố Tân An", "thị xã Kiến Tường", "huyện Bến Lức",
                                       "huyện Đức Hòa")),
    Province("Bến Tre", "083", False, ("thành phố Bến Tre", "huyện Mỏ Cày Nam",
                                       "huyện Châu Thành")),
    Province("Trà Vinh", "084", False, ("thành phố Trà Vinh", "thị xã Duyên Hải",
                                        "huyện Cầu Kè")),
    Province("Vĩnh Long", "086", False, ("thành phố Vĩnh Long", "thị xã Bình Minh",
                                         "huyện Long Hồ")),
    Province("Đồng Tháp", "087", False, ("thành phố Cao Lãnh", "thành phố Sa Đéc",
                                         "thành phố Hồng Ngự", "huyện Lấp Vò")),
    Province("An Giang", "089", False, ("thành phố Long Xuyên", "thành phố Châu Đốc",
                                        "thị xã Tân Châu", "huyện Chợ Mới")),
    Province("Kiên Giang", "091", False, ("thành phố Rạch Giá", "thành phố Phú Quốc",
                                          "thành phố Hà Tiên", "huyện Kiên Lương")),
    Province("Cần Thơ", "092", True, ("quận Ninh Kiều", "quận Bình Thủy", "quận Cái Răng",
                                      "huyện Phong Điền", "huyện Cờ Đỏ")),
    Province("Hậu Giang", "093", False, ("thành phố Vị Thanh", "thành phố Ngã Bảy",
                                         "huyện Phụng Hiệp")),
    Province("Sóc Trăng", "094", False, ("thành phố Sóc Trăng", "thị xã Vĩnh Châu",
                                         "huyện Mỹ Xuyên")),
    Province("Bạc Liêu", "095", False, ("thành phố Bạc Liêu", "thị xã Giá Rai",
                                        "huyện Hòa Bình")),
    Province("Cà Mau", "096", False, ("thành phố Cà Mau", "huyện Năm Căn", "huyện U Minh")),
)

# Every province code in use for identity numbers (some provinces above are left out of the
# place lists, but people born there still hold cards).
ID_PROVINCE_CODES: tuple[str, ...] = tuple(sorted({p.code for p in PROVINCES} | {
    "004", "012", "022", "082"}))

COMMUNES: tuple[str, ...] = (
    "xã Hòa Phước", "xã Tân Hiệp", "xã Phước Lộc", "xã Bình Minh", "xã Quảng Phú",
    "xã Thạnh Mỹ Lợi", "xã Đông Hưng", "xã Yên Thịnh", "xã Nghĩa Trung", "xã Tam Hiệp",
    "xã Cẩm Thanh", "xã Đại Đồng", "xã Hưng Lộc", "xã Xuân Lâm", "xã Kim Liên",
    "xã Trung Hòa", "xã Vĩnh Thạnh", "xã An Phú Tây", "xã Long Hậu", "xã Ea Tu",
    "phường Tân Thịnh", "phường Hòa Khánh Bắc", "phường An Cựu", "phường Quang Trung",
    "phường Bến Thủy", "phường Phú Hòa", "phường Trần Hưng Đạo", "phường Lộc Thọ",
    "phường Thạch Thang", "phường Hiệp Bình Chánh", "phường Mỹ Phước", "phường Nghĩa Tân",
    "phường Vĩnh Hải", "phường Đông Xuyên", "thị trấn Nam Phước", "thị trấn Hà Lam",
    "thị trấn Phong Điền", "thị trấn Đông Anh", "thị trấn Tân Túc", "thị trấn Ái Nghĩa",
)

STREETS: tuple[str, ...] = (
    "Trần Phú", "Lê Lợi", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
    "Hùng Vương", "Phan Chu Trinh", "Nguyễn Trãi", "Điện Biên Phủ", "Võ Thị Sáu", "Lê Duẩn",
    "Nguyễn Văn Cừ", "Bạch Đằng", "Trần Hưng Đạo", "Phan Đình Phùng", "Lê Hồng Phong",
    "Nguyễn Du", "Hoàng Diệu", "Ngô Quyền", "Tôn Đức Thắng", "Nguyễn Thái Học",
    "Cách Mạng Tháng Tám", "Đinh Tiên Hoàng", "Lạc Long Quân", "Phạm Văn Đồng",
)

HAMLETS: tuple[str, ...] = (
    "thôn {n}", "tổ dân phố {n}", "ấp {n}", "khu phố {n}", "tổ {n}", "thôn Phú Mỹ",
    "thôn Đông Yên", "ấp Tân Lập", "bản Nà Cà", "xóm Trại", "khối {n}", "thôn Trung Sơn",
)

# Surnames with rough weights: a random person is far more often Nguyễn than Quách.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 30), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4),
    ("Phan", 4), ("Vũ", 4), ("Võ", 4), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2),
    ("Ngô", 2), ("Dương", 2), ("Lý", 1), ("Hứa", 1), ("Tô", 1), ("Trịnh", 1), ("Đinh", 1),
    ("Lương", 1), ("Mai", 1), ("Cao", 1), ("Quách", 1), ("Lâm", 1), ("Tạ", 1), ("Châu", 1),
    ("Thái", 1), ("Kiều", 1), ("Văn", 1), ("Đoàn", 1), ("Trương", 2), ("Lưu", 1), ("La", 1),
)

MALE_MIDDLE: tuple[str, ...] = (
    "Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Công", "Thanh", "Xuân", "Ngọc",
    "Đình", "Quang", "Hoàng", "Tuấn", "Anh", "Trọng", "Bá", "Duy", "Gia", "Thành", "Khắc",
    "Viết", "Mạnh", "Tấn", "Phước", "Nhật", "Trung",
)

FEMALE_MIDDLE: tuple[str, ...] = (
    "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Hồng", "Phương", "Bích",
    "Diệu", "Thùy", "Hoài", "Minh", "Khánh", "Bảo", "Quỳnh", "Tuyết", "Lan", "Hải",
)

MALE_GIVEN: tuple[str, ...] = (
    "An", "Bình", "Cường", "Đạt", "Định", "Đông", "Giang", "Hải", "Hào", "Hiếu", "Hòa",
    "Hoàng", "Huy", "Hùng", "Khải", "Khánh", "Khoa", "Kiên", "Lâm", "Lộc", "Long", "Luân",
    "Mạnh", "Nam", "Nghĩa", "Nhân", "Phong", "Phú", "Phúc", "Quân", "Quang", "Sơn", "Tài",
    "Tâm", "Thắng", "Thành", "Thịnh", "Thuận", "Toàn", "Trí", "Trung", "Tuấn", "Việt",
    "Vinh", "Vũ", "Hậu", "Khiêm", "Tín", "Bảo", "Đức", "Lực", "Quyết", "Sang", "Thạch",
)

FEMALE_GIVEN: tuple[str, ...] = (
    "Anh", "Ánh", "Bích", "Châu", "Chi", "Diệp", "Dung", "Duyên", "Giang", "Hà", "Hạnh",
    "Hằng", "Hiền", "Hoa", "Huệ", "Hương", "Hường", "Lan", "Liên", "Linh", "Loan", "Mai",
    "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phượng", "Quyên", "Tâm", "Thảo", "Thoa",
    "Thủy", "Thư", "Trâm", "Tuyết", "Uyên", "Vân", "Xuân", "Yến", "Hậu", "Nhi", "Vy",
)


@dataclass(frozen=True)
class Roles:
    """Who signs for an agency: its head, deputy head, collective body and staff positions.

    ``collective`` is the body a head signs for with "TM." (only collegial bodies have one);
    ``staff`` are the positions that sign "TL." (on behalf of the head) or "TUQ.".
    """

    head: str
    deputy: str
    collective: str | None
    staff: tuple[str, ...]


UBND_ROLES = Roles("CHỦ TỊCH", "PHÓ CHỦ TỊCH", "ỦY BAN NHÂN DÂN",
                   ("CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "GIÁM ĐỐC SỞ TÀI CHÍNH",
                    "TRƯỞNG PHÒNG NỘI VỤ", "GIÁM ĐỐC SỞ XÂY DỰNG"))
HDND_ROLES = Roles("CHỦ TỊCH", "PHÓ CHỦ TỊCH", "HỘI ĐỒNG NHÂN DÂN",
                   ("CHÁNH VĂN PHÒNG", "TRƯỞNG BAN PHÁP CHẾ", "TRƯỞNG BAN KINH TẾ - NGÂN SÁCH"))
SO_ROLES = Roles("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", None,
                 ("CHÁNH VĂN PHÒNG", "TRƯỞNG PHÒNG", "CHÁNH THANH TRA", "TRƯỞNG PHÒNG KẾ HOẠCH",
                  "TRƯỞNG PHÒNG PHÁP CHẾ"))
BO_ROLES = Roles("BỘ TRƯỞNG", "THỨ TRƯỞNG", None,
                 ("CHÁNH VĂN PHÒNG", "VỤ TRƯỞNG VỤ PHÁP CHẾ", "VỤ TRƯỞNG VỤ KẾ HOẠCH - TÀI CHÍNH",
                  "CỤC TRƯỞNG"))
CUC_ROLES = Roles("CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG", None,
                  ("CHÁNH VĂN PHÒNG", "TRƯỞNG PHÒNG", "TRƯỞNG PHÒNG TỔNG HỢP"))
CHICUC_ROLES = Roles("CHI CỤC TRƯỞNG", "PHÓ CHI CỤC TRƯỞNG", None,
                     ("TRƯỞNG PHÒNG HÀNH CHÍNH - TỔNG HỢP", "ĐỘI TRƯỞNG"))
PHONG_ROLES = Roles("TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", None, ("TỔ TRƯỞNG",))
TRUNGTAM_ROLES = Roles("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", None,
                       ("TRƯỞNG PHÒNG HÀNH CHÍNH - TỔNG HỢP", "TRƯỞNG PHÒNG NGHIỆP VỤ"))
BAN_ROLES = Roles("TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", None,
                  ("CHÁNH VĂN PHÒNG", "TRƯỞNG PHÒNG QUẢN LÝ DOANH NGHIỆP"))
BQLDA_ROLES = Roles("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", None,
                    ("TRƯỞNG PHÒNG KỸ THUẬT", "TRƯỞNG PHÒNG KẾ HOẠCH - TỔNG HỢP"))
VANPHONG_ROLES = Roles("CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", None,
                       ("TRƯỞNG PHÒNG HÀNH CHÍNH - TỔ CHỨC", "TRƯỞNG PHÒNG TỔNG HỢP"))
THANHTRA_ROLES = Roles("CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA", None,
                       ("TRƯỞNG PHÒNG NGHIỆP VỤ 1", "TRƯỞNG PHÒNG NGHIỆP VỤ 2"))
BENHVIEN_ROLES = Roles("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", None,
                       ("TRƯỞNG PHÒNG TỔ CHỨC CÁN BỘ", "TRƯỞNG PHÒNG KẾ HOẠCH TỔNG HỢP"))

# Legal bases of decisions and resolutions ("Căn cứ ..." paragraphs) and proposals.
LEGAL_BASES: tuple[str, ...] = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ "
    "sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày "
    "22 tháng 11 năm 2019;",
    "Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;",
    "Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013;",
    "Căn cứ Luật Xây dựng ngày 18 tháng 6 năm 2014; Luật sửa đổi, bổ sung một số điều của "
    "Luật Xây dựng ngày 17 tháng 6 năm 2020;",
    "Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015;",
    "Căn cứ Luật Cán bộ, công chức và Luật Viên chức ngày 25 tháng 11 năm 2019;",
    "Căn cứ Luật Đầu tư công ngày 13 tháng 6 năm 2019;",
    "Căn cứ Luật Giao dịch điện tử ngày 22 tháng 6 năm 2023;",
    "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;",
    "Căn cứ Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác "
    "văn thư;",
    "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về thực hiện "
    "cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính;",
    "Căn cứ Nghị định số 45/2020/NĐ-CP ngày 08 tháng 4 năm 2020 của Chính phủ về thực hiện "
    "thủ tục hành chính trên môi trường điện tử;",
    "Căn cứ Nghị định số 15/2021/NĐ-CP ngày 03 tháng 3 năm 2021 của Chính phủ quy định chi "
    "tiết một số nội dung về quản lý dự án đầu tư xây dựng;",
    "Căn cứ Nghị định số 138/2020/NĐ-CP ngày 27 tháng 11 năm 2020 của Chính phủ quy định về "
    "tuyển dụng, sử dụng và quản lý công chức;",
    "Căn cứ Quyết định số {so_vb}/QĐ-UBND ngày {ngay_truoc} của Ủy ban nhân dân tỉnh {tinh} về "
    "việc ban hành Quy chế làm việc;",
    "Căn cứ Thông tư số {so_nho}/{nam_truoc}/TT-BTC ngày {ngay_truoc} của Bộ Tài chính;",
    "Căn cứ Kế hoạch số {so_vb}/KH-UBND ngày {ngay_truoc} của Ủy ban nhân dân {huyen};",
    "Căn cứ Nghị quyết số {so_nho}/NQ-HĐND ngày {ngay_truoc} của Hội đồng nhân dân tỉnh "
    "{tinh} về dự toán ngân sách địa phương năm {nam};",
)

LEGAL_PROPOSALS: tuple[str, ...] = (
    "Theo đề nghị của Giám đốc Sở Tài nguyên và Môi trường tại Tờ trình số {so_vb}/TTr-STNMT "
    "ngày {ngay_truoc}.",
    "Theo đề nghị của Trưởng phòng Nội vụ {huyen}.",
    "Theo đề nghị của Chánh Văn phòng và Trưởng phòng Tài chính - Kế hoạch.",
    "Xét đề nghị của Giám đốc Sở Xây dựng tại Tờ trình số {so_vb}/TTr-SXD ngày {ngay_truoc}.",
    "Theo đề nghị của Giám đốc Sở Nội vụ.",
    "Xét đề nghị của Trưởng phòng Tư pháp và Chủ tịch Ủy ban nhân dân {xa}.",
    "Theo đề nghị của Giám đốc Trung tâm Phục vụ hành chính công tỉnh.",
)
