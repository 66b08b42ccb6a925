"""Names, addresses, dates, phones and citizen IDs as officials write them → forms the matcher can compare.

Lists from wards spell the same person many ways: with or without diacritics, "Huỳnh" in the South for the
northern "Hoàng", "P. An Hòa, Q. Ninh Kiều" or "Phường An Hòa", "hẻm 51" or "kiệt 51", a phone that lost its
leading zero in Excel, a citizen ID turned into a number. Everything here is pure (no database): the matcher
(welfare.matching) and the benchmark call it on plain values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError

from phaodai.core.text import fold
from phaodai.staff.identity import normalise_citizen_id, normalise_phone

# Regional spellings of one family name (the South says Huỳnh for Hoàng and Võ for Vũ, after an old naming
# taboo): compared as one name.
FAMILY_VARIANTS = {"huynh": "hoang", "vo": "vu"}

# --------------------------------------------------------------------------------------------------- names


@dataclass(frozen=True)
class Name:
    folded: str
    family: str
    middle: str
    given: str


def split_name(full_name: str | None) -> Name:
    """ "Nguyễn Thị Ngọc Lan" → family "nguyen", middle "thi ngoc", given "lan" (folded, family variants joined).

    Vietnamese names are family first, given name last; a one-word name is taken as a given name.
    """
    folded = re.sub(r"[^a-z ]", " ", fold(full_name))
    words = folded.split()
    if not words:
        return Name("", "", "", "")
    if len(words) == 1:
        return Name(words[0], "", "", words[0])
    family = FAMILY_VARIANTS.get(words[0], words[0])
    return Name(" ".join(words), family, " ".join(words[1:-1]), words[-1])


# --------------------------------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class BirthDate:
    iso: str  # "1985-03-14", or "" when only the year (or nothing) is known
    year: int | None


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


def birth_date(value: object = None, year: object = None) -> BirthDate:
    """A date (date, "dd/mm/yyyy", ISO) or a year alone → comparable form. Unreadable values count as unknown."""
    day: date | None = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif value not in (None, ""):
        text = str(value).strip()
        try:
            if m := _DMY.match(text):
                day = date(int(m[3]), int(m[2]), int(m[1]))
            elif m := _YMD.match(text):
                day = date(int(m[1]), int(m[2]), int(m[3]))
            elif text.isdigit() and len(text) == 4:
                year = year or int(text)
        except ValueError:
            day = None
    if day is not None:
        return BirthDate(day.isoformat(), day.year)
    try:
        known_year = int(str(year)) if year not in (None, "") else None
    except ValueError:
        known_year = None
    return BirthDate("", known_year)


# --------------------------------------------------------------------------------------------------- numbers


def phone_key(value: object) -> str:
    """One form per number ("+84 912…", "912345678" → "0912345678"); digits as given when not a valid number."""
    if value in (None, ""):
        return ""
    try:
        return normalise_phone(value)
    except ValidationError:
        return re.sub(r"\D", "", str(value))


def citizen_id_key(value: object) -> str:
    """Digits only (a CCCD that Excel turned into 9.2e10 or stripped of leading zeros comes back to 12 digits)."""
    if value in (None, ""):
        return ""
    text = str(value).strip()
    if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", text):  # scientific notation from Excel
        text = str(int(float(text)))
    number = normalise_citizen_id(text)
    return number if number.isdigit() else ""


# --------------------------------------------------------------------------------------------------- addresses

# Folded abbreviation → full folded words. Keys are whole tokens after punctuation is split off.
_ABBREVIATIONS = {
    "p": "phuong",
    "f": "phuong",
    "q": "quan",
    "tp": "thanh pho",
    "tx": "thi xa",
    "tt": "thi tran",
    "h": "hem",
    "kiet": "hem",  # Huế and Central Vietnam say kiệt for hẻm
    "ngo": "hem",  # the North says ngõ
    "hxh": "hem",
    "kv": "khu vuc",
    "kdc": "khu dan cu",
    "dt": "duong tinh",
    "ql": "quoc lo",
    "d": "duong",
    "sn": "",  # số nhà: the number that follows is what counts
    "so": "",
    "nha": "",
    "t": "to",
    "a": "ap",
}
# Where the administrative tail begins ("…, phường An Hòa, quận Ninh Kiều, TP Cần Thơ"): lists of one commune
# often leave it out, so it is not compared.
_TAIL = re.compile(r"\b(phuong|quan|huyen|thi xa|thi tran|thanh pho|tinh|xa)\b.*$")
_SPLIT_DIGITS = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z]{2})")


def address_key(value: str | None) -> str:
    """ "Số 12, Hẻm 51, KV2, P. An Hòa, Q. Ninh Kiều" → "12 hem 51 khu vuc 2"."""
    text = fold(value)
    if not text:
        return ""
    text = re.sub(r"[.,;:()\-–\"']", " ", text)
    text = _SPLIT_DIGITS.sub(" ", text)
    words = []
    for word in text.split():
        expanded = _ABBREVIATIONS.get(word, word)
        if expanded:
            words.append(expanded)
    text = " ".join(words)
    text = re.sub(r"\bso nha\b", "", text)
    stripped = _TAIL.sub("", text).strip()
    # An address that is only its administrative units ("Phường An Hòa") keeps them: better than nothing.
    return re.sub(r"\s+", " ", stripped or text).strip()
