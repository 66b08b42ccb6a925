"""Vietnamese texts of the demo city's duty story: streets, team roles, what callers need and what was done.

Plain data. Callers' words are in Vietnamese because citizens and operators write Vietnamese; they are data, not
interface strings, so they are not translated.
"""

from __future__ import annotations

# Real streets of the two wards (Ninh Kiều, Cần Thơ); households get "Số 12, hẻm 45, đường …" addresses on them.
STREETS = {
    "31135": ["Hai Bà Trưng", "Ngô Quyền", "Phan Đình Phùng", "Điện Biên Phủ", "Châu Văn Liêm", "Ngô Đức Kế"],
    "31120": ["Cách Mạng Tháng Tám", "Mậu Thân", "Trần Quang Khải", "Nguyễn Văn Cừ", "Lý Tự Trọng", "Trần Văn Hoài"],
}
DEFAULT_STREETS = ["Nguyễn Trãi", "Trần Hưng Đạo", "Lê Lợi", "Nguyễn Văn Linh", "30 Tháng 4", "3 Tháng 2"]

# Who is on a community COVID team besides its leader (the neighbourhood head usually leads it).
TEAM_ROLES = ["Tổ phó", "Công an khu vực", "Y tế khu vực", "Hội Phụ nữ", "Đoàn Thanh niên", "Hội Cựu chiến binh"]

# What callers need, per help category.
NEEDS = {
    "food": [
        "Hộ đang cách ly tại nhà, hết gạo và thực phẩm, nhờ đi chợ giúp.",
        "Gia đình 5 người phong tỏa, cần rau, thịt, trứng cho 3 ngày.",
        "Người già sống một mình, cần mua gạo, mì gói, sữa.",
        "Hộ khó khăn, mất việc do giãn cách, xin hỗ trợ túi an sinh.",
        "Cần mua sữa và tã cho em bé, khu vực đang phong tỏa.",
        "Xin hỗ trợ gạo và nhu yếu phẩm, chồng đang điều trị COVID.",
    ],
    "medical_emergency": [
        "Người nhà F0 khó thở, SpO2 còn 91%, cần cấp cứu.",
        "Bà cụ 80 tuổi sốt cao, co giật, cần xe cấp cứu.",
        "Sản phụ chuyển dạ trong khu phong tỏa, cần đưa đi viện.",
    ],
    "testing": [
        "Gia đình có người sốt, ho, xin test nhanh tại nhà.",
        "Hộ vừa hết cách ly, hỏi lịch xét nghiệm lần cuối.",
        "Đồng nghiệp là F0, xin xét nghiệm cho cả nhà.",
    ],
    "vaccination": [
        "Người cao tuổi nằm liệt giường, xin tiêm vắc xin tại nhà.",
        "Hỏi lịch tiêm mũi 2 AstraZeneca tại phường.",
        "Chưa nhận được tin nhắn hẹn tiêm, xin đăng ký lại.",
    ],
    "new_arrival": [
        "Có người từ Thành phố Hồ Chí Minh về chiều nay, chưa khai báo.",
        "Hàng xóm có người về từ Bình Dương, đang sốt nhẹ.",
        "Con từ Đồng Nai về, xin hướng dẫn cách ly tại nhà.",
    ],
    "other": [
        "Hỏi thủ tục xin giấy đi đường để chăm mẹ nằm viện.",
        "Phản ánh nhóm người tụ tập uống rượu trong hẻm.",
        "Hỏi cách nhận tiền hỗ trợ người lao động tự do.",
        "Xin hỗ trợ tiền điện nước tháng này.",
    ],
}
AGAIN = "Gọi lại lần nữa, vẫn chưa thấy ai liên hệ."

OUTCOMES = {
    "food": [
        "Tổ COVID cộng đồng đã đi chợ và giao hàng tận nhà.",
        "Đã trao túi an sinh (10 kg gạo, mì, dầu ăn, nước mắm).",
        "Mạnh thường quân hỗ trợ thực phẩm, tổ đã giao trong ngày.",
    ],
    "medical_emergency": [
        "Trạm Y tế đã điều xe cấp cứu 115, chuyển bệnh nhân đến Bệnh viện Đa khoa Thành phố.",
        "Bác sĩ trạm đến nhà xử trí, thở oxy, chuyển tầng 2 điều trị.",
    ],
    "testing": [
        "Trạm Y tế đã lấy mẫu test nhanh tại nhà: âm tính.",
        "Đã hẹn xét nghiệm RT-PCR tại điểm lấy mẫu của phường.",
    ],
    "vaccination": [
        "Đã đưa vào danh sách tiêm lưu động tuần này.",
        "Đã hướng dẫn lịch tiêm mũi 2 và địa điểm tiêm.",
    ],
    "new_arrival": [
        "Trạm Y tế đã đến khai báo y tế, hướng dẫn cách ly tại nhà 7 ngày và dán thông báo.",
        "Đã lấy mẫu xét nghiệm, người về đang cách ly tại nhà theo quy định.",
    ],
    "other": [
        "Đã hướng dẫn người dân liên hệ bộ phận một cửa của phường.",
        "Công an khu vực đã đến giải tán, nhắc nhở.",
        "Đã chuyển hồ sơ đề nghị hỗ trợ lên Ủy ban nhân dân phường.",
    ],
}

SHOPPING_LISTS = [
    "5 kg gạo, 1 kg thịt heo, 10 trứng gà, 2 bó rau muống, 1 chai nước mắm",
    "1 thùng mì gói, 2 hộp sữa, 1 kg cá lóc, bí đao, cà chua",
    "Tã em bé size M, 2 lon sữa bột, 1 kg thịt gà, rau cải",
    "3 kg gạo, 1 chai dầu ăn, đường, muối, 1 kg khoai lang",
    "Thuốc hạ sốt Paracetamol, 1 kg cam, 2 kg táo, sữa tươi",
]
DELIVERERS = ["Đoàn viên Thanh niên phường", "Hội Phụ nữ khu vực", "Tổ COVID cộng đồng"]
