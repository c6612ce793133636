"""The back office's payment forms. They validate and never act; every message says in plain
words what to type instead, and a refused form shows again what was typed."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from klearmind.booking.models.appointments import FORM_TOKEN, new_form_token
from klearmind.clinic.forms import DescribedFieldsMixin, date_field
from klearmind.clinic.text import reject_control_characters

from .ledger import LARGEST_ENTRY_CENTS, MEMO_MAX_LENGTH
from .models import CLINIC_METHODS, DiagnosisCode
from .money import dollars

# Dollars as people type them: 125, 125.5, 125.50, $1,250.00. [0-9], not \d, which takes
# other scripts' digits too; \Z, not $, which lets a newline follow.
DOLLARS = re.compile(r"\$?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{0,2})?\Z")
TOO_MANY_CENTS = re.compile(r"\$?[0-9,]*\.[0-9]{3,}\Z")
MINUS_SIGNS = ("-", "\u2212", "\u2013")  # hyphen-minus, minus sign, en dash
LONGEST_AMOUNT_TEXT = 20
AMOUNT_EXAMPLE = "Please enter the amount in dollars, like 125 or 125.50."
LONGEST_PERIOD_DAYS = 3660  # ten years
MOST_DIAGNOSES = 12  # the diagnosis lines of a claim form (CMS-1500, box 21)
ROW_ID = re.compile(r"[0-9]{1,18}")  # below 2**63, the largest id a database column holds


def parse_dollars(text: str, *, signed: bool) -> int:
    """Typed dollars as cents, or a ValidationError saying what to type instead."""
    negative = text.startswith(MINUS_SIGNS)
    if negative and not signed:
        raise ValidationError(
            "An amount paid is above zero: please leave out the minus sign.", code="negative"
        )
    digits = text[1:].strip() if negative or (signed and text.startswith("+")) else text
    if len(text) > LONGEST_AMOUNT_TEXT:
        raise ValidationError(AMOUNT_EXAMPLE, code="invalid")
    if TOO_MANY_CENTS.match(digits):
        raise ValidationError(
            "Please give at most two digits after the point, for the cents: like 12.35.",
            code="too_many_cents",
        )
    if not DOLLARS.match(digits):
        raise ValidationError(AMOUNT_EXAMPLE, code="invalid")
    whole, _, cents = digits.lstrip("$").replace(",", "").partition(".")
    amount = int(whole) * 100 + int(cents.ljust(2, "0"))
    if amount == 0:
        raise ValidationError(
            "An adjustment of zero changes nothing: please enter its amount."
            if signed
            else "Please enter an amount above zero.",
            code="zero",
        )
    if amount > LARGEST_ENTRY_CENTS:
        raise ValidationError(
            "This is more than %(most)s: please check the amount.",
            code="too_large",
            params={"most": dollars(LARGEST_ENTRY_CENTS)},
        )
    return -amount if negative else amount


class DollarsField(forms.Field):
    """An amount typed as text ("125", "125.50") and cleaned to int cents. With `signed`, a
    leading minus sign makes it negative."""

    def __init__(self, *, signed: bool = False, **kwargs):
        self.signed = signed
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 12}),
        )
        kwargs.setdefault("error_messages", {"required": AMOUNT_EXAMPLE})
        super().__init__(**kwargs)

    def to_python(self, value):
        text = (value or "").strip()
        return parse_dollars(text, signed=self.signed) if text else None


class FormTokenField(forms.CharField):
    """The key drawn with the form: its entry is written once, whatever the number of clicks."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(
            error_messages={
                "required": "This form is out of date: please check it and send it again.",
            },
            **kwargs,
        )

    def validate(self, value):
        super().validate(value)
        if not FORM_TOKEN.fullmatch(value):
            raise ValidationError(self.error_messages["required"], code="stale_form")


def note_field(label: str, *, required: bool, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MEMO_MAX_LENGTH,
        validators=[reject_control_characters],
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": f"Please write the {label.lower()}.",
            "max_length": "Please keep it to %(limit_value)d characters (it has %(show_value)d).",
        },
    )


class TokenForm(DescribedFieldsMixin, forms.Form):
    token = FormTokenField()

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        if data is None:
            self.initial.setdefault("token", new_form_token())

    def full_clean(self):
        super().full_clean()
        if "token" in self.errors:  # a tampered or lost key: draw the form with a new one
            self.data = self.data.copy()
            self.data["token"] = new_form_token()


class ClinicPaymentForm(TokenForm):
    amount = DollarsField(label="Amount received ($)")
    method = forms.ChoiceField(
        label="Paid by",
        choices=[(method.value, method.label) for method in CLINIC_METHODS],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose how it was paid.",
            "invalid_choice": "Please choose one of the ways listed: cash, the card terminal "
            "or an HSA or FSA card.",
        },
    )
    memo = note_field(
        "Note",
        required=False,
        help_text="Optional: a slip or receipt number. Never a health detail.",
    )
    field_order = ["amount", "method", "memo", "token"]


class AdjustmentForm(TokenForm):
    amount = DollarsField(
        label="Amount ($)",
        signed=True,
        help_text="Added to what the payer owes; with a minus sign in front (−20), taken off it.",
    )
    reason = note_field(
        "Reason",
        required=True,
        help_text="Why, in a few words, for whoever reads the account later. Never a health "
        "detail.",
    )
    field_order = ["amount", "reason", "token"]


class PeriodForm(DescribedFieldsMixin, forms.Form):
    start = date_field("From")
    end = date_field("To")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The “to” date must be on or after the “from” date.")
        elif start and end and (end - start).days > LONGEST_PERIOD_DAYS:
            self.add_error("start", "Please choose a period of at most ten years.")
        return data

    @property
    def period(self) -> tuple[datetime.date, datetime.date] | None:
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return None


def chosen_period(query, *, days: int = 30, until: datetime.date | None = None) -> PeriodForm:
    """The form bound to the query, or to the `days` up to `until` (today) when nothing was
    asked."""
    if "start" in query or "end" in query:
        return PeriodForm(query)
    end = until or timezone.localdate()
    return PeriodForm({"start": end - datetime.timedelta(days=days - 1), "end": end})


class DiagnosesField(forms.ModelMultipleChoiceField):
    """Checked against the list of diagnosis codes; anything but a row's id (a word, a
    number too large for the database) is refused before it reaches the database."""

    def clean(self, value):
        for chosen in value or ():
            if not ROW_ID.fullmatch(str(chosen)):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().clean(value)


class SuperbillForm(DescribedFieldsMixin, forms.Form):
    """The diagnoses the clinician chooses, and which procedure codes of each visit the
    superbill lists. `visits` are the visits of the period, each with `.codes`."""

    diagnoses = DiagnosesField(
        label="Diagnoses (ICD-10-CM)",
        queryset=DiagnosisCode.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The clinician's diagnoses for these visits, most important first. They "
        "are printed on this superbill only, never kept with the payments.",
        error_messages={
            "required": "Please choose at least one diagnosis.",
            "invalid_choice": "Please choose diagnoses from the list.",
            "invalid_pk_value": "Please choose diagnoses from the list.",
        },
    )
    codes = forms.MultipleChoiceField(
        label="Procedure codes of each visit",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Please tick at least one procedure code.",
            "invalid_choice": "Please tick codes from the list.",
        },
    )

    def __init__(self, *args, visits=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.visits = list(visits)
        self.fields["codes"].choices = [
            (f"{visit.pk}:{code}", code) for visit in self.visits for code in visit.codes
        ]
        if not self.is_bound:
            # The first code of each service is its usual one; the others (an added hour, a
            # higher dose) are ticked by the clinician when they apply.
            self.initial["codes"] = [
                f"{visit.pk}:{visit.codes[0]}" for visit in self.visits if visit.codes
            ]

    def clean_diagnoses(self):
        chosen = self.cleaned_data["diagnoses"]
        if len(chosen) > MOST_DIAGNOSES:
            raise ValidationError(
                "Please choose at most %(most)d diagnoses.", params={"most": MOST_DIAGNOSES}
            )
        return chosen

    def codes_by_visit(self) -> dict[int, list[str]]:
        chosen: dict[int, list[str]] = {}
        for value in self.cleaned_data["codes"]:
            visit, code = value.split(":", 1)
            chosen.setdefault(int(visit), []).append(code)
        return chosen

    def code_rows(self):
        """For the template: each visit with its checkboxes."""
        boxes = {box.data["value"]: box for box in self["codes"]}
        for visit in self.visits:
            yield visit, [boxes[f"{visit.pk}:{code}"] for code in visit.codes]


SALE_CHOICES = [
    *[(method.value, method.label) for method in CLINIC_METHODS],
    ("card_on_file", "The card saved for this person"),
]


class SellPackageForm(TokenForm):
    plan = forms.ModelChoiceField(
        label="Package",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose the package.",
            "invalid_choice": "Please choose one of the packages listed.",
        },
    )
    method = forms.ChoiceField(
        label="Paid by",
        choices=SALE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose how it is paid.",
            "invalid_choice": "Please choose one of the ways listed.",
        },
    )
    field_order = ["plan", "method", "token"]

    def __init__(self, data=None, *, plans, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["plan"].queryset = plans


class JoinMembershipForm(TokenForm):
    plan = forms.ModelChoiceField(
        label="Membership",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="The first month is charged now to the card saved for this person.",
        error_messages={
            "required": "Please choose the membership.",
            "invalid_choice": "Please choose one of the memberships listed.",
        },
    )
    field_order = ["plan", "token"]

    def __init__(self, data=None, *, plans, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["plan"].queryset = plans
