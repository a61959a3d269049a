"""Word lists for citizens' forms, certificates, identity papers and other documents."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Procedure:
    """An administrative procedure a citizen applies for.

    ``form`` is "don" (an application letter), "to_khai" (a declaration form) or "both";
    ``to`` is who the form is addressed to ("xa", "huyen", "tinh" or a fixed addressee).
    """

    text: str
    form: str
    to: str
    title_tail: str = ""  # e.g. "CẤP GIẤY PHÉP XÂY DỰNG" for "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG"


PROCEDURES: tuple[Procedure, ...] = (
    Procedure("Cấp giấy phép xây dựng nhà ở riêng lẻ", "don", "huyen", "CẤP GIẤY PHÉP XÂY DỰNG"),
    Procedure("Gia hạn giấy phép xây dựng", "don", "huyen", "GIA HẠN GIẤY PHÉP XÂY DỰNG"),
    Procedure("Cấp giấy phép sửa chữa, cải tạo công trình", "don", "huyen",
              "CẤP GIẤY PHÉP SỬA CHỮA, CẢI TẠO"),
    Procedure("Đăng ký khai sinh", "to_khai", "xa"),
    Procedure("Đăng ký kết hôn", "to_khai", "xa"),
    Procedure("Đăng ký khai tử", "to_khai", "xa"),
    Procedure("Đăng ký nhận cha, mẹ, con", "to_khai", "xa"),
    Procedure("Thay đổi, cải chính, bổ sung thông tin hộ tịch", "to_khai", "xa"),
    Procedure("Cấp bản sao trích lục hộ tịch", "both", "xa"),
    Procedure("Xác nhận tình trạng hôn nhân", "to_khai", "xa"),
    Procedure("Cấp lại giấy chứng nhận quyền sử dụng đất", "don", "huyen",
              "CẤP LẠI GIẤY CHỨNG NHẬN"),
    Procedure("Cấp đổi giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác "
              "gắn liền với đất", "don", "huyen", "CẤP ĐỔI GIẤY CHỨNG NHẬN"),
    Procedure("Đăng ký biến động đất đai, tài sản gắn liền với đất", "don", "huyen",
              "ĐĂNG KÝ BIẾN ĐỘNG ĐẤT ĐAI"),
    Procedure("Chuyển mục đích sử dụng đất", "don", "huyen", "CHUYỂN MỤC ĐÍCH SỬ DỤNG ĐẤT"),
    Procedure("Tách thửa, hợp thửa đất", "don", "huyen", "TÁCH THỬA ĐẤT"),
    Procedure("Đăng ký đất đai, cấp giấy chứng nhận lần đầu", "don", "huyen",
              "ĐĂNG KÝ ĐẤT ĐAI"),
    Procedure("Đăng ký thường trú", "to_khai", "Công an {xa}"),
    Procedure("Đăng ký tạm trú", "to_khai", "Công an {xa}"),
    Procedure("Cấp thẻ căn cước", "to_khai", "Công an {huyen}"),
    Procedure("Cấp hộ chiếu phổ thông", "to_khai", "Phòng Quản lý xuất nhập cảnh, Công an tỉnh"),
    Procedure("Đăng ký hộ kinh doanh", "both", "huyen", "ĐĂNG KÝ HỘ KINH DOANH"),
    Procedure("Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "don", "huyen",
              "CẤP GIẤY CHỨNG NHẬN"),
    Procedure("Hưởng trợ cấp xã hội hằng tháng", "both", "xa", "HƯỞNG TRỢ CẤP XÃ HỘI"),
    Procedure("Hỗ trợ chi phí mai táng", "don", "xa", "HỖ TRỢ CHI PHÍ MAI TÁNG"),
    Procedure("Xác nhận hộ gia đình làm nông nghiệp có mức sống trung bình", "don", "xa",
              "XÁC NHẬN"),
    Procedure("Cấp phiếu lý lịch tư pháp", "to_khai", "Sở Tư pháp tỉnh {tinh}"),
    Procedure("Chứng thực chữ ký trong giấy tờ, văn bản", "don", "xa", "CHỨNG THỰC"),
    Procedure("Đăng ký xe mô tô, xe gắn máy", "to_khai", "Công an {xa}"),
    Procedure("Hưởng trợ cấp thất nghiệp", "both", "Trung tâm Dịch vụ việc làm tỉnh {tinh}",
              "HƯỞNG TRỢ CẤP THẤT NGHIỆP"),
    Procedure("Cấp giấy phép kinh doanh bán lẻ rượu", "don", "huyen", "CẤP GIẤY PHÉP"),
    Procedure("Xác nhận vị trí thửa đất để đấu nối hạ tầng", "don", "xa", "XÁC NHẬN"),
    Procedure("Giao đất, cho thuê đất không thông qua đấu giá", "don", "huyen", "GIAO ĐẤT"),
    Procedure("Đăng ký tham gia bảo hiểm xã hội tự nguyện", "to_khai", "Bảo hiểm xã hội {huyen}"),
    Procedure("Miễn, giảm tiền sử dụng đất", "don", "Chi cục Thuế {huyen}", "MIỄN, GIẢM TIỀN"),
    Procedure("Đăng ký thuế lần đầu cho cá nhân", "to_khai", "Chi cục Thuế {huyen}"),
    Procedure("Khai lệ phí trước bạ nhà, đất", "to_khai", "Chi cục Thuế {huyen}"),
    Procedure("Cấp giấy phép khai thác nước dưới đất", "don", "Sở Tài nguyên và Môi trường",
              "CẤP GIẤY PHÉP"),
    Procedure("Đổi giấy phép lái xe", "both", "Sở Giao thông vận tải tỉnh {tinh}",
              "ĐỔI GIẤY PHÉP LÁI XE"),
)

TO_KHAI_TITLES: tuple[str, ...] = (
    "TỜ KHAI", "TỜ KHAI", "TỜ KHAI", "TỜ KHAI ĐỀ NGHỊ", "TỜ KHAI THÔNG TIN",
)

DON_TITLES: tuple[str, ...] = ("ĐƠN ĐỀ NGHỊ", "ĐƠN ĐỀ NGHỊ", "ĐƠN XIN", "ĐƠN ĐĂNG KÝ")

FORM_REASONS: tuple[str, ...] = (
    "Lý do đề nghị: {ly_do}.",
    "Tôi xin cam đoan những thông tin kê khai trên đây là đúng sự thật và chịu trách nhiệm "
    "trước pháp luật về lời khai của mình.",
    "Kính đề nghị cơ quan có thẩm quyền xem xét, giải quyết.",
    "Hồ sơ kèm theo gồm: bản sao giấy tờ tùy thân; bản vẽ thiết kế; giấy tờ về quyền sử dụng "
    "đất.",
    "Tôi cam kết thực hiện đúng các quy định của pháp luật có liên quan.",
    "Đề nghị cấp {so_ban} bản sao kết quả giải quyết.",
    "Tôi xin nhận kết quả tại Bộ phận Một cửa.",
    "Tôi đề nghị nhận kết quả qua dịch vụ bưu chính công ích tại địa chỉ nêu trên.",
    "Thửa đất số {so_nho}, tờ bản đồ số {so_nho2}, diện tích {dien_tich} m².",
    "Mục đích sử dụng: đất ở tại nông thôn; thời hạn sử dụng: lâu dài.",
    "Giấy chứng nhận đã cấp bị mất do hỏa hoạn, đã có xác nhận của Ủy ban nhân dân cấp xã.",
    "Quy mô công trình: nhà ở {so_tang} tầng, diện tích xây dựng {dien_tich} m².",
    "Quan hệ với người được khai: {quan_he}.",
    "Nơi đăng ký: Ủy ban nhân dân {xa}.",
    "Thời gian dự kiến hoàn thành: trong vòng {so_nho} tháng kể từ ngày được cấp phép.",
    "Số tài khoản nhận tiền: {tai_khoan} tại Ngân hàng Nông nghiệp và Phát triển nông thôn.",
)

REASONS: tuple[str, ...] = (
    "giấy chứng nhận bị rách, hư hỏng", "nhu cầu xây dựng nhà ở cho gia đình",
    "thay đổi nơi cư trú", "bổ sung hồ sơ xin việc làm", "làm thủ tục vay vốn ngân hàng",
    "chuyển nhượng một phần thửa đất", "thừa kế quyền sử dụng đất", "đi học tập ở nước ngoài",
)

RELATIONS: tuple[str, ...] = ("cha", "mẹ", "con", "vợ", "chồng", "ông nội", "bà ngoại", "anh ruột")

# Certificates: (title lines, kind of certificate: which issuer and which fields it prints).
CERTIFICATES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", "CÔNG TY TRÁCH NHIỆM HỮU HẠN MỘT THÀNH VIÊN"),
     "business"),
    (("GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", "CÔNG TY CỔ PHẦN"), "business"),
    (("GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH",), "household"),
    (("GIẤY CHỨNG NHẬN", "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở", "VÀ TÀI SẢN KHÁC GẮN LIỀN "
      "VỚI ĐẤT"), "land"),
    (("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT",), "land"),
    (("GIẤY CHỨNG NHẬN", "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT"), "land"),
    (("GIẤY CHỨNG NHẬN", "CƠ SỞ ĐỦ ĐIỀU KIỆN AN TOÀN THỰC PHẨM"), "food"),
    (("GIẤY CHỨNG NHẬN ĐĂNG KÝ XE",), "vehicle"),
    (("GIẤY CHỨNG NHẬN", "HOÀN THÀNH KHÓA ĐÀO TẠO"), "training"),
    (("GIẤY CHỨNG NHẬN ĐĂNG KÝ ĐẦU TƯ",), "investment"),
)

BUSINESS_NAMES: tuple[str, ...] = (
    "XÂY DỰNG VÀ THƯƠNG MẠI {s}", "CÔNG NGHỆ SỐ {s}", "THỰC PHẨM SẠCH {s}",
    "VẬN TẢI VÀ DU LỊCH {s}", "TƯ VẤN THIẾT KẾ {s}", "NÔNG SẢN {s}", "CƠ KHÍ {s}",
    "DỊCH VỤ VIỄN THÔNG {s}", "ĐẦU TƯ BẤT ĐỘNG SẢN {s}", "IN ẤN VÀ QUẢNG CÁO {s}",
)
BUSINESS_SUFFIXES: tuple[str, ...] = (
    "HOÀNG PHÁT", "MINH KHANG", "AN BÌNH", "ĐẠI VIỆT", "PHÚ THỊNH", "SAO MAI", "NAM TIẾN",
    "HƯNG THỊNH", "TÂN TIẾN", "THÀNH CÔNG", "BẢO NGỌC", "TRƯỜNG SƠN",
)
BUSINESS_LINES: tuple[str, ...] = (
    "Xây dựng nhà các loại", "Bán buôn vật liệu, thiết bị lắp đặt khác trong xây dựng",
    "Lập trình máy vi tính", "Dịch vụ lưu trú ngắn ngày", "Nhà hàng và các dịch vụ ăn uống",
    "Vận tải hàng hóa bằng đường bộ", "Bán lẻ lương thực, thực phẩm",
    "Hoạt động kiến trúc và tư vấn kỹ thuật có liên quan", "Sản xuất đồ gỗ xây dựng",
    "Trồng cây ăn quả", "Sửa chữa máy móc, thiết bị",
)
VEHICLES: tuple[str, ...] = ("HONDA", "YAMAHA", "SUZUKI", "VINFAST", "TOYOTA", "HYUNDAI", "KIA")
COLOURS: tuple[str, ...] = ("Đen", "Trắng", "Đỏ", "Xanh", "Bạc", "Nâu")
LAND_USES: tuple[str, ...] = (
    "Đất ở tại nông thôn", "Đất ở tại đô thị", "Đất trồng cây lâu năm", "Đất trồng lúa",
    "Đất nuôi trồng thủy sản", "Đất thương mại, dịch vụ",
)

# Identity papers: (title lines, label style).
ID_TITLES: tuple[tuple[str, ...], ...] = (
    ("CĂN CƯỚC",),
    ("CĂN CƯỚC CÔNG DÂN", "Citizen Identity Card"),
    ("CĂN CƯỚC CÔNG DÂN",),
    ("CHỨNG MINH NHÂN DÂN",),
    ("HỘ CHIẾU", "PASSPORT"),
)
ETHNICITIES: tuple[str, ...] = ("Kinh", "Kinh", "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa",
                                "Nùng", "Ê Đê")
RELIGIONS: tuple[str, ...] = ("Không", "Không", "Phật giáo", "Công giáo")
MARKS: tuple[str, ...] = (
    "Nốt ruồi C:2cm trên trước mép trái", "Sẹo chấm C:1cm dưới sau đuôi mắt phải",
    "Nốt ruồi C:3cm dưới trước cằm", "Sẹo chấm C:2cm trên đầu mày trái",
)

# Other documents: articles, receipts, forms, lists, notes, plain letters.
NEWS_HEADLINES: tuple[str, ...] = (
    "Đẩy mạnh dịch vụ công trực tuyến toàn trình ở cấp xã",
    "Người dân hài lòng với mô hình trả kết quả tại nhà",
    "Hoàn thành số hóa hơn {so} hồ sơ hộ tịch",
    "Mùa nước nổi, nông dân chuyển sang nuôi cá đồng",
    "Khánh thành cầu dân sinh nối hai bờ sông",
    "Chợ phiên vùng cao rộn ràng ngày cuối tuần",
    "Tuyến đường ven biển mới thông xe sau hai năm thi công",
    "Trường học vùng sâu đón học sinh trở lại sau mưa lũ",
)
NEWS_SENTENCES: tuple[str, ...] = (
    "Sáng {ngay}, đông đảo người dân đã có mặt từ sớm để theo dõi sự kiện.",
    "Theo lãnh đạo địa phương, đây là kết quả của quá trình chuẩn bị kỹ lưỡng suốt nhiều tháng.",
    "Ông {ten_nam}, một người dân trong thôn, chia sẻ rằng gia đình ông đã chờ đợi ngày này từ "
    "lâu.",
    "Bà {ten_nu} cho biết trước đây mỗi lần làm giấy tờ phải đi lại nhiều lần, nay chỉ cần ngồi "
    "ở nhà.",
    "Công trình có tổng vốn đầu tư khoảng {tien} triệu đồng.",
    "Nhiều hộ dân đã chủ động hiến đất, tháo dỡ vật kiến trúc để mở rộng đường.",
    "Dự kiến trong năm tới, mô hình sẽ được nhân rộng ra các xã lân cận.",
    "Phóng viên ghi nhận không khí phấn khởi tại buổi lễ.",
    "Thời tiết thuận lợi giúp bà con thu hoạch vụ mùa sớm hơn mọi năm.",
    "Chính quyền địa phương cam kết tiếp tục lắng nghe ý kiến của người dân.",
    "Các em học sinh được tặng sách vở, áo mưa và xe đạp.",
    "Nhiều du khách bày tỏ ấn tượng với cảnh quan và con người nơi đây.",
)
RECEIPT_ITEMS: tuple[tuple[str, int], ...] = (
    ("Lệ phí cấp giấy phép xây dựng", 75_000), ("Phí thẩm định hồ sơ cấp giấy chứng nhận",
                                                 500_000),
    ("Lệ phí đăng ký hộ tịch", 10_000), ("Phí chứng thực bản sao", 2_000),
    ("Lệ phí cấp giấy chứng nhận quyền sử dụng đất", 100_000),
    ("Lệ phí đăng ký kinh doanh", 100_000), ("Phí khai thác tài liệu đất đai", 150_000),
    ("Lệ phí cấp bản sao trích lục", 8_000),
)
PHIEU_TITLES: tuple[str, ...] = (
    "PHIẾU TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    "PHIẾU LẤY Ý KIẾN NGƯỜI DÂN", "PHIẾU CHUYỂN HỒ SƠ", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ "
    "KẾT QUẢ",
)
LIST_TITLES: tuple[str, ...] = (
    "DANH SÁCH CÁN BỘ, CÔNG CHỨC THAM DỰ LỚP TẬP HUẤN",
    "DANH SÁCH HỘ GIA ĐÌNH ĐƯỢC HỖ TRỢ KHẮC PHỤC THIÊN TAI",
    "DANH SÁCH THÍ SINH ĐỦ ĐIỀU KIỆN DỰ TUYỂN",
    "DANH SÁCH CÁC HỘ CÓ ĐẤT BỊ THU HỒI",
    "DANH SÁCH ĐẠI BIỂU DỰ HỘI NGHỊ",
    "DANH SÁCH HỒ SƠ ĐỀ NGHỊ CẤP GIẤY CHỨNG NHẬN",
)
LIST_ROLES: tuple[str, ...] = (
    "Công chức Địa chính - Xây dựng", "Công chức Tư pháp - Hộ tịch", "Chuyên viên Phòng Nội vụ",
    "Trưởng thôn", "Hộ gia đình", "Văn thư", "Kế toán", "Chủ hộ", "Phó Chủ tịch UBND xã",
)
MAP_TITLES: tuple[str, ...] = (
    "TRÍCH LỤC BẢN ĐỒ ĐỊA CHÍNH", "SƠ ĐỒ VỊ TRÍ THỬA ĐẤT", "BẢN VẼ HIỆN TRẠNG NHÀ Ở",
    "TRÍCH ĐO ĐỊA CHÍNH THỬA ĐẤT",
)
LETTER_OPENINGS: tuple[str, ...] = (
    "Thân gửi anh chị em trong Ban liên lạc,", "Kính gửi quý thầy cô và các bậc phụ huynh,",
    "Thưa bà con cô bác trong xóm,", "Kính gửi Ban Giám đốc công ty,",
)
LETTER_TITLES: tuple[str, ...] = (
    "THƯ CẢM ƠN", "THƯ NGỎ", "THƯ MỜI HỌP MẶT", "LỜI KÊU GỌI ỦNG HỘ",
)
