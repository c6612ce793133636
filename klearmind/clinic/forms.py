"""What every app's forms share, and the forms on the clinic settings for the screens that
own a part of them."""

from django import forms

from .models import ClinicSettings
from .text import reject_control_characters

# RFC 5321 limits a forward path to 256 octets, so an address to 254 characters.
EMAIL_MAX_LENGTH = 254


class DescribedFieldsMixin:
    """Ties each field's help text and errors to its inputs (radio buttons included), for
    screen readers; the templates give them the ids `<field id>_helptext` and `_error`."""

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            ids = [f"{auto_id}_helptext"] if field.help_text else []
            if name in self.errors:
                ids.append(f"{auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


class PersonNameField(forms.CharField):
    """A person's name as they type it: no control characters, the browser's name autofill,
    and errors in plain words."""

    def __init__(self, *, label="Name", max_length: int, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "name"}))
        kwargs.setdefault(
            "error_messages",
            {
                "required": "Please enter your name.",
                "max_length": "Please shorten your name to %(limit_value)d characters.",
            },
        )
        super().__init__(
            label=label, max_length=max_length, validators=[reject_control_characters], **kwargs
        )


class EmailAddressField(forms.EmailField):
    """A person's e-mail address: the e-mail keyboard and autofill, errors in plain words."""

    def __init__(
        self,
        *,
        label="E-mail",
        max_length: int = EMAIL_MAX_LENGTH,
        required_message="Please enter your e-mail address.",
        **kwargs,
    ):
        kwargs.setdefault("widget", forms.EmailInput(attrs={"autocomplete": "email"}))
        super().__init__(
            label=label,
            max_length=max_length,
            error_messages={
                "required": required_message,
                "invalid": "Please enter an e-mail address like name@example.com.",
            },
            **kwargs,
        )


class OnCallForm(forms.ModelForm):
    class Meta:
        model = ClinicSettings
        fields = ["on_call_email"]


# Dates as a date picker sends them, or as people type them in the United States.
DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y"]


def date_field(label: str) -> forms.DateField:
    """A date with a date picker, and errors that say how to type it."""
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": f"Please enter the {label.lower()} date.",
            "invalid": f"Please enter the {label.lower()} date as month/day/year, like 03/01/2026.",
        },
    )
