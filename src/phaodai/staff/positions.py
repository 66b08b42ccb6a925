"""What a position title says about a person: is it a key post that must stay on site?

Seed 004 (Thanh Oai, 1392/UBND-YT, 23/07/2021): "Cán bộ chủ chốt, nhất là người đứng đầu cấp ủy, chính quyền không
được rời khỏi địa bàn" — key officials, above all the heads of the Party committee and of the government, must not
leave their area. The allocation (`phaodai.mobilisation.allocation`) therefore ranks key leaders after everyone
else who is equally suited, and says so when one is picked anyway.
"""

from __future__ import annotations

import re

from phaodai.core.text import fold

#: Titles of the head of a Party committee, a People's Committee or council, an agency or a station (folded).
#: A deputy ("phó …") or an acting head ("quyền …") of any of them is a key leader too: at commune level the
#: deputy chairmen and deputy secretaries are "cán bộ chủ chốt", and in an agency they lead when the head is away.
HEAD_TITLES = (
    "bi thu",  # Bí thư (Party committee, youth union)
    "chu tich",  # Chủ tịch (People's Committee, People's Council, Fatherland Front, associations)
    "giam doc",  # Giám đốc (department, hospital, centre)
    "thu truong",  # Thủ trưởng (head of an agency, the generic word)
    "chanh van phong",  # Chánh Văn phòng (head of an office)
    "chanh thanh tra",  # Chánh Thanh tra (inspectorate)
    "truong ban",  # Trưởng ban (board of the People's Committee or the Party)
    "chu nhiem",  # Chủ nhiệm (Party inspection committee)
    "tram truong",  # Trạm trưởng (health station)
    "truong tram",  # the same, word order as often typed
    "vien truong",  # Viện trưởng (institute)
    "cuc truong",  # Cục trưởng
    "chi cuc truong",  # Chi cục trưởng
)

#: Words that may come before a head title and keep it a key post: "Phó Chủ tịch", "Quyền Giám đốc", "Phó Bí thư
#: thường trực" (the title itself is matched as a prefix, so what follows it does not matter).
_QUALIFIERS = re.compile(r"^(?:(?:pho|quyen|tong|thuong truc)\s+)*")

#: One person may hold several posts in one text: "Bí thư Đảng ủy kiêm Chủ tịch UBND", "Ủy viên BTV, Chủ tịch".
_PARTS = re.compile(r"\s*(?:[,;/(]|\bkiem\b)\s*")


def is_key_leader(position: str | None) -> bool:
    """True when the position is (or includes) the head, deputy head or acting head of a Party committee, a
    People's Committee or council, an agency or a health station.

    Deliberately NOT key leaders, because they are the people the seeds send to the field:
    - heads of an internal division ("Trưởng phòng", "Phó Trưởng phòng"): they lead the delegations to the
      communes (seed 001), and a department has a dozen of them;
    - heads of a hospital ward ("Trưởng khoa"): clinical staff, needed for sampling and treatment;
    - team leaders ("Tổ trưởng") and the commune's military commander ("Chỉ huy trưởng Quân sự").

    The text is compared accent-free and case-free (`core.text.fold`), part by part (separated by a comma,
    semicolon, slash, parenthesis or "kiêm"), each part from its start, so "Chuyên viên Văn phòng" is not a
    "Chánh Văn phòng" and "Phó Trưởng phòng" is not a "Trưởng ban".
    """
    text = fold(position)
    if not text:
        return False
    for part in _PARTS.split(text):
        title = _QUALIFIERS.sub("", part)
        if any(title == head or title.startswith(head + " ") for head in HEAD_TITLES):
            return True
    return False
