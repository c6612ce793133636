"""Forms of consent documents: editing a document, publishing a version, signing one."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from klearmind.booking.models import ServiceKind
from klearmind.clinic.forms import DescribedFieldsMixin
from klearmind.clinic.text import no_null_bytes_text, reject_control_characters

from ..patients.models import NAME_MAX_LENGTH
from .models import DECLINE_REASON_MAX_LENGTH, ConsentDocument, ConsentVersion
from .services import png_from_data_url


class DocumentForm(DescribedFieldsMixin, forms.ModelForm):
    service_kinds = forms.MultipleChoiceField(
        label="Kinds of visit",
        choices=ServiceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The kinds of visit that need this document signed first; none means all.",
    )

    class Meta:
        model = ConsentDocument
        fields = [
            "title",
            "kind",
            "service_kinds",
            "renewal",
            "required_before_treatment",
            "active",
            "sort_order",
        ]

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        reject_control_characters(title)
        return title

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and (title := cleaned.get("title")):
            slug = slugify(title)[:60].strip("-")
            if not slug:
                self.add_error("title", "Please use at least one letter or digit in the title.")
            elif ConsentDocument.objects.filter(slug=slug).exists():
                self.add_error("title", "Another document already has this title.")
            self.instance.slug = slug
        return cleaned


class VersionForm(DescribedFieldsMixin, forms.ModelForm):
    class Meta:
        model = ConsentVersion
        fields = ["title", "body", "summary_of_changes"]
        labels = {"body": "Text"}
        help_texts = {
            "title": "The heading patients see and sign.",
            "body": "Plain paragraphs, separated by an empty line. Patients read and sign "
            "exactly this text.",
            "summary_of_changes": "What changed since the last version, for the clinic's "
            "records (patients who signed before are asked to sign again).",
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 20})}
        error_messages = {
            "title": {"required": "Please give the version a title."},
            "body": {"required": "Please write the text to sign."},
        }

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        reject_control_characters(title)
        return title

    def clean_body(self):
        body = self.cleaned_data["body"].replace("\r\n", "\n").strip()
        no_null_bytes_text(body)
        if not [part for part in body.split("\n\n") if part.strip()]:
            raise ValidationError("Please write the text to sign.", code="required")
        return body

    def clean_summary_of_changes(self):
        summary = self.cleaned_data["summary_of_changes"].strip()
        reject_control_characters(summary)
        return summary


class SignForm(DescribedFieldsMixin, forms.Form):
    electronic_consent = forms.BooleanField(
        label="I agree to sign this document electronically and to receive it and the "
        "clinic's other records electronically.",
        error_messages={
            "required": "Please tick the box to sign electronically, or ask the clinic for "
            "a paper copy to sign instead."
        },
    )
    signed_name = forms.CharField(
        label="Your full name",
        max_length=NAME_MAX_LENGTH,
        help_text="Typing your name signs the document, as a handwritten signature would.",
        error_messages={"required": "Please type your full name to sign."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    drawn_signature = forms.CharField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    sha256 = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def clean_signed_name(self):
        name = " ".join(self.cleaned_data["signed_name"].split())
        reject_control_characters(name)
        if not name:
            raise ValidationError("Please type your full name to sign.", code="required")
        return name

    def clean_drawn_signature(self):
        drawn = self.cleaned_data["drawn_signature"].strip()
        if drawn:
            png_from_data_url(drawn)
        return drawn


class DeclineForm(DescribedFieldsMixin, forms.Form):
    reason = forms.CharField(
        label="Why it was not signed",
        max_length=DECLINE_REASON_MAX_LENGTH,
        help_text="In a few words, as the patient put it: for example, “did not want to sign; "
        "given a paper copy of the notice”.",
        error_messages={
            "required": "Please say why the patient did not sign, in a few words.",
            "max_length": "Please keep the reason under %(limit_value)d characters "
            "(it has %(show_value)d).",
        },
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        reject_control_characters(reason)
        if not reason:
            raise ValidationError(
                "Please say why the patient did not sign, in a few words.", code="required"
            )
        return reason
