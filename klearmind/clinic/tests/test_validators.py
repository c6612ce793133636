import pytest
from django import forms
from django.core.exceptions import ValidationError

from klearmind.clinic.validators import (
    format_phone,
    phone_href,
    validate_phone,
    validate_zip_code,
)

GOOD_PHONES = [
    "(916) 555-0142",
    "916 555 0142",
    "916-555-0142",
    "916.555.0142",
    "9165550142",
    "+1 916 555 0142",
    "1 (916) 555-0142",
    " (916) 555-0142 ",
    "916-555-0142 ext. 12",
    "+44 20 7946 0958",
]
BAD_PHONES = [
    "555-0142",  # no area code
    "916 555 014",  # too short
    "916 555 01422 3",  # too long
    "(916) 555-CALL",  # letters
    "call 916 555 0142",
    "916 555 0142 📞",
    "916 555\x00 0142",
    "+1 (000) 555-0142",  # no such area code
    "",
]


@pytest.mark.parametrize("value", GOOD_PHONES)
def test_valid_numbers_pass_whatever_their_spacing(value):
    validate_phone(value)


@pytest.mark.parametrize("value", BAD_PHONES)
def test_other_input_is_refused_in_plain_words(value):
    with pytest.raises(ValidationError) as raised:
        validate_phone(value)
    assert raised.value.code == "invalid_phone"
    assert "area code" in raised.value.message


def test_a_form_keeps_what_was_typed_and_shows_the_error_on_the_field():
    class PhoneForm(forms.Form):
        phone = forms.CharField(validators=[validate_phone])

    form = PhoneForm({"phone": "916 555 014"})
    assert not form.is_valid()
    assert list(form.errors) == ["phone"]
    assert 'value="916 555 014"' in str(form["phone"])
    form = PhoneForm({"phone": " +1 (916) 555-0142 "})
    assert form.is_valid()
    assert form.cleaned_data["phone"] == "+1 (916) 555-0142"  # stored as typed


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("9165550142", "(916) 555-0142"),
        ("+1 916 555 0142", "(916) 555-0142"),
        ("916-555-0142 x12", "(916) 555-0142 ext. 12"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("written before the rule", "written before the rule"),
        ("", ""),
    ],
)
def test_format_phone_shows_numbers_one_way_and_leaves_the_rest(value, shown):
    assert format_phone(value) == shown


def test_phone_href_dials_the_number_or_nothing():
    assert phone_href("(916) 555-0142") == "tel:+19165550142"
    assert phone_href("ask at the desk") == ""


@pytest.mark.parametrize("value", ["95814", "00501"])
def test_a_zip_code_is_five_digits(value):
    validate_zip_code(value)


@pytest.mark.parametrize(
    "value", ["9581", "958145", "95814-1234", "9581a", "٩٥٨١٤", "95814\x00", ""]
)
def test_anything_else_is_not_a_zip_code(value):
    with pytest.raises(ValidationError, match="five-digit ZIP code"):
        validate_zip_code(value)


def test_templates_show_a_phone_number_one_way():
    from django.template import Context, Template

    rendered = Template("{% load phone_tags %}{{ number|phone }}").render(
        Context({"number": "916.555.0142"})
    )
    assert rendered == "(916) 555-0142"
