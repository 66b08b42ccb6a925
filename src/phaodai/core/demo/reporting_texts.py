"""What the demo's reports and difficulties say: short Vietnamese sentences, usual daily figures, and the difficulties
raised in the demo city with what the acting units did about them. Data, not translatable strings: these are what the
civil servants typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

from phaodai.reporting.models import DifficultyCategory, Severity

RESULTS = {
    "sampling": [
        "Hoàn thành lấy mẫu theo kế hoạch tại khu vực được phân công.",
        "Phối hợp Trạm Y tế phường lấy mẫu gộp theo hộ gia đình.",
        "Hỗ trợ điểm xét nghiệm lưu động, hướng dẫn người dân khai báo y tế.",
        "Lấy mẫu bổ sung cho các hộ vắng nhà hôm trước.",
        "Tuyên truyền người dân thực hiện 5K, không tụ tập đông người.",
    ],
    "data_entry": [
        "Nhập kết quả xét nghiệm trong ngày lên hệ thống, đối chiếu với danh sách của Trạm Y tế.",
        "Rà soát, làm sạch danh sách hộ gia đình; loại bỏ các hồ sơ trùng.",
        "Hoàn thành nhập phiếu lấy mẫu của các tổ trước 16 giờ.",
    ],
    "": [
        "Hoàn thành nhiệm vụ được giao trong ngày.",
        "Phối hợp tốt với Ủy ban nhân dân phường và tổ dân phố.",
    ],
}
TEAM_DIFFICULTIES = [
    "Một số hộ đi vắng, tổ phải quay lại vào buổi chiều.",
    "Trời mưa lớn, tạm dừng lấy mẫu khoảng một giờ.",
    "Vật tư lấy mẫu về muộn so với kế hoạch.",
    "Một số hộ chưa hợp tác; tổ đã phối hợp tổ dân phố vận động.",
    "Mạng di động chập chờn, nhập liệu chậm.",
]
TEAM_PROPOSALS = [
    "Đề nghị bổ sung que lấy mẫu và ống môi trường cho ngày mai.",
    "Đề nghị phường cử thêm người dẫn đường tại khu vực đông dân.",
    "Đề nghị bố trí suất ăn trưa sớm hơn cho tổ.",
]
DELEGATION_ASSESSMENTS = [
    "Công tác lấy mẫu diễn ra đúng kế hoạch, người dân chấp hành tốt.",
    "Tình hình trên địa bàn ổn định; các tổ phối hợp tốt với Ủy ban nhân dân phường.",
    "Một số khu vực đông dân, tiến độ lấy mẫu chậm hơn dự kiến; đoàn đã điều chỉnh phân công.",
    "Đoàn đã đối chiếu số liệu với Trạm Y tế phường trước khi gửi báo cáo.",
]
DELEGATION_PROPOSALS = [
    "Đề nghị Tổ Điều phối bổ sung vật tư lấy mẫu cho ngày tiếp theo.",
    "Đề nghị bố trí xe đưa đón thành viên đoàn ca tối.",
    "Đề nghị Sở Y tế hướng dẫn thống nhất mẫu phiếu nhập liệu.",
]

#: Realistic daily figures by field key: (low, high) for one team's usual day.
FIGURES: dict[str, tuple[int, int]] = {
    "households_visited": (20, 60),
    "people_sampled": (80, 250),
    "positive_found": (0, 4),
    "people_screened": (60, 200),
    "vaccinations_supported": (50, 180),
    "people_checked": (150, 600),
    "people_turned_back": (0, 25),
    "records_entered": (150, 500),
    "households_supported": (15, 50),
    "food_packages_delivered": (20, 80),
    "calls_handled": (10, 60),
}


@dataclass(frozen=True)
class DifficultySpec:
    ward: int  # index in the demo's wards, Tân An first
    by: str  # "leader" (of the delegation's first team) or "head"
    days_ago: int
    clock: time
    category: str
    severity: str
    title: str
    description: str
    steps: tuple[tuple[timedelta, str, str], ...] = ()  # (after raising, action, note or answer)
    current_round: bool = False  # raised in the current round as soon as it has begun (its logins see it)


DIFFICULTIES: tuple[DifficultySpec, ...] = (
    DifficultySpec(
        0,
        "leader",
        1,
        time(16, 20),
        DifficultyCategory.SUPPLIES,
        Severity.MEDIUM,
        "Thiếu que lấy mẫu và ống môi trường vận chuyển",
        "Tổ còn khoảng 150 que lấy mẫu, không đủ cho ngày mai (dự kiến lấy mẫu khoảng 250 người). "
        "Đề nghị Trạm Y tế phường bổ sung trước 7 giờ sáng.",
        (
            (timedelta(minutes=35), "acknowledge", "Đã nhận, Trạm Y tế phường đang kiểm tra tồn kho."),
            (
                timedelta(hours=2, minutes=50),
                "resolve",
                "Trạm Y tế phường đã cấp bổ sung 500 que lấy mẫu và 40 ống môi trường; tổ nhận tại trụ sở "
                "Ủy ban nhân dân phường từ 6 giờ 30 sáng mai.",
            ),
        ),
        current_round=True,
    ),
    DifficultySpec(
        1,
        "head",
        3,
        time(18, 10),
        DifficultyCategory.WELFARE,
        Severity.HIGH,
        "Suất ăn trưa của đoàn đến trễ nhiều ngày",
        "Ba ngày liền suất ăn trưa đến sau 13 giờ, thành viên đoàn phải nghỉ giữa ca để tự túc. "
        "Đề nghị quận làm việc lại với đơn vị cung cấp suất ăn.",
    ),
    DifficultySpec(
        2,
        "leader",
        4,
        time(10, 40),
        DifficultyCategory.MEDICAL,
        Severity.HIGH,
        "Thiếu bộ trang phục phòng hộ cá nhân",
        "Tổ chỉ còn 6 bộ trang phục phòng hộ cho 12 người làm việc hai ca. Đề nghị cấp bổ sung ít nhất 50 bộ.",
        ((timedelta(hours=2), "acknowledge", "Quận đã tổng hợp nhu cầu, chờ Sở Y tế cấp đợt tới."),),
    ),
    DifficultySpec(
        0,
        "head",
        2,
        time(17, 45),
        DifficultyCategory.SUPPLIES,
        Severity.HIGH,
        "Máy tính bảng nhập liệu của đoàn bị hỏng",
        "Hai trong ba máy tính bảng dùng nhập kết quả lấy mẫu không khởi động được; tổ nhập liệu phải ghi tay "
        "rồi nhập lại, chậm khoảng nửa ngày.",
        (
            (
                timedelta(hours=3),
                "refer",
                "Quận không có thiết bị dự phòng; đề nghị Sở Y tế điều chuyển máy từ điểm xét nghiệm khác.",
            ),
        ),
        current_round=True,
    ),
    DifficultySpec(
        3,
        "leader",
        0,
        time(9, 15),
        DifficultyCategory.STAFF,
        Severity.MEDIUM,
        "Thành viên tổ xin nghỉ do người nhà mắc COVID-19",
        "Một thành viên của tổ có người nhà là F0, phải cách ly tại nhà 7 ngày. Đề nghị bố trí người thay thế.",
    ),
    DifficultySpec(
        4,
        "leader",
        1,
        time(10, 30),
        DifficultyCategory.MEDICAL,
        Severity.CRITICAL,
        "Người bệnh SpO2 thấp tại khu vực 4 chưa được chuyển viện",
        "Một người dương tính, 68 tuổi, SpO2 khoảng 90 %, đã gọi cấp cứu nhưng chưa có xe. "
        "Cần hỗ trợ chuyển viện ngay.",
        (
            (timedelta(minutes=15), "acknowledge", "Trung tâm điều hành cấp cứu 115 đã tiếp nhận."),
            (
                timedelta(hours=2, minutes=40),
                "resolve",
                "Xe cấp cứu 115 đã chuyển người bệnh đến Bệnh viện dã chiến số 1 lúc 13 giờ 10; "
                "Trạm Y tế phường theo dõi các thành viên trong hộ.",
            ),
        ),
    ),
    DifficultySpec(
        1,
        "leader",
        6,
        time(15, 50),
        DifficultyCategory.OTHER,
        Severity.LOW,
        "Loa cầm tay thông báo lấy mẫu bị hỏng",
        "Loa cầm tay của tổ bị hỏng, phải đi gõ cửa từng hộ để thông báo giờ lấy mẫu.",
    ),
    DifficultySpec(
        0,
        "leader",
        1,
        time(17, 30),
        DifficultyCategory.SECURITY,
        Severity.MEDIUM,
        "Một số hộ không mở cửa cho tổ lấy mẫu",
        "Năm hộ ở khu vực 2 không mở cửa, có hộ lớn tiếng với thành viên tổ. Đề nghị công an phường hỗ trợ vận động.",
        ((timedelta(minutes=50), "acknowledge", "Đã đề nghị công an khu vực đi cùng tổ vào sáng mai."),),
        current_round=True,
    ),
)
