"""Citizen IDs and phone numbers as Vietnamese officials write them.

Citizen ID (CCCD, 12 digits; Circular 59/2021/TT-BCA, earlier 07/2016/TT-BCA):
  digits 1-3  province code of the place of birth registration (the GSO province codes, 001-096)
  digit  4    gender and century of birth: 0/1 = male/female born 1900-1999, 2/3 = 2000-2099,
              4/5 = 2100-2199, 6/7 = 2200-2299, 8/9 = 1800-1899
  digits 5-6  the last two digits of the year of birth
  digits 7-12 a random number
The old identity card (CMND) has 9 digits and no such structure; it is accepted and marked as old.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MALE = "M"
FEMALE = "F"

# century of birth → the gender digit of a male; a female's digit is one more.
_CENTURY_MALE_DIGIT = {19: 0, 20: 2, 21: 4, 22: 6, 18: 8}


@lru_cache(maxsize=1)
def province_codes_of_birth() -> frozenset[str]:
    """The 63 GSO province codes in force when CCCDs were issued, from the published vietnam-provinces data."""
    from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

    provinces = json.loads(NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    return frozenset(f"{p['code']:03d}" for p in provinces)


@dataclass(frozen=True)
class CitizenId:
    number: str
    is_old: bool


def _digits(value: object) -> str:
    text = str(value).strip()
    if re.fullmatch(r"\d+\.0", text):  # Excel stores IDs as numbers: 92123456789.0
        text = text[:-2]
    return re.sub(r"[\s.\-]", "", text)


def normalise_citizen_id(value: object) -> str:
    digits = _digits(value)
    # Excel drops leading zeros: a CCCD born in Hà Nội (001…) arrives with 10 or 11 digits.
    if digits.isdigit() and 9 < len(digits) < 12:
        digits = digits.zfill(12)
    return digits


def validate_citizen_id(value: object, gender: str | None = None, date_of_birth: date | None = None) -> CitizenId:
    """Check a citizen ID against its own structure and the holder's gender and year of birth."""
    number = normalise_citizen_id(value)
    if not number.isdigit():
        raise ValidationError(_("The citizen ID may contain digits only."), code="citizen_id_not_digits")
    if len(number) == 9:
        return CitizenId(number=number, is_old=True)
    if len(number) != 12:
        raise ValidationError(
            _("A citizen ID has 12 digits (or 9 for an old identity card); this one has %(count)d.")
            % {"count": len(number)},
            code="citizen_id_length",
        )
    province = number[:3]
    if province not in province_codes_of_birth():
        raise ValidationError(
            _("The first three digits of the citizen ID (%(code)s) are not a province code.") % {"code": province},
            code="citizen_id_province",
        )
    if date_of_birth is not None:
        year = date_of_birth.year
        century = year // 100
        male_digit = _CENTURY_MALE_DIGIT.get(century)
        if male_digit is None:
            raise ValidationError(_("The year of birth %(year)d is not plausible.") % {"year": year}, code="dob")
        gender_digit = int(number[3])
        if gender in (MALE, FEMALE):
            expected = male_digit + (1 if gender == FEMALE else 0)
            if gender_digit != expected:
                raise ValidationError(
                    _(
                        "The 4th digit of the citizen ID (%(digit)d) does not match a %(gender)s born in %(year)d: "
                        "it should be %(expected)d."
                    )
                    % {
                        "digit": gender_digit,
                        "gender": _("man") if gender == MALE else _("woman"),
                        "year": year,
                        "expected": expected,
                    },
                    code="citizen_id_gender_century",
                )
        elif gender_digit not in (male_digit, male_digit + 1):
            raise ValidationError(
                _("The 4th digit of the citizen ID (%(digit)d) does not match the year of birth %(year)d.")
                % {"digit": gender_digit, "year": year},
                code="citizen_id_century",
            )
        if number[4:6] != f"{year % 100:02d}":
            raise ValidationError(
                _("Digits 5-6 of the citizen ID (%(digits)s) must be the last two digits of the birth year %(year)d.")
                % {"digits": number[4:6], "year": year},
                code="citizen_id_year",
            )
    return CitizenId(number=number, is_old=False)


_MOBILE = re.compile(r"^0[35789]\d{8}$")
_LANDLINE = re.compile(r"^02\d{9}$")


def normalise_phone(value: object) -> str:
    """One form for one number: "+84 912 345 678", "84912345678", "912345678" and "0912.345.678" → "0912345678".

    Raises ValidationError when the result is not a Vietnamese mobile (10 digits) or landline (11 digits) number.
    """
    text = _digits(value)
    text = re.sub(r"[()]", "", text)
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("0084"):
        text = "0" + text[4:]
    elif text.startswith("84") and len(text) in (11, 12):
        text = "0" + text[2:]
    elif not text.startswith("0") and len(text) in (9, 10):
        # Excel drops the leading zero of a phone kept as a number.
        text = "0" + text
    if not (_MOBILE.match(text) or _LANDLINE.match(text)):
        raise ValidationError(
            _("“%(value)s” is not a Vietnamese phone number (10-digit mobile or 11-digit landline).")
            % {"value": str(value).strip()},
            code="phone_invalid",
        )
    return text
