"""Body sentences, section headings and recipients for administrative documents.

Placeholders are those of :mod:`ingest.synthetic.summaries`, plus ``{so}`` (a number),
``{tyle}`` (a percentage such as "87,5"), ``{tien}`` (an amount such as "1.250") and
``{gio}`` (a time such as "8 giờ 30").
"""

from __future__ import annotations

BODY_SENTENCES: tuple[str, ...] = (
    # One-stop shop and administrative procedures.
    "Trong kỳ báo cáo, Bộ phận Một cửa đã tiếp nhận {so} hồ sơ, trong đó {tyle}% hồ sơ được "
    "nộp trực tuyến.",
    "Tỷ lệ hồ sơ giải quyết đúng hạn và trước hạn đạt {tyle}%, tăng so với cùng kỳ năm trước.",
    "Vẫn còn một số hồ sơ quá hạn do phải lấy ý kiến của nhiều cơ quan liên quan.",
    "Các cơ quan, đơn vị có trách nhiệm công khai đầy đủ thủ tục hành chính tại nơi tiếp nhận "
    "hồ sơ và trên Cổng Dịch vụ công của tỉnh.",
    "Công chức tiếp nhận hồ sơ phải hướng dẫn tổ chức, cá nhân kê khai đầy đủ, chính xác thông "
    "tin theo mẫu.",
    "Kết quả giải quyết thủ tục hành chính được trả cho người dân tại Bộ phận Một cửa hoặc qua "
    "dịch vụ bưu chính công ích.",
    "Không yêu cầu tổ chức, cá nhân nộp thêm giấy tờ ngoài thành phần hồ sơ đã được công bố.",
    "Trường hợp hồ sơ chưa đầy đủ, công chức phải hướng dẫn bổ sung một lần bằng văn bản.",
    "Việc xin lỗi người dân khi hồ sơ trễ hạn phải được thực hiện bằng văn bản, nêu rõ lý do "
    "và thời hạn trả kết quả mới.",
    "Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh đã kết nối với Cổng Dịch vụ công "
    "quốc gia.",
    "Người dân có thể tra cứu tình trạng hồ sơ bằng mã số biên nhận hoặc quét mã QR trên phiếu "
    "hẹn.",
    "Các thủ tục hành chính thuộc lĩnh vực đất đai, xây dựng, hộ tịch chiếm phần lớn số hồ sơ "
    "tiếp nhận.",
    "Trung bình mỗi ngày Bộ phận Một cửa tiếp nhận khoảng {so_nho} hồ sơ của người dân và "
    "doanh nghiệp.",
    "Thời gian giải quyết trung bình một hồ sơ giảm còn {so_nho} ngày làm việc.",
    "Công tác đánh giá mức độ hài lòng được thực hiện qua thiết bị điện tử đặt tại quầy tiếp "
    "nhận.",
    # Digitisation and digital transformation.
    "Toàn bộ hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực phải được số hóa và lưu "
    "trữ trong kho dữ liệu điện tử.",
    "Việc số hóa phải bảo đảm bản chụp đúng, đủ, rõ nét và được ký số theo quy định.",
    "Đến nay, tỷ lệ số hóa hồ sơ tại cấp huyện đạt {tyle}%, cấp xã đạt khoảng {tyle2}%.",
    "Các đơn vị chưa tái sử dụng hiệu quả dữ liệu đã được số hóa, người dân vẫn phải nộp lại "
    "giấy tờ.",
    "Hạ tầng mạng, máy scan tại một số xã đã xuống cấp, ảnh hưởng đến tiến độ số hóa.",
    "Sở Thông tin và Truyền thông chủ trì hướng dẫn kỹ thuật số hóa và bảo đảm an toàn thông "
    "tin.",
    "Cơ sở dữ liệu đất đai đã được xây dựng cho {so_nho} xã, phường, thị trấn.",
    "Việc gửi, nhận văn bản điện tử giữa các cơ quan được thực hiện qua Trục liên thông văn bản "
    "quốc gia.",
    "Tỷ lệ văn bản đi được ký số đạt {tyle}%, trừ các văn bản mật theo quy định.",
    "Chứng thư số của cá nhân được cấp cho lãnh đạo các phòng, ban và công chức văn thư.",
    "Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh đã kết nối với cơ sở dữ liệu quốc gia về dân "
    "cư.",
    "Các đơn vị cần rà soát, cập nhật danh mục dữ liệu dùng chung trước ngày {ngay}.",
    "Việc khai thác dữ liệu dân cư giúp rút ngắn thời gian xác minh thông tin của người nộp "
    "hồ sơ.",
    "Nhiều thủ tục đã cho phép người dân sử dụng tài khoản định danh điện tử mức độ 2 để nộp "
    "hồ sơ.",
    "Trang thiết bị công nghệ thông tin được đầu tư đồng bộ, đáp ứng yêu cầu vận hành phần mềm.",
    # Land and construction.
    "Diện tích đất thu hồi là {dien_tich} m², thuộc thửa đất số {so_nho}, tờ bản đồ số "
    "{so_nho2}.",
    "Các hộ gia đình, cá nhân có đất bị thu hồi được bồi thường, hỗ trợ theo đúng quy định.",
    "Ủy ban nhân dân cấp xã có trách nhiệm niêm yết công khai phương án bồi thường tại trụ sở "
    "và nhà văn hóa thôn.",
    "Người sử dụng đất phải nộp tiền sử dụng đất theo thông báo của cơ quan thuế.",
    "Việc cấp giấy chứng nhận quyền sử dụng đất lần đầu còn chậm do hồ sơ thiếu giấy tờ về "
    "nguồn gốc đất.",
    "Công trình được xây dựng đúng vị trí, quy mô theo giấy phép xây dựng đã cấp.",
    "Qua kiểm tra, đoàn phát hiện {so_nho} công trình xây dựng sai phép và không phép.",
    "Chủ đầu tư có trách nhiệm tháo dỡ phần công trình vi phạm trong thời hạn {so_nho} ngày.",
    "Phòng Kinh tế và Hạ tầng tăng cường kiểm tra trật tự xây dựng tại các khu dân cư mới.",
    "Bảng giá đất được áp dụng để tính tiền sử dụng đất, tiền thuê đất và thuế sử dụng đất.",
    "Việc chuyển mục đích sử dụng đất phải phù hợp với kế hoạch sử dụng đất hằng năm đã được "
    "phê duyệt.",
    "Mốc giới giải phóng mặt bằng đã được bàn giao tại thực địa cho đơn vị thi công.",
    "Tuyến đường có chiều dài khoảng {so_nho} km, mặt đường rộng 7,5 m, kết cấu bê tông nhựa.",
    "Dự án có tổng mức đầu tư {tien} triệu đồng, từ nguồn vốn ngân sách tỉnh.",
    "Đơn vị tư vấn đã hoàn thành hồ sơ khảo sát địa hình, địa chất công trình.",
    "Văn phòng Đăng ký đất đai cập nhật biến động vào hồ sơ địa chính sau khi hoàn thành thủ "
    "tục.",
    "Thời gian thực hiện thủ tục đăng ký biến động đất đai không quá {so_nho} ngày làm việc.",
    "Trường hợp đất đang có tranh chấp thì không thực hiện việc cấp giấy chứng nhận.",
    # Budget and finance.
    "Tổng thu ngân sách nhà nước trên địa bàn đạt {tien} triệu đồng, bằng {tyle}% dự toán năm.",
    "Các khoản chi thường xuyên được thực hiện theo dự toán, bảo đảm tiết kiệm, hiệu quả.",
    "Kinh phí thực hiện được bố trí từ nguồn chi sự nghiệp kinh tế năm {nam}.",
    "Đơn vị sử dụng kinh phí đúng mục đích và thanh quyết toán theo quy định hiện hành.",
    "Tiến độ giải ngân vốn đầu tư công còn chậm, mới đạt {tyle}% kế hoạch vốn được giao.",
    "Kho bạc Nhà nước kiểm soát chi theo đúng hồ sơ, chứng từ do chủ đầu tư gửi đến.",
    "Các khoản thu phí, lệ phí được nộp vào ngân sách nhà nước sau khi trừ phần được để lại.",
    "Việc mua sắm tài sản công phải thực hiện theo tiêu chuẩn, định mức và quy định về đấu "
    "thầu.",
    "Đề nghị Sở Tài chính thẩm định, trình cấp có thẩm quyền bổ sung dự toán cho đơn vị.",
    "Số kinh phí chưa sử dụng hết được chuyển nguồn sang năm sau theo quy định.",
    # Personnel.
    "Tổng số biên chế công chức được giao là {so_nho} người, hiện có {so_nho2} người.",
    "Các cơ quan, đơn vị rà soát vị trí việc làm, đề xuất nhu cầu tuyển dụng năm {nam_sau}.",
    "Người được bổ nhiệm có đủ tiêu chuẩn, điều kiện theo quy định của cơ quan có thẩm quyền.",
    "Công chức được cử đi bồi dưỡng được hưởng nguyên lương và các chế độ theo quy định.",
    "Kết quả đánh giá, xếp loại chất lượng là căn cứ để bố trí, sử dụng và khen thưởng công "
    "chức.",
    "Ông {ten_nam} được giao phụ trách chung, trực tiếp chỉ đạo lĩnh vực tài chính, kế hoạch.",
    "Bà {ten_nu} chịu trách nhiệm tổng hợp, báo cáo kết quả thực hiện về Ủy ban nhân dân.",
    "Thời gian giữ chức vụ là 05 năm, kể từ ngày quyết định có hiệu lực.",
    "Hội đồng xét tuyển làm việc theo nguyên tắc tập thể, quyết định theo đa số.",
    "Thí sinh có mặt tại địa điểm thi trước 30 phút và mang theo giấy tờ tùy thân.",
    # Inspections, complaints, citizens.
    "Đoàn kiểm tra làm việc trực tiếp tại đơn vị trong thời gian {so_nho} ngày làm việc.",
    "Đơn vị được kiểm tra chuẩn bị đầy đủ hồ sơ, tài liệu và báo cáo theo đề cương gửi kèm.",
    "Qua thanh tra cho thấy đơn vị đã chấp hành cơ bản các quy định về quản lý tài chính.",
    "Yêu cầu thu hồi nộp ngân sách nhà nước số tiền {tien} triệu đồng do chi sai quy định.",
    "Trong năm, cơ quan đã tiếp {so_nho} lượt công dân đến kiến nghị, phản ánh.",
    "Các đơn thư thuộc thẩm quyền đã được giải quyết dứt điểm, không để tồn đọng kéo dài.",
    "Nội dung khiếu nại của công dân là có cơ sở một phần.",
    "Đề nghị công dân thực hiện đúng kết luận giải quyết, không tiếp tục khiếu nại vượt cấp.",
    "Lãnh đạo Ủy ban nhân dân tiếp công dân định kỳ vào ngày 15 hằng tháng.",
    "Cử tri kiến nghị sớm sửa chữa tuyến kênh mương nội đồng bị sạt lở.",
    # Environment, disasters, agriculture, health, education.
    "Các địa phương chủ động phương án sơ tán dân ra khỏi khu vực có nguy cơ sạt lở đất.",
    "Lượng mưa lớn kéo dài đã làm ngập úng khoảng {so_nho} ha lúa và hoa màu.",
    "Cơ sở sản xuất phải thu gom, xử lý nước thải đạt quy chuẩn trước khi xả ra môi trường.",
    "Kết quả quan trắc cho thấy một số chỉ tiêu vượt giới hạn cho phép.",
    "Đã hỗ trợ {so_nho} tấn gạo cứu đói cho các hộ bị ảnh hưởng bởi thiên tai.",
    "Chương trình xây dựng nông thôn mới tiếp tục được triển khai đồng bộ, hiệu quả.",
    "Tỷ lệ hộ nghèo giảm còn {tyle}%, hộ cận nghèo còn {tyle2}%.",
    "Ngành y tế tổ chức phun hóa chất diệt muỗi tại các khu vực có ca bệnh.",
    "Năm học vừa qua, tỷ lệ học sinh tốt nghiệp trung học phổ thông đạt {tyle}%.",
    "Các trường học rà soát cơ sở vật chất, bảo đảm an toàn trước mùa mưa bão.",
    "Việc thu gom rác thải sinh hoạt tại khu dân cư được duy trì hằng ngày.",
    "Người dân được khuyến khích phân loại chất thải rắn sinh hoạt tại nguồn.",
    # Records management and legal.
    "Hồ sơ, tài liệu phải được lập, chỉnh lý và nộp lưu đúng thời hạn quy định.",
    "Văn bản đi phải được đăng ký, đóng dấu và phát hành ngay trong ngày ký.",
    "Cơ quan đã thực hiện chỉnh lý {so_nho} mét giá tài liệu tồn đọng.",
    "Tài liệu hết giá trị được tiêu hủy sau khi có ý kiến thẩm định của cơ quan có thẩm quyền.",
    "Công tác tuyên truyền, phổ biến pháp luật được thực hiện với nhiều hình thức phong phú.",
    "Văn bản quy phạm pháp luật được rà soát, hệ thống hóa định kỳ theo quy định.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị phản ánh kịp thời để "
    "xem xét, giải quyết.",
    "Giao Văn phòng theo dõi, đôn đốc việc thực hiện và báo cáo kết quả.",
    # General statements.
    "Nhìn chung, các nhiệm vụ trọng tâm đều hoàn thành đúng tiến độ đề ra.",
    "Bên cạnh kết quả đạt được, vẫn còn một số tồn tại, hạn chế cần khắc phục.",
    "Nguyên nhân chủ yếu là do nguồn nhân lực còn thiếu và chưa đồng đều.",
    "Sự phối hợp giữa các cơ quan chuyên môn có lúc chưa chặt chẽ, kịp thời.",
    "Một số đơn vị chưa quan tâm đúng mức đến công tác báo cáo, thống kê.",
    "Để khắc phục tình trạng trên, cần tăng cường trách nhiệm của người đứng đầu.",
    "Thủ trưởng các cơ quan, đơn vị chịu trách nhiệm trước Chủ tịch Ủy ban nhân dân về kết "
    "quả thực hiện.",
    "Yêu cầu các đơn vị nghiêm túc triển khai thực hiện.",
    "Đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện.",
    "Mọi chi tiết xin liên hệ số điện thoại {dien_thoai} để được hướng dẫn.",
    "Đây là nhiệm vụ quan trọng, cần được triển khai thường xuyên, liên tục.",
    "Phát huy những kết quả đã đạt được, năm {nam_sau} phấn đấu hoàn thành vượt mức các chỉ "
    "tiêu.",
    "Các phòng, ban chuyên môn căn cứ chức năng, nhiệm vụ chủ động xây dựng kế hoạch chi tiết.",
    "Ủy ban nhân dân các xã, thị trấn phối hợp chặt chẽ với đơn vị thi công trong quá trình "
    "thực hiện.",
    "Việc triển khai phải bảo đảm công khai, minh bạch, đúng đối tượng.",
    "Kết quả thực hiện là một tiêu chí đánh giá mức độ hoàn thành nhiệm vụ của tập thể, cá "
    "nhân.",
    "Trường hợp cần thiết, cơ quan chủ trì tổ chức họp để thống nhất phương án xử lý.",
    "Ý kiến góp ý gửi bằng văn bản và bản điện tử qua hộp thư công vụ của đơn vị.",
    # More general statements.
    "Công tác chỉ đạo, điều hành được thực hiện quyết liệt, bám sát chương trình công tác.",
    "Tình hình an ninh chính trị, trật tự an toàn xã hội trên địa bàn cơ bản ổn định.",
    "Việc ứng dụng công nghệ thông tin góp phần nâng cao hiệu quả quản lý nhà nước.",
    "Một số chỉ tiêu đạt thấp so với kế hoạch do ảnh hưởng của thời tiết bất lợi.",
    "Người dân ngày càng quen với việc nộp hồ sơ và thanh toán phí, lệ phí trực tuyến.",
    "Đội ngũ công chức tiếp nhận hồ sơ có thái độ tận tình, chu đáo, đúng mực.",
    "Việc luân chuyển hồ sơ giữa các cơ quan được thực hiện trên môi trường điện tử.",
    "Cần tiếp tục rà soát, cắt giảm thành phần hồ sơ và thời gian giải quyết thủ tục.",
    "Một số xã chưa bố trí đủ công chức chuyên trách công tác địa chính.",
    "Nguồn vốn bố trí cho các dự án còn phân tán, chưa tập trung.",
    "Tình trạng lấn chiếm đất công, xây dựng trái phép vẫn còn xảy ra ở một số nơi.",
    "Công tác phối hợp với Mặt trận Tổ quốc và các đoàn thể được duy trì thường xuyên.",
    "Các đơn vị cập nhật kết quả thực hiện lên phần mềm theo dõi nhiệm vụ đúng hạn.",
    "Hệ thống camera giám sát đã được lắp đặt tại khu vực tiếp nhận hồ sơ.",
    "Số lượng phản ánh, kiến nghị về thủ tục hành chính giảm so với năm trước.",
)

# Sentences that belong to one document type only (mixed into that type's body).
TYPE_SENTENCES: dict[str, tuple[str, ...]] = {
    "quyet_dinh": (
        "Quyết định này có hiệu lực thi hành kể từ ngày ký.",
        "Giao Phòng Nội vụ hướng dẫn, kiểm tra việc thực hiện Quyết định này.",
        "Các quy định trước đây trái với Quyết định này đều bãi bỏ.",
        "Người có tên tại Điều 1 được hưởng phụ cấp chức vụ theo quy định hiện hành.",
    ),
    "nghi_quyet": (
        "Nghị quyết này có hiệu lực kể từ ngày {ngay}.",
        "Nghị quyết này đã được Hội đồng nhân dân thông qua tại kỳ họp.",
        "Giao Thường trực Hội đồng nhân dân, các Ban và các Tổ đại biểu giám sát việc thực hiện.",
    ),
    "to_trinh": (
        "Kính đề nghị Ủy ban nhân dân tỉnh xem xét, phê duyệt.",
        "Kính trình Ủy ban nhân dân {huyen} xem xét, quyết định.",
        "Hồ sơ trình gồm: dự thảo Quyết định, báo cáo thẩm định và các văn bản liên quan.",
        "Việc ban hành là cần thiết nhằm đáp ứng yêu cầu thực tiễn của địa phương.",
    ),
    "cong_van": (
        "Rất mong nhận được sự quan tâm, giúp đỡ của quý cơ quan.",
        "Văn bản trả lời đề nghị gửi về trước ngày {ngay} để tổng hợp.",
        "Nhận được văn bản của quý cơ quan, sau khi nghiên cứu, chúng tôi có ý kiến như sau:",
    ),
    "bao_cao": (
        "Báo cáo gửi về trước ngày {ngay} để tổng hợp.",
        "Số liệu báo cáo tính từ ngày 01 tháng 01 đến hết ngày {ngay}.",
        "Trên đây là báo cáo kết quả thực hiện, kính báo cáo cấp trên theo dõi, chỉ đạo.",
    ),
    "ke_hoach": (
        "Kế hoạch này thay thế kế hoạch đã ban hành trước đây về cùng nội dung.",
        "Thời gian thực hiện từ tháng {thang} đến hết năm {nam}.",
        "Kinh phí thực hiện Kế hoạch được bố trí trong dự toán chi thường xuyên của đơn vị.",
    ),
    "huong_dan": (
        "Hướng dẫn này áp dụng đối với các cơ quan, tổ chức và cá nhân có liên quan.",
        "Bước 1: tổ chức, cá nhân chuẩn bị hồ sơ theo quy định.",
        "Bước 2: nộp hồ sơ trực tiếp tại Bộ phận Một cửa hoặc nộp trực tuyến.",
        "Bước 3: nhận kết quả theo ngày hẹn ghi trên phiếu tiếp nhận.",
    ),
    "thong_bao": (
        "Thông báo này được niêm yết công khai tại trụ sở và đăng trên Cổng thông tin điện tử.",
        "Mọi thắc mắc đề nghị liên hệ bộ phận thường trực để được giải đáp.",
    ),
    "hop_dong": (
        "Giá trị hợp đồng là {tien} triệu đồng, đã bao gồm thuế giá trị gia tăng.",
        "Bên A thanh toán cho Bên B bằng hình thức chuyển khoản trong vòng {so_nho} ngày.",
        "Bên B có trách nhiệm bàn giao sản phẩm đúng số lượng, chất lượng và thời hạn.",
        "Thời gian thực hiện hợp đồng là {so_nho} ngày kể từ ngày hợp đồng có hiệu lực.",
        "Hai bên cam kết thực hiện đúng các điều khoản đã ghi trong hợp đồng.",
        "Mọi tranh chấp phát sinh được giải quyết trên cơ sở thương lượng, hòa giải.",
        "Hợp đồng được lập thành {so_ban} bản có giá trị pháp lý như nhau.",
        "Bên B chịu trách nhiệm bảo hành sản phẩm trong thời gian 12 tháng.",
    ),
    "bien_ban": (
        "Cuộc họp bắt đầu lúc {gio} phút, có mặt đầy đủ thành phần theo giấy mời.",
        "Sau khi nghe báo cáo, các đại biểu đã thảo luận và thống nhất các nội dung chủ yếu.",
        "Chủ trì cuộc họp kết luận và giao nhiệm vụ cụ thể cho từng cơ quan, đơn vị.",
        "Tài liệu hội nghị được đăng tải trên Hệ thống quản lý văn bản và điều hành.",
        "Hội nghị được tổ chức theo hình thức trực tiếp kết hợp trực tuyến đến các điểm cầu cấp "
        "xã.",
        "Biên bản được lập thành {so_ban} bản có giá trị như nhau, mỗi bên giữ một bản.",
        "Cuộc họp kết thúc vào lúc {gio} phút cùng ngày, các thành viên thống nhất ký tên.",
        "Các bên đã đọc lại biên bản, thống nhất với nội dung ghi trong biên bản.",
    ),
    "giay_moi": (
        "Đề nghị các đại biểu nghiên cứu tài liệu trước và chuẩn bị ý kiến phát biểu.",
        "Đại biểu không dự được cử người dự thay và báo cáo về Văn phòng trước ngày họp.",
        "Văn phòng chuẩn bị hội trường, trang thiết bị và tài liệu phục vụ hội nghị.",
    ),
}

# Headings of numbered sections in reports, plans and guidance.
SECTIONS: dict[str, tuple[str, ...]] = {
    "bao_cao": ("I. KẾT QUẢ ĐẠT ĐƯỢC", "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
                "III. NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI", "IV. ĐỀ XUẤT, KIẾN NGHỊ"),
    "ke_hoach": ("I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG THỰC HIỆN", "III. KINH PHÍ THỰC HIỆN",
                 "IV. TỔ CHỨC THỰC HIỆN"),
    "huong_dan": ("I. PHẠM VI, ĐỐI TƯỢNG ÁP DỤNG", "II. NỘI DUNG HƯỚNG DẪN",
                  "III. TRÌNH TỰ, THỦ TỤC", "IV. TỔ CHỨC THỰC HIỆN"),
    "to_trinh": ("I. SỰ CẦN THIẾT", "II. NỘI DUNG ĐỀ XUẤT", "III. KIẾN NGHỊ"),
    "bien_ban": ("I. THÀNH PHẦN THAM DỰ", "II. NỘI DUNG", "III. KẾT LUẬN"),
    "hop_dong": ("Điều 1. Nội dung công việc", "Điều 2. Giá trị hợp đồng và phương thức thanh "
                 "toán", "Điều 3. Thời gian thực hiện", "Điều 4. Quyền và nghĩa vụ của các bên",
                 "Điều 5. Điều khoản chung"),
}

# The articles of decisions and resolutions ("Điều 1. ...").
ARTICLE_OPENINGS: tuple[str, ...] = (
    "Phê duyệt nội dung với các nội dung chủ yếu như sau:",
    "Ban hành kèm theo Quyết định này Quy chế phối hợp giữa các cơ quan, đơn vị.",
    "Giao nhiệm vụ cho các cơ quan, đơn vị có liên quan triển khai thực hiện.",
    "Thành lập Tổ công tác gồm các ông, bà có tên sau đây:",
    "Thu hồi {dien_tich} m² đất tại {xa}, {huyen} để thực hiện dự án.",
    "Khen thưởng {so_nho} tập thể và {so_nho2} cá nhân đã có thành tích xuất sắc.",
    "Bổ nhiệm ông {ten_nam} giữ chức vụ Phó Trưởng phòng kể từ ngày {ngay}.",
    "Cho phép hộ bà {ten_nu} chuyển mục đích sử dụng {dien_tich} m² đất.",
)

ARTICLE_CLOSINGS: tuple[str, ...] = (
    "Quyết định này có hiệu lực kể từ ngày ký.",
    "Quyết định này có hiệu lực thi hành kể từ ngày {ngay}.",
    "Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị và các cá nhân có liên quan chịu trách "
    "nhiệm thi hành Quyết định này.",
    "Giao Ủy ban nhân dân tỉnh tổ chức triển khai thực hiện Nghị quyết này.",
    "Thường trực Hội đồng nhân dân, các Ban và đại biểu Hội đồng nhân dân giám sát việc thực "
    "hiện.",
    "Các ông, bà có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
)

# "Kính gửi:" lines.
ADDRESSEES: tuple[str, ...] = (
    "Ủy ban nhân dân tỉnh {tinh}", "Các sở, ban, ngành tỉnh",
    "Ủy ban nhân dân các huyện, thị xã, thành phố", "Sở Tài chính", "Sở Nội vụ",
    "Thường trực Hội đồng nhân dân tỉnh", "Ủy ban nhân dân {huyen}",
    "Ủy ban nhân dân các xã, thị trấn", "Phòng Tài nguyên và Môi trường",
    "Ban Quản lý dự án đầu tư xây dựng", "Văn phòng Đăng ký đất đai",
    "Bộ Thông tin và Truyền thông", "Chủ tịch Ủy ban nhân dân tỉnh",
    "Trung tâm Phục vụ hành chính công tỉnh", "Các phòng, ban chuyên môn",
)

# Items of "Nơi nhận:" (the last one is always "- Lưu: ...").
RECIPIENTS: tuple[str, ...] = (
    "- Như trên;", "- Như Điều 3;", "- Như Điều 4;", "- Thường trực Tỉnh ủy;", "- TT HĐND tỉnh;",
    "- Chủ tịch, các PCT UBND tỉnh;", "- CT, các PCT UBND huyện;", "- Sở Tài chính;",
    "- Sở Nội vụ;", "- Các phòng, ban chuyên môn;", "- UBND các xã, thị trấn;",
    "- Cổng thông tin điện tử tỉnh;", "- Kho bạc Nhà nước huyện;", "- Báo {tinh};",
    "- Văn phòng Chính phủ;", "- Cục Kiểm soát TTHC;", "- Lãnh đạo Văn phòng;",
    "- Trung tâm Phục vụ HCC;", "- Đảng ủy, HĐND xã;", "- Các thành viên Tổ công tác;",
    "- Thanh tra tỉnh;", "- Website Sở;", "- Đài Truyền thanh huyện;", "- Lãnh đạo Sở;",
)

FILING: tuple[str, ...] = (
    "- Lưu: VT.", "- Lưu: VT, KT.", "- Lưu: VT, TH.", "- Lưu: VT, NC.", "- Lưu: VT, TCCB.",
    "- Lưu: VT, QLĐĐ.", "- Lưu: VT, VP.", "- Lưu: VT, KGVX, {initials}.", "- Lưu: VT, {initials}.",
)

MEETING_PLACES: tuple[str, ...] = (
    "Hội trường tầng 3, trụ sở Ủy ban nhân dân {huyen}", "Phòng họp số 2, Sở Tài chính",
    "Hội trường Trung tâm Hội nghị tỉnh", "Phòng họp trực tuyến, Ủy ban nhân dân {xa}",
    "Nhà văn hóa {xa}", "Phòng họp A, tầng 2, Văn phòng Ủy ban nhân dân tỉnh",
    "Hiện trường dự án tại {xa}", "Phòng họp Ban Quản lý dự án đầu tư xây dựng",
)
