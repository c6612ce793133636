from django import forms
from django.test import SimpleTestCase

from klearmind.clinic.forms import EmailAddressField, PersonNameField


class Person(forms.Form):
    name = PersonNameField(max_length=20)
    email = EmailAddressField(required_message="Please enter your e-mail address, so we can reply.")


def errors(data):
    form = Person(data)
    form.is_valid()
    return form.errors


class PersonFieldsTests(SimpleTestCase):
    def test_a_name_and_address_as_typed_pass(self):
        form = Person({"name": "Ana María 🌿", "email": "ana@example.com"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data == {"name": "Ana María 🌿", "email": "ana@example.com"}

    def test_each_field_says_what_is_missing_in_plain_words(self):
        assert errors({}) == {
            "name": ["Please enter your name."],
            "email": ["Please enter your e-mail address, so we can reply."],
        }

    def test_a_long_name_is_refused_with_its_limit(self):
        assert errors({"name": "x" * 21, "email": "a@example.com"})["name"] == [
            "Please shorten your name to 20 characters."
        ]

    def test_control_characters_in_a_name_are_refused(self):
        assert "name" in errors({"name": "Ana\x00", "email": "a@example.com"})

    def test_an_address_without_a_domain_gets_an_example(self):
        assert errors({"name": "Ana", "email": "ana@"})["email"] == [
            "Please enter an e-mail address like name@example.com."
        ]

    def test_browsers_get_the_autofill_hints(self):
        html = str(Person()["name"]) + str(Person()["email"])
        assert 'autocomplete="name"' in html
        assert 'type="email"' in html and 'autocomplete="email"' in html
        assert 'maxlength="254"' in html
