"""A form's definition is checked before it is published: specific messages naming the field, all at once."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from phaodai.reporting.default_forms import DEFAULT_FORMS, SITUATION
from phaodai.reporting.forms_schema import validate_fields


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def number(key: str = "households_visited", **extra) -> dict:
    return {"key": key, "label": {"vi": "Số hộ đã đến", "en": "Households visited"}, "kind": "number", **extra}


def messages(fields) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_fields(fields)
    return caught.value.messages


@pytest.mark.parametrize("spec", DEFAULT_FORMS, ids=lambda s: s["code"])
def test_the_default_forms_are_valid_and_already_normalised(spec):
    assert validate_fields(copy.deepcopy(spec["fields"])) == spec["fields"]


def test_normalising_fills_the_defaults_and_tidies_the_text():
    [field] = validate_fields([{"key": " people ", "label": {"vi": "  Số   người ", "en": "People"}, "kind": "number"}])
    assert field == {
        "key": "people",
        "label": {"vi": "Số người", "en": "People"},
        "kind": "number",
        "required": False,
        "carry_over": False,
        "sum": True,  # numbers are added up unless told otherwise
    }
    [text] = validate_fields([{"key": "notes", "label": {"vi": "Ghi chú", "en": "Notes"}, "kind": "text"}])
    assert text["sum"] is False and "choices" not in text


def test_an_empty_form_is_refused():
    assert messages([]) == ["A form needs at least one field."]


def test_keys_must_be_unique_lowercase_slugs():
    found = messages([number("Households"), number("ok"), number("ok"), number("2nd"), number("")])
    assert any("Field 1 (“Households”): the key must be lowercase" in m for m in found)
    assert "Field 3 (“ok”): the key “ok” is already used by field 2; keys must be unique." in found
    assert any(m.startswith("Field 4 (“2nd”): the key must be lowercase") for m in found)
    assert "Field 5: give the field a key (e.g. households_visited)." in found
    assert len(found) == 4  # field 2 is fine


def test_kind_must_be_known():
    assert messages([number(kind="date")]) == [
        "Field 1 (“households_visited”): the kind must be one of number, text, choice."
    ]


def test_both_labels_are_required():
    found = messages([{"key": "a", "label": {"vi": " ", "en": "A"}, "kind": "text"}, {"key": "b", "kind": "text"}])
    assert found == [
        "Field 1 (“a”): give the Vietnamese label.",
        "Field 2 (“b”): give the Vietnamese label.",
        "Field 2 (“b”): give the English label.",
    ]


def test_choice_fields_need_two_distinct_choices_with_both_labels():
    one = {**SITUATION, "choices": SITUATION["choices"][:1]}
    assert messages([one]) == ["Field 1 (“situation”): a choice field needs at least 2 choices."]
    twice = {**SITUATION, "choices": [SITUATION["choices"][0], SITUATION["choices"][0]]}
    assert messages([twice]) == [
        "Field 1 (“situation”): the value “stable” is used twice; each choice needs its own value."
    ]
    unlabelled = {**SITUATION, "choices": [*SITUATION["choices"][:2], {"value": "x", "label": {"vi": "X"}}]}
    assert messages([unlabelled]) == ["Field 1 (“situation”), choice 3: give the English label."]
    assert messages([{**SITUATION, "choices": None}]) == [
        "Field 1 (“situation”): a choice field needs at least 2 choices."
    ]


def test_only_numbers_are_summed_and_only_choice_fields_have_choices():
    text = {"key": "notes", "label": {"vi": "Ghi chú", "en": "Notes"}, "kind": "text", "sum": True}
    assert messages([text]) == ["Field 1 (“notes”): only number fields can be added up."]
    assert messages([number(choices=SITUATION["choices"])]) == [
        "Field 1 (“households_visited”): only a choice field has choices."
    ]


def test_flags_must_be_booleans_and_unknown_settings_are_named():
    found = messages([number(carry_over="yes", required=1, colour="red")])
    assert found == [
        "Field 1 (“households_visited”): unknown setting(s) colour.",
        "Field 1 (“households_visited”): “required” must be true or false.",
        "Field 1 (“households_visited”): “carry_over” must be true or false.",
    ]


def test_a_field_that_is_not_a_dict_is_named_by_position():
    assert messages([number(), "people"]) == ["Field 2 is not a field definition."]
