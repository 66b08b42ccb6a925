from datetime import date

import pytest
from django.core.exceptions import ValidationError

from phaodai.staff.identity import normalise_phone, validate_citizen_id


class TestCitizenId:
    def test_a_man_born_in_1985_in_can_tho_is_valid(self):
        cid = validate_citizen_id("092085123456", "M", date(1985, 3, 14))
        assert cid.number == "092085123456" and cid.is_old is False

    def test_a_woman_born_in_2001_has_gender_digit_3(self):
        assert validate_citizen_id("092301123456", "F", date(2001, 5, 1)).number == "092301123456"
        with pytest.raises(ValidationError) as exc:
            validate_citizen_id("092201123456", "F", date(2001, 5, 1))
        assert exc.value.code == "citizen_id_gender_century"

    def test_gender_digit_must_agree_with_recorded_gender(self):
        with pytest.raises(ValidationError) as exc:
            validate_citizen_id("092185123456", "M", date(1985, 3, 14))
        assert exc.value.code == "citizen_id_gender_century"
        assert "1985" in exc.value.messages[0]

    def test_birth_year_digits_must_agree(self):
        with pytest.raises(ValidationError) as exc:
            validate_citizen_id("092086123456", "M", date(1985, 3, 14))
        assert exc.value.code == "citizen_id_year"

    def test_first_three_digits_must_be_a_province_code(self):
        # 003 is not a GSO province code (Hà Giang is 002, Cao Bằng 004); 099 is beyond Cà Mau (096).
        for bad in ("003085123456", "099085123456"):
            with pytest.raises(ValidationError) as exc:
                validate_citizen_id(bad, "M", date(1985, 1, 1))
            assert exc.value.code == "citizen_id_province"

    def test_an_old_nine_digit_id_is_accepted_and_marked_old(self):
        cid = validate_citizen_id("361234567", "M", date(1970, 1, 1))
        assert cid.is_old is True

    def test_excel_number_without_leading_zero_is_restored(self):
        # Hà Nội (001) loses both leading zeros when Excel stores the ID as a number.
        assert validate_citizen_id(1085123456.0, "M", date(1985, 1, 1)).number == "001085123456"

    @pytest.mark.parametrize("bad", ["09208512345a", "0920851234567", "12345"])
    def test_wrong_length_or_letters_are_rejected(self, bad):
        with pytest.raises(ValidationError):
            validate_citizen_id(bad)

    def test_message_is_vietnamese_by_default_and_english_on_request(self):
        from django.utils import translation

        with translation.override("vi"), pytest.raises(ValidationError) as vi:
            validate_citizen_id("092086123456", "M", date(1985, 3, 14))
        with translation.override("en"), pytest.raises(ValidationError) as en:
            validate_citizen_id("092086123456", "M", date(1985, 3, 14))
        assert "năm sinh" in vi.value.messages[0]
        assert "birth year 1985" in en.value.messages[0]


class TestPhone:
    @pytest.mark.parametrize(
        "raw", ["0912345678", "+84912345678", "84912345678", "+84 912 345 678", "0912.345.678", "912345678", 912345678]
    )
    def test_all_forms_of_one_mobile_number_are_one(self, raw):
        assert normalise_phone(raw) == "0912345678"

    def test_can_tho_landline_is_kept(self):
        assert normalise_phone("0292 3812345") == "02923812345"

    @pytest.mark.parametrize("raw", ["12345", "0112345678", "091234567890", "abc"])
    def test_non_numbers_are_rejected_with_the_value_quoted(self, raw):
        with pytest.raises(ValidationError) as exc:
            normalise_phone(raw)
        assert raw in exc.value.messages[0]
