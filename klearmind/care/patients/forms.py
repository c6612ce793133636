"""Forms of the patient record. They validate and never act; errors are tied to their fields."""

import datetime

from django import forms
from django.utils import timezone

from klearmind.clinic.forms import DescribedFieldsMixin
from klearmind.clinic.text import no_null_bytes_text
from klearmind.clinic.validators import validate_phone
from klearmind.intake import scoring
from klearmind.intake.models import Condition

from .models import Patient, PatientNote

OLDEST_PLAUSIBLE_AGE = 120


class PatientForm(DescribedFieldsMixin, forms.ModelForm):
    conditions = forms.MultipleChoiceField(
        choices=Condition.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Patient
        fields = [
            "full_name",
            "date_of_birth",
            "email",
            "phone",
            "address",
            "conditions",
            "allergies",
            "current_medications",
            "history_notes",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
            "escort_name",
            "escort_phone",
            "primary_clinician",
            "psychiatrist",
            "psychiatrist_contact",
            "therapist",
            "therapist_contact",
            "location",
            "status",
        ]
        labels = {
            "full_name": "Full name",
            "history_notes": "Medical history notes",
            "location": "Home clinic",
            "psychiatrist_contact": "Psychiatrist's phone, fax or e-mail",
            "therapist_contact": "Therapist's phone, fax or e-mail",
        }
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.Textarea(attrs={"rows": 2}),
            "allergies": forms.Textarea(attrs={"rows": 3}),
            "current_medications": forms.Textarea(attrs={"rows": 3}),
            "history_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, clinicians=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].input_formats = ["%Y-%m-%d", "%m/%d/%Y"]
        if clinicians is not None:
            self.fields["primary_clinician"].queryset = clinicians
        self.fields["primary_clinician"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )
        for name in ("address", "allergies", "current_medications", "history_notes"):
            self.fields[name].validators.append(no_null_bytes_text)

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born >= today:
            raise forms.ValidationError("The date of birth must be in the past.", code="future")
        if scoring.age_on(born, today) > OLDEST_PLAUSIBLE_AGE:
            raise forms.ValidationError("Please check the year of birth.", code="implausible")
        return born

    def clean_email(self):
        email = self.cleaned_data["email"]
        others = Patient.objects.with_email(email).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                "A patient record with this e-mail address exists already; open that one.",
                code="email_in_use",
            )
        return email

    def clean_phone(self):
        return _phone(self.cleaned_data["phone"], required=True)

    def clean_emergency_contact_phone(self):
        return _phone(self.cleaned_data["emergency_contact_phone"])

    def clean_escort_phone(self):
        return _phone(self.cleaned_data["escort_phone"])


def _phone(value: str, *, required: bool = False) -> str:
    value = value.strip()
    if value:
        validate_phone(value)
    if required and not value:
        raise forms.ValidationError("Please enter a phone number.", code="required")
    return value


class NoteForm(DescribedFieldsMixin, forms.ModelForm):
    class Meta:
        model = PatientNote
        fields = ["text"]
        labels = {"text": "Note"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].validators.append(no_null_bytes_text)


# A paper questionnaire entered more than this many days after it was filled in needs a reason:
# late scores miss the same-day review of a positive item 9 and the 30-day baseline window.
PAPER_ENTRY_LATE_DAYS = 30


class TakenOnForm(DescribedFieldsMixin, forms.Form):
    taken_on = forms.DateField(
        label="Filled in on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        help_text="The day the patient filled in the paper questionnaire.",
    )
    late_reason = forms.CharField(
        label="Why these scores are entered late",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"Needed when the questionnaire was filled in more than "
        f"{PAPER_ENTRY_LATE_DAYS} days ago.",
        validators=[no_null_bytes_text],
    )

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("taken_on")
        late = day is not None and day < timezone.localdate() - datetime.timedelta(
            days=PAPER_ENTRY_LATE_DAYS
        )
        if late and not cleaned.get("late_reason", "").strip():
            self.add_error(
                "late_reason",
                forms.ValidationError(
                    f"This questionnaire was filled in more than {PAPER_ENTRY_LATE_DAYS} days "
                    "ago: say why its scores are entered only now.",
                    code="late_without_reason",
                ),
            )
        return cleaned

    def clean_taken_on(self):
        day = self.cleaned_data["taken_on"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError("That day is still to come.", code="future")
        if day < today - datetime.timedelta(days=366):
            raise forms.ValidationError(
                "Scores older than a year belong in a note, not the chart.", code="too_old"
            )
        return day

    def taken_at(self) -> datetime.datetime:
        """Noon on that day at the clinic: a paper form carries a date, not a time."""
        noon = datetime.datetime.combine(self.cleaned_data["taken_on"], datetime.time(12))
        return timezone.make_aware(noon)
