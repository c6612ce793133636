"""The contact form the public sends, and the back office's filter and status forms."""

from django import forms

from klearmind.clinic.forms import EmailAddressField, PersonNameField
from klearmind.clinic.text import reject_control_characters
from klearmind.clinic.validators import validate_phone
from klearmind.comments.forms import rendered_token

from .models import (
    EMAIL_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    EnquiryStatus,
)


class EnquiryForm(forms.Form):
    name = PersonNameField(max_length=NAME_MAX_LENGTH)
    email = EmailAddressField(
        label="Email",
        max_length=EMAIL_MAX_LENGTH,
        required_message="Please enter your e-mail address, so that we can reply.",
    )
    phone = forms.CharField(
        label="Phone",
        max_length=PHONE_MAX_LENGTH,
        required=False,
        validators=[reject_control_characters, validate_phone],
        help_text="Optional, if you would rather we call you.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    message = forms.CharField(
        label="Message",
        max_length=MESSAGE_MAX_LENGTH,
        help_text="Tell us how we can help. Please leave out any health details; a clinician "
        "will ask about them privately.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Please write your message."},
    )
    rendered = forms.CharField(required=False, widget=forms.HiddenInput)
    # Hidden from people by CSS and from assistive technology; bots fill every field they see.
    homepage = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rendered"].initial = rendered_token()

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


STATUS_FILTER_CHOICES = [("", "All"), ("open", "Open (new or answered)"), *EnquiryStatus.choices]


class EnquiryFilterForm(forms.Form):
    status = forms.ChoiceField(choices=STATUS_FILTER_CHOICES, required=False)

    def filter(self, enquiries):
        status = self.cleaned_data["status"] if self.is_valid() else ""
        if status == "open":
            return enquiries.open()
        return enquiries.with_status(status)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(EnquiryStatus.ANSWERED, "Answered"), (EnquiryStatus.CLOSED, "Closed")]
    )
