"""Common words of administrative Vietnamese: two-syllable words and fixed pairs.

General language data, written for this project from common usage (not taken from any
test document): the compound words and fixed syllable pairs that the summaries, titles
and positions of administrative documents are made of. :mod:`spelling` uses them to tell
which diacritics an OCR'd syllable should have: "kinh đoanh" is no word, "kinh doanh" is.

Each entry is two syllables (a few three-syllable terms are given as their pairs). Words
that differ only in their marks and are both in use are both listed ("công tác" and
"công tắc", "bổ sung" and "bỏ sung" is not one), so that neither is ever "corrected" into
the other.
"""

from __future__ import annotations

_WORDS = """
an ninh, an toàn, an sinh, an táng, ban hành, ban chỉ đạo, ban quản lý, bảo đảm, đảm bảo, bảo
hiểm, bảo vệ, bảo tồn, bảo trì, bảo dưỡng, bảo hành, bảo lãnh, bảo quản, báo cáo, bãi bỏ, đấu
giá, đấu thầu, bàn giao, bàn bạc, biên bản, biên chế, biên giới, biện pháp, biểu dương, biểu
mẫu, biểu thuế, bình đẳng, bình chọn, bình xét, bồi dưỡng, bồi thường, bổ nhiệm, bổ sung, bổ
trợ, bố trí, bố cáo, công bố, bộ máy, bộ phận, buổi làm việc, buổi họp, buổi sáng, buổi chiều,
các cấp, cải cách, cải tạo, cải thiện, cán bộ, canh tác, cạnh tranh, cảnh báo, cảnh sát, cao
điểm, cao tốc, cấp bách, cấp phép, cấp giấy, cấp tỉnh, cấp huyện, cấp xã, cấp ủy, cấp có, cấm
vận, cần thiết, cấu trúc, cơ cấu, cơ chế, cơ quan, cơ sở, cơ yếu, cơ bản, cơ hội, cơ giới, chấm
dứt, chấp hành, chấp thuận, chất lượng, chỉ đạo, chỉ thị, chỉ tiêu, chỉ số, chỉ định, chi phí,
chi trả, chi tiêu, chi tiết, chi cục, chi nhánh, chi bộ, chính sách, chính quyền, chính phủ,
chính trị, chính thức, chủ trương, đầu tư, chủ tịch, chủ động, chủ quản, sở hữu, chủ trì, chủ
nhiệm, chủ hộ, chứng chỉ, chứng nhận, chứng thực, chứng từ, chức năng, chức vụ, chức danh,
chuyên môn, chuyên trách, chuyên đề, chuyên ngành, chuyên gia, chuyên viên, chuyển đổi, chuyển
giao, chuyển hóa, mục đích, chuyển nhượng, chuyển tiếp, chuyển công, chuyển đến, chuyển sang,
chuẩn bị, chuẩn hóa, chương trình, công an, công tác, công tắc, công khai, công nhận, công
nghệ, công nghiệp, công nhân, công chức, công dân, công điện, công văn, công trình, công ty,
công đoàn, công ích, công cộng, công lập, công báo, công suất, công thương, công vụ, cộng đồng,
cộng hòa, củng cố, cung cấp, cung ứng, cứu hộ, cứu nạn, cứu trợ, cư trú, dân cư, dân số, dân
tộc, dân sự, dân chủ, dân sinh, dân vận, dịch vụ, dịch bệnh, diện tích, dự án, dự toán, dự
thảo, dự báo, dự kiến, dự trữ, dự phòng, dự thi, duy trì, dột nát, danh mục, danh sách, danh
hiệu, doanh nghiệp, kinh doanh, doanh thu, du lịch, đa dạng, đại biểu, đại hội, đại học, đại
diện, đặc biệt, đặc thù, đặc xá, đăng ký, đăng kiểm, đào tạo, đánh giá, đảng viên, đảng bộ,
đảng ủy, đất đai, đất ở, đề án, đề nghị, đề xuất, đề cương, đề ra, định kỳ, định mức, định
hướng, định giá, điều chỉnh, điều động, điều hành, điều kiện, điều lệ, điều tra, điều phối,
điều khoản, số điều, một số, điện tử, điện lực, điểm danh, đình chỉ, đô thị, đối với, đối
tượng, đối ngoại, đối thoại, đổi mới, đổi tên, sửa đổi, thay đổi, trao đổi, chuyển đổi, đơn vị,
đơn giá, đơn giản, đồng bộ, đồng ý, đồng chí, động viên, đột xuất, đột phá, đường bộ, đường
sắt, đường thủy, đường phố, giải quyết, giải thể, giải phóng, giải ngân, giải pháp, giải
thưởng, giải trình, giám đốc, giám sát, giám định, giảm nghèo, giảm thuế, giá trị, gia tăng,
giá đất, giáo dục, giáo viên, giao thông, giao dịch, giao đất, nhiệm vụ, giấy phép, giấy tờ,
giữ gìn, gia hạn, gia đình, hạ tầng, hạn chế, hạn mức, hành chính, hành vi, hành động, hành
lang, hàng hóa, hàng năm, hằng năm, hiện đại, hiện hành, hiện trạng, hiệu lực, hiệu quả, hiệu
trưởng, hình thức, hình sự, hoạt động, học sinh, học phí, học tập, học kỳ, hỗ trợ, hộ nghèo, hộ
khẩu, hộ tịch, hồ sơ, hội đồng, hội nghị, hội nhập, hội thảo, hợp đồng, hợp nhất, hợp tác, hợp
pháp, hợp lệ, hướng dẫn, hưởng ứng, ưu đãi, khắc phục, khai thác, khai báo, khai sinh, khám
bệnh, chữa bệnh, kế hoạch, kế toán, kết luận, kết quả, kết nối, kết hợp, kiểm tra, kiểm soát,
kiểm toán, kiểm định, kiểm kê, kiểm sát, kiến nghị, kiến thức, kiến trúc, kinh phí, kinh tế, kỳ
thi, kỳ họp, kỷ luật, kỷ niệm, khen thưởng, khoa học, khoáng sản, khẩn cấp, khu vực, khu công,
khuyến khích, khuyến nông, lao động, lập pháp, lập quy, quy hoạch, lễ tang, lễ hội, liên quan,
liên ngành, liên thông, lĩnh vực, lực lượng, lương thực, lưu trữ, luật sư, mầm non, miễn thuế,
miễn giảm, minh bạch, môi trường, mục tiêu, mua sắm, mức thuế, năng lực, năng lượng, ngân sách,
ngân hàng, thanh tra, thanh toán, thanh niên, thanh lý, ngành nghề, nghị định, nghị quyết,
nghĩa vụ, nghiệp vụ, nghiên cứu, nghiệm thu, người dân, nguồn vốn, nguồn lực, nhà nước, nhà ở,
nhà văn, nhân dân, nhân lực, nhân sự, nhân viên, nhân đạo, nhận xét, nhập khẩu, xuất khẩu,
nhiệm kỳ, nông nghiệp, nông thôn, nông dân, nộp thuế, nội bộ, nội dung, nội vụ, nội quy, phân
bổ, phân cấp, phân công, phân loại, phân quyền, phát triển, phát hành, phát động, phát hiện,
phát sinh, phê duyệt, phê bình, phê chuẩn, phòng chống, phòng ngừa, phòng cháy, chữa cháy, phổ
thông, phổ biến, phổ cập, phối hợp, phục vụ, phục hồi, phụ cấp, phụ lục, phụ trách, phụ nữ,
phúc lợi, phương án, phương thức, phương tiện, phường xã, quân nhân, quân sự, quân đội, quốc
phòng, quốc gia, quốc hội, quốc tế, quy chế, quy định, quy trình, quy mô, quy chuẩn, quy tắc,
quyết định, quyết toán, quyết liệt, quyền hạn, quyền lợi, quản lý, quản trị, quan trắc, quan
hệ, quan tâm, quỹ đất, rà soát, sản xuất, sản phẩm, sắp xếp, sáp nhập, sở hữu, sử dụng, sửa
chữa, sức khỏe, tài chính, tài khoản, tài nguyên, tài sản, tài trợ, tái định, định cư, tạm
thời, tạm ứng, tăng cường, tăng trưởng, tập huấn, tập thể, tập trung, tham gia, tham mưu, tham
dự, thành lập, thành phố, thành viên, thành phần, thành tích, thẩm định, thẩm quyền, thẩm tra,
thay thế, thế chấp, thi đua, thi hành, thi công, thi tuyển, thị trấn, thị xã, thị trường, thị
thực, thiên tai, thiết bị, thiết kế, thiết lập, thiết thực, thông báo, thông tin, thông tư,
thông qua, thông suốt, thống kê, thống nhất, thời gian, thời hạn, thời điểm, thời kỳ, thu hồi,
thu hút, thu nhập, thu ngân, thu phí, thuế thu, luật thuế, thuế giá, thuế tiêu, tiêu thụ, thuế
suất, thủ tục, thủ tướng, thủ trưởng, thú y, thực hiện, thực trạng, thực tiễn, thực phẩm,
thường trực, thường xuyên, thương mại, thương binh, tích hợp, tích cực, tiếp nhận, tiếp tục,
tiếp dân, tiêu chuẩn, tiêu chí, tiến độ, tiết kiệm, tín dụng, tình hình, tình trạng, tỉnh ủy,
tố cáo, tố tụng, tổ chức, tổng hợp, tổng kết, tổng cục, tổng số, tôn giáo, tôn trọng, trách
nhiệm, trang bị, trang thiết, trao tặng, trật tự, trình tự, triển khai, triệu tập, trọng điểm,
trọng tâm, trợ cấp, trợ giúp, trung học, trung tâm, trung ương, truy cứu, truyền thông, truyền
thống, trực tuyến, trực tiếp, trực thuộc, trường học, tuyên truyền, tuyên dương, tuyển dụng,
tuyển sinh, tư pháp, tư vấn, tự nhiên, từ chức, văn bản, văn hóa, văn phòng, vận động, vận tải,
vận hành, vật tư, vật liệu, vi phạm, viên chức, việc làm, vốn đầu, vùng sâu, vướng mắc, xã hội,
xác định, xác nhận, xác minh, xây dựng, xếp lương, xếp hạng, xử lý, xử phạt, xét duyệt, xét xử,
xét tuyển, xóa bỏ, xuất bản, xuất cảnh, nhập cảnh, y tế, ý kiến, ủy ban, ủy quyền, ủy viên, ủng
hộ, ứng dụng, ứng phó, ưu tiên, chấn chỉnh, tiến hành, đẩy mạnh, nâng cao, giai đoạn, địa bàn,
địa phương, địa chính, địa giới, địa điểm, đạt chuẩn, nông thôn mới, tốt nghiệp, dữ liệu, chữ
ký, ký số, số hóa, cắt giảm, hành chính công, dịch vụ công, trẻ em, cao tuổi, có công, khuyết
tật, bảo trợ, xã hội hóa, nhà trường, lãnh đạo, cấp trên, cấp dưới, cá nhân, cá thể, tổ hợp,
tập đoàn, hộ kinh doanh, phức tạp, tài liệu, di tích, di sản, di dời, di chuyển, cơ cấu lại, khai
thuế, hoàn thuế, quyết toán thuế, nợ thuế, hóa đơn, thuế quan, hải quan, kho bạc, ngân quỹ, vay
vốn, trả nợ, nợ công, trái phiếu, phí lệ, lệ phí, giá bán, giá thuê, thuê đất, giao rừng, cho
thuê, bồi hoàn, mặt bằng, thu hồi đất, sạt lở, lũ lụt, hạn hán, tìm kiếm, chủ quyền, biển đảo,
lãnh thổ, quốc tịch, căn cước, định danh, hộ chiếu, xuất nhập, nhập học, sinh viên, học bổng,
giảng viên, bệnh viện, tiêm chủng, dịch tễ, phòng dịch, vệ sinh, nước sạch, rác thải, chất
thải, ô nhiễm, khí thải, biến đổi, khí hậu, thủy lợi, thủy sản, lâm nghiệp, chăn nuôi, trồng
trọt, cây trồng, vật nuôi, khuyến công, làng nghề, thương hiệu, xúc tiến, hội chợ, triển lãm,
thể thao, thể dục, văn nghệ, báo chí, xuất bản phẩm, phát thanh, truyền hình, viễn thông, bưu
chính, chuyển phát, mạng lưới, an ninh mạng, chuyển đổi số, dữ liệu số, hạ tầng số, nền tảng,
phần mềm, điện thoại, khóa họp, phiên họp, sơ kết, tổng kết năm, năm học, năm tài, tài khóa,
một số điều, bao gồm, người bán, người mua, giả định, hàng tháng, hàng quý, lưu trú, đi đôi,
chứng từ, từ thiện, cụ thể, cử tri, thứ tự, cơ sở, thẩm quyền, cuối năm, đầu năm, hằng tháng,
hằng quý, tham nhũng, tìm hiểu, cụ thể, cấp đổi, cấp lại, mức chi, tổ công tác, kiểm lâm, chuyển
mục đích, hội thi, tố giác, định mức chi, đổi giấy, có thể, thể hiện, thế mạnh, thế giới,
xăng dầu, dầu khí,
"""

_HOMOGRAPHS = """
mở rộng, tổng thể, sự cố, lấy ý kiến, vào sổ, ghi sổ, mở sổ,
cộng tác, cộng tác viên, cộng sự, cộng dồn, cộng thêm, tổng cộng,
cổng thông tin, cống rãnh,
cống hiến, ùn tắc, nguyên tắc, tắc nghẽn, bế tắc, phố xá, tô điểm, tô màu, đồi núi, sổ sách, sổ
hộ, sơ bộ, sơ cấp, sơ tuyển, sổ đỏ, sổ tiết, tiết kiệm, sữa chua, sữa bột, bỏ qua, bỏ sót, tiểu
sử, tiêu dùng, tiêu hủy, quyết tâm, điều hòa, bộ trưởng, bổ túc, bổ khuyết, bổ ích, bố cục, bộ
luật, tổ trưởng, tổ dân, dân phố, khu dân, trấn giữ, trần tình, bán buôn, buôn bán, chuyên
dùng, chuyển khoản, chuyển tiền, hóa chất, văn hóa, đoàn thể, đoàn kết, đoàn viên, công đoàn,
bỏ phiếu, bỏ trốn, từ bỏ, loại bỏ, hủy bỏ, gỡ bỏ, bố mẹ, cha mẹ, phố phường, đường phố, khu
phố, tuyến phố, chuyên cần, chuyên nghiệp, chuyên sâu, điêu khắc, thuê nhà, thuê khoán, đi
thuê, thuê mướn, tiểu học, tiểu ban, tiểu thương, tiểu khu, tiểu đoàn, trần nhà, đội ngũ, đội
trưởng, đột biến, đỏ lửa, màu đỏ, số đông, số lượng, số liệu, số tiền, bảng số, điều trị, điều
tiết, thứ trưởng, thứ tự, thứ nhất, thứ hai, kinh nghiệm, kinh tế, công tắc, bô lão, trấn áp,
trấn an, trấn thủ, trần thuật, giải quyết, quyết tâm,
"""


def _entries(text: str) -> frozenset[str]:
    return frozenset(" ".join(entry.split()) for entry in text.replace("\n", " ").split(",")
                     if entry.strip())


COMMON_WORDS: frozenset[str] = _entries(_WORDS) | _entries(_HOMOGRAPHS)
"""Lower-case NFC words and fixed pairs (two or three syllables, space-separated)."""
