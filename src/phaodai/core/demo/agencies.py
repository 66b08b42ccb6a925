"""The demo city's agencies: what a Vietnamese city government, its hospitals and its Party bloc look like.

Everything here is plain data computed from the real administrative units; nothing touches the database.
Headcounts (biên chế) are of the right order for Cần Thơ; the minimum in office is 30-50 % of the headcount,
as Directive 10/CT-UBND asked of agencies during social distancing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from phaodai.places.models import AgencyKind, Bloc


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    division_type: str


@dataclass(frozen=True)
class DemoTree:
    """The loaded official units the demo city is built on, in code order."""

    province: Unit
    districts: list[Unit]
    communes_by_district: dict[str, list[Unit]]

    @property
    def communes(self) -> list[Unit]:
        return [c for d in self.districts for c in self.communes_by_district[d.code]]


@dataclass(frozen=True)
class Profile:
    """Who works in an agency: the head's and deputies' titles and the mix of the other positions."""

    head: str
    deputy: str
    deputies: tuple[int, int]
    pool: tuple[tuple[str, int], ...]
    medical_head: bool = False


@dataclass
class AgencySpec:
    key: str  # stable identity: seeds the agency's own random stream, so its people never depend on other agencies
    name: str
    kind: str
    unit_code: str
    headcount: int
    short_name: str = ""
    bloc: str = Bloc.GOVERNMENT
    parent_key: str | None = None
    profile: str = "department"
    min_in_office: int = 0
    phone: str = ""
    extra_skills: dict[str, float] = field(default_factory=dict)

    @property
    def health(self) -> bool:
        return self.profile in {"hospital", "health_centre", "health_station", "cdc", "emergency"}


# Positions that are medical work; "Kỹ thuật viên xét nghiệm" also takes samples.
MEDICAL_POSITIONS = {
    "Bác sĩ",
    "Bác sĩ y học dự phòng",
    "Điều dưỡng",
    "Hộ sinh",
    "Y sĩ",
    "Kỹ thuật viên xét nghiệm",
    "Kỹ thuật viên hình ảnh",
    "Dược sĩ",
    "Trưởng khoa",
}
SAMPLING_POSITIONS = {"Kỹ thuật viên xét nghiệm", "Bác sĩ y học dự phòng", "Y sĩ", "Điều dưỡng"}
MOSTLY_FEMALE_POSITIONS = {"Điều dưỡng", "Hộ sinh", "Văn thư", "Kế toán", "Hộ lý"}
MALE_POSITIONS = {"Lái xe", "Chỉ huy trưởng Quân sự"}
POSITION_SKILLS = {
    "Lái xe": "driving",
    "Nhân viên nhập liệu": "data_entry",
    "Công chức Văn hóa - Xã hội": "communication",
    "Chỉ huy trưởng Quân sự": "logistics",
    "Kỹ thuật viên công nghệ thông tin": "it",
}

_OFFICE = (("Văn thư", 3), ("Kế toán", 3), ("Lái xe", 2))
_CLINICAL = (
    ("Bác sĩ", 22),
    ("Điều dưỡng", 35),
    ("Hộ sinh", 4),
    ("Kỹ thuật viên xét nghiệm", 6),
    ("Kỹ thuật viên hình ảnh", 3),
    ("Dược sĩ", 5),
    ("Trưởng khoa", 3),
    ("Nhân viên hành chính", 8),
    ("Hộ lý", 6),
)

PROFILES: dict[str, Profile] = {
    "department": Profile(
        "Giám đốc",
        "Phó Giám đốc",
        (2, 3),
        (("Chuyên viên", 45), ("Chuyên viên chính", 12), ("Trưởng phòng", 6), ("Phó Trưởng phòng", 9))
        + (("Nhân viên nhập liệu", 2), ("Kỹ thuật viên công nghệ thông tin", 1), *_OFFICE),
    ),
    "office": Profile(
        "Chánh Văn phòng",
        "Phó Chánh Văn phòng",
        (3, 4),
        (("Chuyên viên", 45), ("Chuyên viên chính", 15), ("Trưởng phòng", 6), ("Phó Trưởng phòng", 8), *_OFFICE),
    ),
    "inspectorate": Profile(
        "Chánh Thanh tra",
        "Phó Chánh Thanh tra",
        (2, 3),
        (("Thanh tra viên", 45), ("Thanh tra viên chính", 15), ("Trưởng phòng", 5), ("Chuyên viên", 10), *_OFFICE),
    ),
    "board": Profile(
        "Trưởng ban",
        "Phó Trưởng ban",
        (1, 3),
        (("Chuyên viên", 55), ("Chuyên viên chính", 15), ("Trưởng phòng", 5), ("Phó Trưởng phòng", 6), *_OFFICE),
    ),
    "hospital": Profile("Giám đốc", "Phó Giám đốc", (2, 4), (*_CLINICAL, ("Kế toán", 3), ("Lái xe", 1)), True),
    "health_centre": Profile(
        "Giám đốc",
        "Phó Giám đốc",
        (1, 3),
        (*_CLINICAL, ("Y sĩ", 10), ("Bác sĩ y học dự phòng", 5), ("Kế toán", 3), ("Lái xe", 1)),
        True,
    ),
    "health_station": Profile(
        "Trạm trưởng",
        "Phó Trạm trưởng",
        (0, 1),
        (("Y sĩ", 35), ("Điều dưỡng", 20), ("Hộ sinh", 15), ("Bác sĩ", 15), ("Dược sĩ", 10)),
        True,
    ),
    "cdc": Profile(
        "Giám đốc",
        "Phó Giám đốc",
        (2, 3),
        (("Bác sĩ y học dự phòng", 25), ("Kỹ thuật viên xét nghiệm", 25), ("Điều dưỡng", 10), ("Y sĩ", 10))
        + (("Chuyên viên", 12), ("Nhân viên nhập liệu", 5), *_OFFICE),
        True,
    ),
    "emergency": Profile(
        "Giám đốc",
        "Phó Giám đốc",
        (1, 2),
        (("Bác sĩ", 25), ("Điều dưỡng", 35), ("Lái xe", 25), ("Nhân viên hành chính", 5)),
        True,
    ),
    "public_service": Profile(
        "Giám đốc",
        "Phó Giám đốc",
        (1, 2),
        (("Viên chức", 40), ("Chuyên viên", 30), ("Kỹ thuật viên", 10), ("Nhân viên", 10), ("Kế toán", 5)),
    ),
    "district_committee": Profile(
        "Chủ tịch UBND",
        "Phó Chủ tịch UBND",
        (2, 3),
        (("Chuyên viên", 50), ("Trưởng phòng", 8), ("Phó Trưởng phòng", 10), ("Nhân viên nhập liệu", 2), *_OFFICE),
    ),
    "commune_committee": Profile(
        "Chủ tịch UBND",
        "Phó Chủ tịch UBND",
        (1, 2),
        (
            ("Công chức Văn phòng - Thống kê", 12),
            ("Công chức Tư pháp - Hộ tịch", 10),
            ("Công chức Địa chính - Xây dựng", 10),
            ("Công chức Tài chính - Kế toán", 8),
            ("Công chức Văn hóa - Xã hội", 10),
            ("Chỉ huy trưởng Quân sự", 3),
            ("Người hoạt động không chuyên trách", 25),
        ),
    ),
    "party_office": Profile(
        "Chánh Văn phòng", "Phó Chánh Văn phòng", (2, 3), (("Chuyên viên", 60), ("Chuyên viên chính", 20), *_OFFICE)
    ),
    "party_board": Profile(
        "Trưởng ban", "Phó Trưởng ban", (2, 3), (("Chuyên viên", 60), ("Chuyên viên chính", 20), ("Văn thư", 5))
    ),
    "party_inspection": Profile(
        "Chủ nhiệm", "Phó Chủ nhiệm", (2, 3), (("Kiểm tra viên", 50), ("Kiểm tra viên chính", 20), ("Văn thư", 5))
    ),
    "party_committee": Profile(
        "Bí thư", "Phó Bí thư", (1, 2), (("Chuyên viên", 60), ("Chuyên viên chính", 15), ("Văn thư", 5))
    ),
    "mass": Profile("Chủ tịch", "Phó Chủ tịch", (2, 3), (("Chuyên viên", 60), ("Cán bộ", 20), ("Văn thư", 5))),
    "youth": Profile("Bí thư", "Phó Bí thư", (2, 3), (("Chuyên viên", 60), ("Cán bộ", 20), ("Văn thư", 5))),
    "association": Profile(
        "Chủ tịch", "Phó Chủ tịch", (1, 2), (("Chuyên viên", 50), ("Nhân viên", 30), ("Kế toán", 10))
    ),
    "task_force": Profile(
        "Tổ trưởng", "Tổ phó", (1, 2), (("Chuyên viên", 50), ("Nhân viên nhập liệu", 30), ("Nhân viên", 10))
    ),
}

# (name, short name, headcount, profile, extra skills). City departments, boards and sectors (sở, ban, ngành).
CITY_DEPARTMENTS: list[tuple[str, str, int, str, dict[str, float]]] = [
    ("Văn phòng Ủy ban nhân dân thành phố", "VP UBND TP", 95, "office", {}),
    ("Sở Nội vụ", "SNV", 85, "department", {}),
    ("Sở Y tế", "SYT", 110, "department", {}),
    ("Sở Lao động - Thương binh và Xã hội", "Sở LĐ-TB&XH", 95, "department", {"communication": 0.1}),
    ("Sở Giáo dục và Đào tạo", "Sở GD&ĐT", 100, "department", {}),
    ("Sở Tài chính", "STC", 80, "department", {}),
    ("Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", 70, "department", {}),
    ("Sở Công Thương", "SCT", 75, "department", {"logistics": 0.15}),
    ("Sở Giao thông vận tải", "Sở GTVT", 90, "department", {"driving": 0.1, "logistics": 0.1}),
    ("Sở Tư pháp", "STP", 55, "department", {}),
    ("Sở Thông tin và Truyền thông", "Sở TT&TT", 50, "department", {"it": 0.4, "communication": 0.3}),
    ("Sở Văn hóa, Thể thao và Du lịch", "Sở VH-TT&DL", 85, "department", {"communication": 0.2}),
    ("Sở Tài nguyên và Môi trường", "Sở TN&MT", 90, "department", {}),
    ("Sở Xây dựng", "SXD", 70, "department", {}),
    ("Sở Nông nghiệp và Phát triển nông thôn", "Sở NN&PTNT", 120, "department", {"logistics": 0.05}),
    ("Sở Khoa học và Công nghệ", "Sở KH&CN", 55, "department", {"it": 0.2}),
    ("Sở Ngoại vụ", "SNgV", 30, "department", {}),
    ("Thanh tra thành phố", "TTTP", 45, "inspectorate", {}),
    ("Ban Quản lý các khu chế xuất và công nghiệp", "BQL KCX&CN", 40, "board", {"logistics": 0.1}),
    ("Ban Dân tộc", "BDT", 20, "board", {"khmer": 0.3, "communication": 0.2}),
]

# City hospitals under the Department of Health: (name, short name, headcount, district code or "" for the city).
CITY_HOSPITALS: list[tuple[str, str, int, str]] = [
    ("Bệnh viện Đa khoa thành phố", "BVĐK TP", 900, ""),
    ("Bệnh viện Nhi đồng thành phố", "BV Nhi đồng", 600, ""),
    ("Bệnh viện Phụ sản thành phố", "BV Phụ sản", 550, ""),
    ("Bệnh viện Ung bướu thành phố", "BV Ung bướu", 400, ""),
    ("Bệnh viện Lao và Bệnh phổi thành phố", "BV Lao và Bệnh phổi", 200, ""),
    ("Bệnh viện Tai - Mũi - Họng thành phố", "BV TMH", 150, ""),
    ("Bệnh viện Mắt - Răng Hàm Mặt thành phố", "BV Mắt - RHM", 180, ""),
    ("Bệnh viện Y học cổ truyền thành phố", "BV YHCT", 180, ""),
    ("Bệnh viện Huyết học - Truyền máu thành phố", "BV HH-TM", 170, ""),
    ("Bệnh viện Quân dân y thành phố", "BV Quân dân y", 200, ""),
    ("Bệnh viện Tâm thần thành phố", "BV Tâm thần", 150, ""),
    ("Bệnh viện Da liễu thành phố", "BV Da liễu", 120, ""),
    ("Bệnh viện Đa khoa quận Thốt Nốt", "BVĐK Thốt Nốt", 350, "923"),
    ("Bệnh viện Đa khoa quận Ô Môn", "BVĐK Ô Môn", 300, "917"),
]

ASSOCIATIONS: list[tuple[str, int, dict[str, float]]] = [
    ("Hội Chữ thập đỏ thành phố", 25, {"medical": 0.1, "logistics": 0.3}),
    ("Hội Người cao tuổi thành phố", 10, {}),
    ("Hội Luật gia thành phố", 8, {}),
    ("Hội Khuyến học thành phố", 8, {}),
    ("Liên hiệp các Hội Khoa học và Kỹ thuật thành phố", 15, {}),
    ("Hội Nhà báo thành phố", 10, {"communication": 0.5}),
    ("Hội Nạn nhân chất độc da cam/dioxin thành phố", 8, {}),
]

# The Party bloc and the Fatherland Front with its mass organisations (bloc "party").
PARTY_BODIES: list[tuple[str, str, int, str]] = [
    ("Văn phòng {party}", "VP {party_short}", 60, "party_office"),
    ("Ban Tổ chức {party}", "BTC {party_short}", 35, "party_board"),
    ("Ban Tuyên giáo {party}", "BTG {party_short}", 30, "party_board"),
    ("Ban Dân vận {party}", "BDV {party_short}", 25, "party_board"),
    ("Ban Nội chính {party}", "BNC {party_short}", 20, "party_board"),
    ("Ủy ban Kiểm tra {party}", "UBKT {party_short}", 30, "party_inspection"),
]
MASS_ORGANISATIONS: list[tuple[str, str, int, str, dict[str, float]]] = [
    ("Ủy ban Mặt trận Tổ quốc Việt Nam {city}", "UBMTTQ", 40, "mass", {"communication": 0.4}),
    ("Thành đoàn {short}", "Thành đoàn", 35, "youth", {"communication": 0.4, "it": 0.1}),
    ("Hội Liên hiệp Phụ nữ {city}", "Hội LHPN", 30, "mass", {"communication": 0.4}),
    ("Hội Nông dân {city}", "Hội ND", 30, "mass", {"communication": 0.3}),
    ("Hội Cựu chiến binh {city}", "Hội CCB", 20, "mass", {"logistics": 0.2}),
    ("Liên đoàn Lao động {city}", "LĐLĐ", 45, "mass", {"communication": 0.2}),
]


def _rest(name: str, division_type: str) -> str:
    """ "Quận Ninh Kiều" → "Ninh Kiều"."""
    return name[len(division_type) + 1 :] if name.lower().startswith(division_type.lower() + " ") else name


def _lower_type(unit: Unit) -> str:
    """ "Quận Ninh Kiều" → "quận Ninh Kiều", as it is written inside an agency's name."""
    return f"{unit.division_type} {_rest(unit.name, unit.division_type)}"


def _party_committee(unit: Unit) -> str:
    """The Party committee of a district: Quận ủy Ninh Kiều, Huyện ủy Phong Điền, Thị ủy ..., Thành ủy ..."""
    word = {"thị xã": "Thị", "thành phố": "Thành", "quận": "Quận", "huyện": "Huyện"}.get(unit.division_type, "Huyện")
    return f"{word} ủy {_rest(unit.name, unit.division_type)}"


def _district_type(unit: Unit) -> str:
    for prefix in ("thành phố", "thị xã", "quận", "huyện"):
        if unit.name.lower().startswith(prefix + " "):
            return prefix
    return unit.division_type


def agency_specs(tree: DemoTree, seed: int) -> list[AgencySpec]:
    """Every demo agency, parents before their children."""
    province = tree.province
    is_city = province.name.lower().startswith("thành phố")
    short = _rest(province.name, "Thành phố" if is_city else "Tỉnh")
    city = f"{'thành phố' if is_city else 'tỉnh'} {short}"
    party = f"{'Thành ủy' if is_city else 'Tỉnh ủy'} {short}"
    party_short = "Thành ủy" if is_city else "Tỉnh ủy"
    pcode = province.code
    specs: list[AgencySpec] = []

    def add(spec: AgencySpec) -> AgencySpec:
        specs.append(spec)
        return spec

    def key(unit_code: str, name: str) -> str:
        return f"{unit_code}/{name}"

    for name, short_name, headcount, profile, extra in CITY_DEPARTMENTS:
        add(
            AgencySpec(
                key(pcode, name),
                name,
                AgencyKind.DEPARTMENT,
                pcode,
                headcount,
                short_name,
                profile=profile,
                extra_skills=extra,
            )
        )
    office = key(pcode, CITY_DEPARTMENTS[0][0])
    health = key(pcode, "Sở Y tế")
    labour = key(pcode, "Sở Lao động - Thương binh và Xã hội")
    ict = key(pcode, "Sở Thông tin và Truyền thông")

    # The central hospital answers to the Ministry of Health, not to the city: no parent here.
    central = f"Bệnh viện Đa khoa Trung ương {short}"
    add(AgencySpec(key(pcode, central), central, AgencyKind.HOSPITAL, pcode, 1400, "BVĐK TW", profile="hospital"))
    district_codes = {d.code for d in tree.districts}
    for name, short_name, headcount, district in CITY_HOSPITALS:
        unit_code = district if district in district_codes else pcode
        name = name if district else f"{name} {short}"
        add(
            AgencySpec(
                key(unit_code, name),
                name,
                AgencyKind.HOSPITAL,
                unit_code,
                headcount,
                short_name,
                parent_key=health,
                profile="hospital",
            )
        )

    public_services = [
        (f"Trung tâm Kiểm soát bệnh tật {city}", f"CDC {short}", 180, health, "cdc", {"data_entry": 0.2}),
        (f"Trung tâm Cấp cứu 115 {city}", "TT Cấp cứu 115", 120, health, "emergency", {}),
        (f"Trung tâm Pháp y {city}", "TT Pháp y", 30, health, "public_service", {"medical": 0.6}),
        ("Trung tâm Phục vụ hành chính công", "TT PVHCC", 35, office, "public_service", {"data_entry": 0.4}),
        ("Trung tâm Công nghệ thông tin và Truyền thông", "TT CNTT&TT", 30, ict, "public_service", {"it": 0.8}),
        ("Trung tâm Dịch vụ việc làm", "TT DVVL", 40, labour, "public_service", {"data_entry": 0.2}),
    ]
    for name, short_name, headcount, parent, profile, extra in public_services:
        add(
            AgencySpec(
                key(pcode, name),
                name,
                AgencyKind.PUBLIC_SERVICE,
                pcode,
                headcount,
                short_name,
                parent_key=parent,
                profile=profile,
                extra_skills=extra,
            )
        )
    task_force = f"Tổ giúp việc Ban Chỉ đạo phòng, chống dịch COVID-19 {city}"
    add(
        AgencySpec(
            key(pcode, task_force),
            task_force,
            AgencyKind.OTHER,
            pcode,
            25,
            "Tổ giúp việc BCĐ",
            parent_key=office,
            profile="task_force",
            extra_skills={"it": 0.2, "communication": 0.2},
        )
    )

    for name, headcount, extra in ASSOCIATIONS:
        name = f"{name} {short}"
        add(
            AgencySpec(
                key(pcode, name),
                name,
                AgencyKind.ASSOCIATION,
                pcode,
                headcount,
                profile="association",
                extra_skills=extra,
            )
        )
    for template, short_template, headcount, profile in PARTY_BODIES:
        name = template.format(party=party)
        short_name = short_template.format(party_short=party_short)
        add(
            AgencySpec(
                key(pcode, name), name, AgencyKind.PARTY, pcode, headcount, short_name, Bloc.PARTY, profile=profile
            )
        )
    for template, short_name, headcount, profile, extra in MASS_ORGANISATIONS:
        name = template.format(city=city, short=short)
        add(
            AgencySpec(
                key(pcode, name),
                name,
                AgencyKind.MASS_ORGANISATION,
                pcode,
                headcount,
                short_name,
                Bloc.PARTY,
                profile=profile,
                extra_skills=extra,
            )
        )

    rng = random.Random(f"{seed}:agencies")
    for district in tree.districts:
        communes = tree.communes_by_district[district.code]
        rural = _district_type(district) == "huyện"
        name = f"Ủy ban nhân dân {district.name}"
        add(
            AgencySpec(
                key(district.code, name),
                name,
                AgencyKind.DISTRICT_COMMITTEE,
                district.code,
                rng.randint(75, 110),
                f"UBND {district.name}",
                profile="district_committee",
            )
        )
        name = _party_committee(Unit(district.code, district.name, _district_type(district)))
        add(
            AgencySpec(
                key(district.code, name),
                name,
                AgencyKind.PARTY,
                district.code,
                rng.randint(28, 40),
                bloc=Bloc.PARTY,
                profile="party_committee",
            )
        )
        centre_name = f"Trung tâm Y tế {_lower_type(Unit(district.code, district.name, _district_type(district)))}"
        centre = add(
            AgencySpec(
                key(district.code, centre_name),
                centre_name,
                AgencyKind.HEALTH_CENTRE,
                district.code,
                120 + 12 * len(communes) + rng.randint(0, 40),
                parent_key=health,
                profile="health_centre",
                extra_skills={"data_entry": 0.08},
            )
        )
        for commune in communes:
            name = f"Ủy ban nhân dân {commune.name}"
            khmer = {"khmer": 0.05} if rural else {}
            add(
                AgencySpec(
                    key(commune.code, name),
                    name,
                    AgencyKind.COMMUNE_COMMITTEE,
                    commune.code,
                    rng.randint(20, 26) if not rural else rng.randint(21, 28),
                    profile="commune_committee",
                    extra_skills={"data_entry": 0.1, "communication": 0.1, **khmer},
                )
            )
            name = f"Trạm Y tế {commune.name}"
            add(
                AgencySpec(
                    key(commune.code, name),
                    name,
                    AgencyKind.HEALTH_STATION,
                    commune.code,
                    rng.randint(5, 10),
                    parent_key=centre.key,
                    profile="health_station",
                )
            )

    for spec in specs:
        spec.min_in_office = round(spec.headcount * rng.uniform(0.3, 0.5))
        spec.phone = f"02923{rng.randint(0, 999999):06d}"
    return specs
