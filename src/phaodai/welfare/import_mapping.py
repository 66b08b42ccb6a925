"""Vietnamese header wordings of welfare lists → the fields the importer reads, with a confidence.

Headers are matched accent-, case-, spacing- and punctuation-free (core.xlsx.compact_key): "HỌ TÊN CHỦ HỘ",
"Họ tên chủ hộ" and "ho ten chu ho" are one key. An exact wording scores 1.0; a header that only contains a known
keyword ("Số điện thoại liên lạc của hộ") scores 0.6 — the preview shows both, and the user may change either.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from phaodai.core.text import fold
from phaodai.core.xlsx import compact_key
from phaodai.welfare.models import Category, Relationship

EXACT = 1.0
KEYWORD = 0.6

#: field → its label on the preview page (the choices of the mapping selects).
FIELD_LABELS = {
    "counter": _("Row number (STT)"),
    "full_name": _("Full name"),
    "head_name": _("Head of household"),
    "date_of_birth": _("Date or year of birth"),
    "dob_male": _("Year of birth, under “Male”"),
    "dob_female": _("Year of birth, under “Female”"),
    "gender": _("Gender"),
    "gender_male": _("Male (x mark)"),
    "gender_female": _("Female (x mark)"),
    "citizen_id": _("Citizen ID"),
    "phone": _("Phone"),
    "address": _("Address (house number, street)"),
    "neighbourhood": _("Neighbourhood (ấp, khu vực, tổ dân phố)"),
    "relationship": _("Relationship to the head"),
    "category": _("Category (đối tượng)"),
    "members": _("Number of members"),
    "note": _("Note"),
}
#: Fields that tell a person's row from a total row or a signature block.
KEY_FIELDS = ("citizen_id", "date_of_birth", "dob_male", "dob_female", "phone", "address")
NAME_FIELDS = ("full_name", "head_name")
#: Fields recognised (so the column is not reported as unknown) that do not make a header more likely.
UNSCORED = ("counter", "note")

_DOB = ("Ngày sinh", "Năm sinh", "Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Sinh ngày", "Năm sinh (ngày sinh)")
_MALE = ("Nam",)
_FEMALE = ("Nữ",)


def _combos(parents: tuple[str, ...], subs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{p} {s}" for p in parents for s in subs)


# (field, exact wordings, keywords). Order = priority of keyword matches: the more specific first.
_SPECS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("counter", ("STT", "TT", "Số TT", "Số thứ tự", "No."), ()),
    ("note", ("Ghi chú", "Note"), ("ghichu",)),
    ("dob_male", _combos(_DOB, _MALE), ()),
    ("dob_female", _combos(_DOB, _FEMALE), ()),
    ("gender_male", _MALE + _combos(("Giới tính",), _MALE) + ("Nam giới",), ()),
    ("gender_female", _FEMALE + _combos(("Giới tính",), _FEMALE) + ("Nữ giới",), ()),
    (
        "head_name",
        ("Họ tên chủ hộ", "Họ và tên chủ hộ", "Tên chủ hộ", "Chủ hộ", "Chủ hộ (họ và tên)"),
        ("chuho",),
    ),
    ("relationship", ("Quan hệ với chủ hộ", "Quan hệ", "Quan hệ chủ hộ"), ("quanhe",)),
    (
        "members",
        ("Số nhân khẩu", "Nhân khẩu", "Số khẩu", "Số người trong hộ", "Số thành viên"),
        ("nhankhau", "sokhau"),
    ),
    (
        "full_name",
        ("Họ và tên", "Họ tên", "Họ, tên", "Tên", "Họ và tên người được hỗ trợ", "Họ tên người nhận"),
        ("hovaten", "hoten"),
    ),
    ("date_of_birth", _DOB, ("ngaysinh", "namsinh")),
    ("gender", ("Giới tính", "Giới", "Phái"), ("gioitinh",)),
    (
        "citizen_id",
        (
            "Số CCCD",
            "CCCD",
            "CCCD/CMND",
            "CMND/CCCD",
            "CMND",
            "Số CMND",
            "Số định danh",
            "Số định danh cá nhân",
            "Căn cước công dân",
            "Số CCCD/CMND",
        ),
        ("cccd", "cmnd", "dinhdanh", "cancuoc"),
    ),
    (
        "phone",
        ("Số điện thoại", "Điện thoại", "SĐT", "ĐT", "Điện thoại liên hệ", "Di động", "ĐTDĐ"),
        ("dienthoai", "sdt"),
    ),
    (
        "neighbourhood",
        (
            "Ấp",
            "Khu vực",
            "Tổ dân phố",
            "Ấp/Khu vực",
            "Ấp, khu vực",
            "Khu vực/Ấp",
            "Thôn",
            "Tổ",
            "Khóm",
            "Khu phố",
            "Thôn/Ấp",
            "Ấp/KV",
        ),
        ("khuvuc", "todanpho", "khupho"),
    ),
    (
        "address",
        (
            "Địa chỉ",
            "Nơi ở hiện nay",
            "Nơi ở hiện tại",
            "Số nhà",
            "Số nhà, đường",
            "Địa chỉ thường trú",
            "Địa chỉ tạm trú",
            "Nơi cư trú",
            "Chỗ ở hiện nay",
        ),
        ("diachi", "noio", "sonha", "cutru"),
    ),
    (
        "category",
        ("Đối tượng", "Diện", "Thuộc diện", "Diện hỗ trợ", "Đối tượng hỗ trợ", "Loại đối tượng"),
        ("doituong",),
    ),
]

_EXACT: dict[str, str] = {}
_KEYWORDS: list[tuple[str, str]] = []
for _name, _words, _keys in _SPECS:
    for _w in _words:
        _EXACT.setdefault(compact_key(_w), _name)
    _KEYWORDS.extend((k, _name) for k in _keys)


@dataclass(frozen=True)
class Match:
    field: str
    confidence: float


def match_header(*labels: str) -> Match | None:
    """The field a header names: the labels are tried most specific first ("Năm sinh Nam", then "Nam", then
    "Năm sinh"); an exact wording of any of them beats a keyword inside one."""
    keys = [k for k in (compact_key(label) for label in labels if label) if k]
    for key in keys:
        if key in _EXACT:
            return Match(_EXACT[key], EXACT)
    for key in keys:
        for keyword, name in _KEYWORDS:
            if keyword in key:
                return Match(name, KEYWORD)
    return None


# --------------------------------------------------------------------------------------------------------------
# Values of the "Đối tượng" and "Quan hệ với chủ hộ" columns

# folded phrase → category; the first phrase found in the cell wins (the more specific first).
_CATEGORY_WORDS: list[tuple[str, str]] = [
    ("can ngheo", Category.NEAR_POOR),
    ("ngheo", Category.POOR),
    ("cao tuoi", Category.ELDERLY_ALONE),
    ("neo don", Category.ELDERLY_ALONE),
    ("song mot minh", Category.ELDERLY_ALONE),
    ("khuyet tat", Category.DISABLED),
    ("cach ly", Category.ISOLATION),
    ("phong toa", Category.ISOLATION),
    ("lao dong tu do", Category.INFORMAL_WORKER),
    ("mat viec", Category.INFORMAL_WORKER),
    ("o tro", Category.RENTER),
    ("thue tro", Category.RENTER),
    ("nha tro", Category.RENTER),
    ("mo coi", Category.CHILD_ORPHANED),
]


def category_of(text: str) -> str:
    """ "Hộ cận nghèo" → near_poor, "Người cao tuổi neo đơn" → elderly_alone, … ; anything else → other."""
    folded = fold(text)
    for phrase, category in _CATEGORY_WORDS:
        if phrase in folded:
            return str(category)
    return str(Category.OTHER)


_RELATIONSHIP_WORDS: dict[str, str] = {
    "chu ho": Relationship.HEAD,
    "chuho": Relationship.HEAD,
    "ch": Relationship.HEAD,
    "vo": Relationship.SPOUSE,
    "chong": Relationship.SPOUSE,
    "con": Relationship.CHILD,
    "con trai": Relationship.CHILD,
    "con gai": Relationship.CHILD,
    "con dau": Relationship.CHILD,
    "con re": Relationship.CHILD,
    "cha": Relationship.PARENT,
    "bo": Relationship.PARENT,
    "me": Relationship.PARENT,
    "chau": Relationship.GRANDCHILD,
    "chau noi": Relationship.GRANDCHILD,
    "chau ngoai": Relationship.GRANDCHILD,
    "anh": Relationship.SIBLING,
    "chi": Relationship.SIBLING,
    "em": Relationship.SIBLING,
    "anh trai": Relationship.SIBLING,
    "chi gai": Relationship.SIBLING,
    "em trai": Relationship.SIBLING,
    "em gai": Relationship.SIBLING,
}


def relationship_of(text: str) -> str:
    folded = fold(text).strip(" .")
    return str(_RELATIONSHIP_WORDS.get(folded, Relationship.OTHER))
