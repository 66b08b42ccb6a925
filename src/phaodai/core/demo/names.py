"""Name lists for the demo city: Vietnamese names as they occur in the Mekong delta, and hamlet names.

Surname weights are percentages, roughly as surveys of the South report them: Nguyễn about a third, Huỳnh (the
southern form of Hoàng) and Võ (of Vũ) far more common than in the North.
"""

SURNAMES: list[tuple[str, float]] = [
    ("Nguyễn", 34.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Huỳnh", 5.5),
    ("Phạm", 5.0),
    ("Võ", 4.5),
    ("Phan", 3.5),
    ("Trương", 2.0),
    ("Hồ", 1.6),
    ("Bùi", 1.5),
    ("Đặng", 1.5),
    ("Ngô", 1.3),
    ("Đỗ", 1.2),
    ("Dương", 1.2),
    ("Lý", 1.0),
    ("Lâm", 1.0),
    ("Hoàng", 0.8),
    ("Châu", 0.7),
    ("Đoàn", 0.6),
    ("Đinh", 0.6),
    ("Vũ", 0.5),
    ("Tô", 0.5),
    ("Mai", 0.5),
    ("Cao", 0.5),
    ("Lương", 0.4),
    ("Trịnh", 0.4),
    ("Thái", 0.4),
    ("Lưu", 0.4),
    ("Quách", 0.3),
    ("La", 0.3),
    ("Tăng", 0.3),
    ("Hà", 0.3),
    ("Diệp", 0.2),
    ("Triệu", 0.2),
    ("Kiều", 0.2),
    ("Từ", 0.2),
]

MALE_MIDDLE: list[tuple[str, float]] = [
    ("Văn", 35),
    ("Minh", 10),
    ("Hoàng", 6),
    ("Thanh", 6),
    ("Quốc", 6),
    ("Hữu", 5),
    ("Tấn", 4),
    ("Thành", 4),
    ("Công", 3),
    ("Đức", 3),
    ("Ngọc", 3),
    ("Trung", 2),
    ("Phước", 2),
    ("Chí", 2),
    ("Hoài", 2),
    ("Duy", 2),
    ("Thái", 1),
    ("Trọng", 1),
    ("Nhật", 1),
    ("Gia", 1),
]

FEMALE_MIDDLE: list[tuple[str, float]] = [
    ("Thị", 45),
    ("Ngọc", 10),
    ("Thanh", 6),
    ("Kim", 5),
    ("Thúy", 4),
    ("Mỹ", 4),
    ("Hồng", 4),
    ("Bích", 3),
    ("Thu", 3),
    ("Phương", 3),
    ("Diễm", 2),
    ("Cẩm", 2),
    ("Tuyết", 2),
    ("Huỳnh", 1),
    ("Minh", 2),
    ("Hoàng", 1),
    ("Xuân", 1),
]

# A second middle name for some women: Nguyễn Thị Ngọc Hân, Lê Thị Mỹ Duyên.
FEMALE_SECOND_MIDDLE = ["Ngọc", "Mỹ", "Kim", "Thanh", "Thu", "Bích", "Hồng", "Diễm", "Cẩm", "Tuyết"]

MALE_GIVEN = [
    "An", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đông", "Hải", "Hậu", "Hiếu", "Hòa", "Hùng", "Hưng", "Huy",
    "Khải", "Khang", "Khoa", "Kiệt", "Lâm", "Lộc", "Lợi", "Long", "Luân", "Minh", "Nam", "Nghĩa", "Nhân", "Phát",
    "Phong", "Phúc", "Phước", "Quang", "Quý", "Sang", "Sơn", "Tài", "Tâm", "Tân", "Thắng", "Thành", "Thiện",
    "Thịnh", "Thông", "Tín", "Toàn", "Trí", "Triều", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Út",
]  # fmt: skip

FEMALE_GIVEN = [
    "An", "Anh", "Châu", "Diễm", "Dung", "Duyên", "Giang", "Hà", "Hân", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng",
    "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "My", "Ngân", "Ngọc", "Nguyệt", "Nhàn", "Nhi",
    "Nhung", "Oanh", "Phương", "Quyên", "Thảo", "Thoa", "Thư", "Thủy", "Trâm", "Trang", "Trinh", "Tuyết",
    "Uyên", "Vân", "Xuân", "Yến", "Út",
]  # fmt: skip

# Khmer Vietnamese (about 2 % of Cần Thơ): Khmer-derived surnames and given names written in Vietnamese.
KHMER_SURNAMES: list[tuple[str, float]] = [
    ("Thạch", 35),
    ("Sơn", 25),
    ("Danh", 20),
    ("Kim", 10),
    ("Lâm", 5),
    ("Châu", 5),
]
KHMER_MALE_GIVEN = ["Sóc", "Sol", "Phol", "Sa Rươne", "Chanh Đa", "Ra Vi", "Thi", "Sa Vát", "Pho", "Ny", "Hên"]
KHMER_FEMALE_GIVEN = ["Sô Phia", "Sa Ranh", "Sa Rinh", "Ra Ni", "Sóc Kha", "Sà Quênh", "Thi Da", "Mi", "Pha Ly"]

# Stems of hamlet (ấp) names in the delta; a commune often has "A"/"B" or "1"/"2" halves of one old hamlet.
HAMLET_STEMS = [
    "Thới Hòa", "Thới Thuận", "Thới Phong", "Thới Bình", "Tân Lợi", "Tân Hưng", "Tân Phước", "Tân Thạnh",
    "Nhơn Lộc", "Nhơn Thọ", "Nhơn Khánh", "Mỹ Phụng", "Mỹ Ái", "Mỹ Hòa", "Trường Thọ", "Trường Phú",
    "Trường Hòa", "Phú Long", "Phú Thạnh", "Phú Hưng", "Thạnh Lợi", "Thạnh Hưng", "Thạnh Phước", "Đông Thạnh",
    "Đông Hòa", "Đông Lợi", "Vĩnh Lợi", "Vĩnh Qui", "Vĩnh Hưng", "Định Khánh", "Định Yên", "Hòa Long",
    "Long Thạnh", "Long Châu", "Bình Phó", "Bình Lợi", "Qui Long", "Kinh Tắc", "Cầu Nhiếm", "Bờ Bao",
    "Xẻo Cao", "Rạch Sung", "Lân Thạnh", "Trà Cui", "Láng Sen", "Ba Se", "Cái Chanh", "Thị Đội",
]  # fmt: skip

MOBILE_PREFIXES = [
    "086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039",  # Viettel
    "088", "091", "094", "081", "082", "083", "084", "085",  # VinaPhone
    "089", "090", "093", "070", "076", "077", "078", "079",  # MobiFone
    "092", "056", "058",  # Vietnamobile
]  # fmt: skip
