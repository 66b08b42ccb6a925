"""Key leaders (seed 004: they stay on site) are told from the position text, with or without diacritics."""

import pytest

from phaodai.staff.positions import is_key_leader


@pytest.mark.parametrize(
    "position",
    [
        "Chủ tịch UBND",
        "Phó Chủ tịch UBND phường",
        "Phó Chủ tịch Thường trực",
        "Bí thư Đảng ủy",
        "Phó Bí thư",
        "Giám đốc",
        "Phó Giám đốc Trung tâm Y tế",
        "Quyền Giám đốc",
        "Chánh Văn phòng",
        "Phó Chánh Thanh tra",
        "Trưởng ban",
        "Chủ nhiệm",
        "Trạm trưởng",
        "Phó Trạm trưởng",
        "Trưởng trạm y tế",
        "TRẠM TRƯỞNG",
        "tram truong",  # typed without diacritics
        "Tram Truong",
        "Bí thư Đảng ủy kiêm Chủ tịch UBND",
        "Ủy viên Ban Thường vụ, Chủ tịch UBND quận",
        "Phó  Giám  đốc",  # extra spaces
    ],
)
def test_heads_deputies_and_acting_heads_are_key_leaders(position):
    assert is_key_leader(position)


@pytest.mark.parametrize(
    "position",
    [
        "",
        None,
        "Chuyên viên",
        "Chuyên viên chính",
        "Trưởng phòng",  # division heads lead the delegations: they are the ones sent
        "Phó Trưởng phòng",
        "Trưởng khoa",
        "Tổ trưởng",
        "Chỉ huy trưởng Quân sự",
        "Công chức Văn phòng - Thống kê",
        "Chuyên viên Văn phòng",
        "Điều dưỡng",
        "Thư ký Chủ tịch",  # works for the chairman, is not one
        "Lái xe",
    ],
)
def test_staff_and_middle_managers_are_not_key_leaders(position):
    assert not is_key_leader(position)
