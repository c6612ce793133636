"""One form per step of the questionnaire, and the back office's forms. They validate and
never act; every message names the question it is about."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from klearmind.clinic.forms import DescribedFieldsMixin, EmailAddressField, PersonNameField
from klearmind.clinic.hours import Weekday
from klearmind.clinic.text import no_null_bytes_text, reject_control_characters
from klearmind.clinic.validators import validate_phone, validate_zip_code

from . import questionnaires as q
from . import scoring
from .models import (
    TRANSITIONS,
    Condition,
    ContactMethod,
    IntakeSettings,
    Location,
    Note,
    Status,
)

# Treatment with ketamine is for adults; the questionnaire says so on its first page.
MINIMUM_AGE = 18
OLDEST_PLAUSIBLE_AGE = 120
LONG_TEXT_MAX = 2000

# The shared validators' messages, in the page's language: a field's message for an error's
# code replaces the validator's own.
CONTROL_CHARACTER = _("Please remove the invisible control character (code U+%(code)04X).")


def translated(choices) -> list:
    """Choices whose labels are marked in English (gettext_noop), shown in the page's language."""
    return [(value, _(label)) for value, label in choices]


class IntakeForm(DescribedFieldsMixin, forms.Form):
    def answers(self) -> dict:
        """The cleaned answers as JSON data (dates as ISO text), for the encrypted draft."""
        return {
            name: value.isoformat() if isinstance(value, datetime.date) else value
            for name, value in self.cleaned_data.items()
            if name != "website"
        }

    def valid_answers(self) -> dict:
        """What was valid of a form sent with "Back": kept, the rest asked again later."""
        self.is_valid()
        return {name: value for name, value in self.answers().items() if name not in self.errors}


def item_field(number: int, text, options, *, measure: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=format_lazy("{}. {}", number, text),
        choices=options,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": format_lazy(
                _("Please answer {measure} question {number}: “{text}”"),
                measure=measure,
                number=number,
                text=text,
            )
        },
    )


class AboutForm(IntakeForm):
    full_name = PersonNameField(
        label=_("Full name"),
        max_length=200,
        error_messages={
            "required": _("Please enter your name."),
            "max_length": _("Please shorten your name to %(limit_value)d characters."),
            "control_character": CONTROL_CHARACTER,
        },
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        # Browsers with a date picker send year-month-day; others let people type it US-style.
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        help_text=_("Month, day and year, for example 04/23/1985."),
        error_messages={
            "required": _("Please enter your date of birth."),
            "invalid": _("Please enter your date of birth as month/day/year, like 04/23/1985."),
        },
    )
    email = EmailAddressField(
        label=_("E-mail"), required_message=_("Please enter your e-mail address.")
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={
            "required": _("Please enter a phone number we can reach you on."),
            "invalid_phone": _(
                "Please enter a phone number with its area code, like (916) 555-0142."
            ),
        },
    )
    zip_code = forms.CharField(
        label=_("ZIP code"),
        max_length=10,
        validators=[validate_zip_code],
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
        error_messages={
            "required": _("Please enter your ZIP code."),
            "invalid_zip_code": _("Please enter a five-digit ZIP code, like 95814."),
        },
    )
    preferred_contact = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=translated(ContactMethod.choices),
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose how we should contact you.")},
    )
    # Hidden from people by CSS and from assistive technology; bots fill every field they see.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["invalid"] = _(
            "Please enter an e-mail address like name@example.com."
        )

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born >= today:
            raise forms.ValidationError(_("Your date of birth must be in the past."), code="future")
        age = scoring.age_on(born, today)
        if age > OLDEST_PLAUSIBLE_AGE:
            raise forms.ValidationError(
                _("Please check the year of your date of birth."), code="implausible"
            )
        if age < MINIMUM_AGE:
            raise forms.ValidationError(
                _(
                    "This questionnaire is for adults aged 18 or over. Please ask a parent or "
                    "guardian to call the clinic."
                ),
                code="too_young",
            )
        return born


class ConditionsForm(IntakeForm):
    conditions = forms.MultipleChoiceField(
        label=_("What brings you to us? Choose all that apply."),
        choices=translated(Condition.choices),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one reason, or “Something else”.")},
    )
    other_condition = forms.CharField(
        label=_("If something else, what is it?"),
        required=False,
        max_length=200,
        validators=[reject_control_characters],
        error_messages={"control_character": CONTROL_CHARACTER},
    )

    def clean(self):
        data = super().clean()
        if Condition.OTHER in data.get("conditions", []) and not data.get("other_condition"):
            self.add_error(
                "other_condition", _("Please tell us in a few words what else brings you to us.")
            )
        return data


YES_NO = (("yes", _("Yes")), ("no", _("No")))


class MedicationsForm(IntakeForm):
    current_medications = forms.CharField(
        label=_("Which medicines do you take now, and at what dose?"),
        required=False,
        max_length=LONG_TEXT_MAX,
        validators=[no_null_bytes_text],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Include prescriptions, over-the-counter medicines and supplements. Leave empty if "
            "none."
        ),
        error_messages={"control_character": CONTROL_CHARACTER},
    )
    antidepressants_tried = forms.IntegerField(
        label=_("How many different antidepressants have you tried?"),
        min_value=0,
        max_value=30,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Please enter how many antidepressants you have tried (0 if none)."),
            "invalid": _("Please enter a whole number, like 2."),
            "min_value": _("Please enter 0 or more."),
            "max_value": _("Please enter a number up to 30."),
        },
    )
    treatments_tried = forms.CharField(
        label=_("Which other treatments have you tried?"),
        required=False,
        max_length=LONG_TEXT_MAX,
        validators=[no_null_bytes_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example talk therapy, TMS or ECT. Leave empty if none."),
        error_messages={"control_character": CONTROL_CHARACTER},
    )
    has_therapist = forms.ChoiceField(
        label=_("Do you see a therapist now?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please say whether you see a therapist now.")},
    )
    has_psychiatrist = forms.ChoiceField(
        label=_("Do you see a psychiatrist now?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please say whether you see a psychiatrist now.")},
    )


class HistoryForm(IntakeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in q.SCREENING_QUESTIONS:
            text = _(question.text)
            self.fields[question.key] = forms.ChoiceField(
                label=text,
                choices=translated(q.SCREENING_OPTIONS),
                widget=forms.RadioSelect,
                error_messages={"required": format_lazy(_("Please answer: “{text}”"), text=text)},
            )


def measure_form(name: str, measure: str, items, options, *, extra=None) -> type:
    fields = {
        f"{name}_{number}": item_field(number, text, options, measure=measure)
        for number, text in enumerate(items, start=1)
    }
    return type(IntakeForm)(f"{name.title()}Form", (IntakeForm,), {**fields, **(extra or {})})


def difficulty_field(question: str) -> forms.TypedChoiceField:
    """The published, unscored difficulty question closing the PHQ-9 and the GAD-7."""
    return forms.TypedChoiceField(
        label=_(question),
        choices=translated(q.DIFFICULTY_OPTIONS),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )


# The PHQ-9 and GAD-7 in the page's language (their published translations); the PCL-5, which
# has no validated Spanish version, in English whatever the language.
Phq9Form = measure_form(
    "phq9",
    "PHQ-9",
    [_(item) for item in q.PHQ9_ITEMS],
    translated(q.FREQUENCY_OPTIONS),
    extra={"phq9_difficulty": difficulty_field(q.PHQ9_DIFFICULTY)},
)
Gad7Form = measure_form(
    "gad7",
    "GAD-7",
    [_(item) for item in q.GAD7_ITEMS],
    translated(q.FREQUENCY_OPTIONS),
    extra={"gad7_difficulty": difficulty_field(q.GAD7_DIFFICULTY)},
)
Pcl5Form = measure_form("pcl5", "PCL-5", q.PCL5_ITEMS, q.PCL5_OPTIONS)


class PainForm(IntakeForm):
    pain = forms.TypedChoiceField(
        label=_(q.PAIN_QUESTION),
        choices=[(n, str(n)) for n in range(scoring.PAIN_MIN, scoring.PAIN_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please rate your pain from 0 to 10.")},
    )


# Django's own weekday names, which it translates ("lunes"), with a capital as in English.
DAYS = [
    (day.label.lower(), capfirst(WEEKDAYS[day.value])) for day in Weekday if day != Weekday.SUNDAY
]
TIMES = [("morning", _("Morning")), ("afternoon", _("Afternoon")), ("evening", _("Evening"))]


# Kept word for word with each answer (klearmind.outbox's ContactConsent), in the language it
# was shown in: change it here only.
CONTACT_CONSENT_WORDING = gettext_noop(
    "I agree that the clinic may contact me about this questionnaire in the way I chose."
)


class FinishForm(IntakeForm):
    location = forms.ChoiceField(
        label=_("Where would you prefer to be treated?"),
        choices=translated(Location.choices),
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose where you would prefer to be treated.")},
    )
    days = forms.MultipleChoiceField(
        label=_("Which days suit you?"),
        choices=DAYS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one day that suits you.")},
    )
    times = forms.MultipleChoiceField(
        label=_("Which times of day suit you?"),
        choices=TIMES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one time of day.")},
    )
    consent_contact = forms.BooleanField(
        label=_(CONTACT_CONSENT_WORDING),
        error_messages={"required": _("Please agree that we may contact you, so we can reply.")},
    )
    privacy_notice = forms.BooleanField(
        label=_("I have read the privacy notice above."),
        error_messages={"required": _("Please confirm that you have read the privacy notice.")},
    )


# Back office.


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "All statuses"), *Status.choices], required=False)
    location = forms.ChoiceField(choices=[("", "All locations"), *Location.choices], required=False)
    condition = forms.ChoiceField(
        choices=[("", "All conditions"), *Condition.choices], required=False
    )

    def filter(self, submissions):
        if not self.is_valid():
            return submissions
        if self.cleaned_data["status"]:
            submissions = submissions.with_status(self.cleaned_data["status"])
        if self.cleaned_data["location"]:
            submissions = submissions.at(self.cleaned_data["location"])
        return submissions


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Move to", choices=Status.choices)

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[Status(submission.status)]
        self.fields["status"].choices = [c for c in Status.choices if c[0] in allowed]


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["text"]
        labels = {"text": "Add a note"}
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class AssignForm(forms.Form):
    clinician = StaffChoiceField(
        label="Assigned clinician", queryset=None, required=False, empty_label="Nobody"
    )

    def __init__(self, *args, clinicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = clinicians


class IntakeSettingsForm(forms.ModelForm):
    class Meta:
        model = IntakeSettings
        fields = ["pcl5_cutoff", "draft_retention_days", "reply_business_days"]
