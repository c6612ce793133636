"""The small forms of a chart page, one per section of a session. They validate; the chart's
own methods decide."""

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone

from klearmind.clinic.forms import DescribedFieldsMixin

from .. import rules
from .models import (
    Addendum,
    ChartAlert,
    ChartEvent,
    ConcomitantMedicine,
    EventKind,
    InfusionChart,
    Phase,
    RemsRecord,
)
from .models.charts import CHECKLIST, DISCHARGE_CHECKLIST, FUTURE_SLACK, VITAL_NAMES

TEXT_MAX = 2000
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ChartForm(DescribedFieldsMixin, forms.Form):
    """Knows its chart (for local times) and ties help text and errors to each input."""

    def __init__(self, *args, chart: InfusionChart, **kwargs):
        self.chart = chart
        super().__init__(*args, **kwargs)

    def at(self, name: str = "time") -> datetime.datetime | None:
        """A time of day entered on the form, on the session's day at its location."""
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        return datetime.datetime.combine(self.chart.session_date, value, tzinfo=self.chart.zone)


def checklist_fields(names: dict[str, str]) -> dict[str, forms.BooleanField]:
    return {
        name: forms.BooleanField(label=label.capitalize(), required=False)
        for name, label in names.items()
    }


ChecklistForm = type("ChecklistForm", (ChartForm,), checklist_fields(CHECKLIST))


class VitalsForm(ChartForm):
    time = forms.TimeField(label="Time", widget=TIME_WIDGET)
    phase = forms.ChoiceField(choices=Phase.choices)
    systolic = forms.IntegerField(label="Systolic (mmHg)", min_value=40, max_value=300)
    diastolic = forms.IntegerField(label="Diastolic (mmHg)", min_value=20, max_value=200)
    heart_rate = forms.IntegerField(label="Heart rate (/min)", min_value=20, max_value=250)
    spo2 = forms.IntegerField(label="SpO2 (%)", min_value=50, max_value=100)
    respiratory_rate = forms.IntegerField(
        label="Respiratory rate (/min)", min_value=0, max_value=80, required=False
    )

    def clean(self):
        data = super().clean()
        if (data.get("diastolic") or 0) >= (data.get("systolic") or 999):
            self.add_error("diastolic", "The diastolic pressure must be below the systolic.")
        if data.get("time") and self.at() > timezone.now() + FUTURE_SLACK:
            self.add_error("time", "That time is still to come: enter when the reading was taken.")
        return data

    def reading(self) -> dict:
        values = {name: self.cleaned_data[name] for name in VITAL_NAMES}
        return {"taken_at": self.at(), "phase": self.cleaned_data["phase"], **values}


class BaselineForm(VitalsForm):
    phase = forms.ChoiceField(choices=[(Phase.BASELINE, Phase.BASELINE.label)], initial="baseline")


class BaseVitalsFormSet(forms.BaseFormSet):
    """Rows pre-filled with times; a row left as it was is skipped, not an error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra = len(self.initial or [])

    def initial_form_count(self):
        return 0

    def readings(self) -> list[dict]:
        return [form.reading() for form in self.forms if form.has_changed() and form.is_valid()]


VitalsFormSet = forms.formset_factory(VitalsForm, formset=BaseVitalsFormSet, extra=0, max_num=12)


WEIGHT_ERROR = f"Enter a weight from {rules.WEIGHT_MIN_KG} to {rules.WEIGHT_MAX_KG} kg."
CEILING_ERROR = (
    f"Enter a dose from 0.01 to {rules.HARD_CEILING_MG_PER_KG} mg/kg: "
    f"{rules.HARD_CEILING_MG_PER_KG} mg/kg is the hard ceiling, whatever the reason."
)


class DoseForm(ChartForm):
    weight_kg = forms.DecimalField(
        label="Weight (kg)",
        min_value=rules.WEIGHT_MIN_KG,
        max_value=rules.WEIGHT_MAX_KG,
        decimal_places=1,
        error_messages={"min_value": WEIGHT_ERROR, "max_value": WEIGHT_ERROR},
    )
    mg_per_kg = forms.DecimalField(
        label="Dose (mg/kg)",
        min_value=Decimal("0.01"),
        max_value=rules.HARD_CEILING_MG_PER_KG,
        decimal_places=2,
        error_messages={"min_value": CEILING_ERROR, "max_value": CEILING_ERROR},
        help_text=f"Never above {rules.HARD_CEILING_MG_PER_KG} mg/kg.",
    )
    override_reason = forms.CharField(
        label="Reason for a dose outside the protocol's range",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed only when the dose lies outside the range this protocol allows.",
    )


class FixedDoseForm(ChartForm):
    dose_mg = forms.TypedChoiceField(
        label="Spravato dose",
        coerce=int,
        choices=[(mg, f"{mg} mg") for mg in rules.SPRAVATO_DOSES_MG],
        widget=forms.RadioSelect,
    )


class TimeForm(ChartForm):
    time = forms.TimeField(
        label="Time", required=False, widget=TIME_WIDGET, help_text="Leave empty for now."
    )


SHORT_REASON_LABEL = "Reason the infusion ran shorter than the protocol"


class StopForm(TimeForm):
    short_reason = forms.CharField(
        label=SHORT_REASON_LABEL,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed to sign only if the infusion stops before the protocol's minutes.",
    )


class ShortReasonForm(ChartForm):
    reason = forms.CharField(
        label=SHORT_REASON_LABEL, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class AcknowledgeForm(ChartForm):
    alert = forms.ModelChoiceField(queryset=ChartAlert.objects.none(), widget=forms.HiddenInput)
    note = forms.CharField(
        label="What was done",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what was done about the alert."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alert"].queryset = self.chart.alerts.unacknowledged()
        self.fields["alert"].error_messages["invalid_choice"] = (
            "That alert was acknowledged already or is not on this chart."
        )


class EnrolmentForm(ChartForm):
    enrolled_on = forms.DateField(
        label="Enrolled in the Spravato REMS on", widget=forms.DateInput(attrs={"type": "date"})
    )
    patient_id = forms.CharField(label="REMS patient ID", max_length=40)


DischargeForm = type(
    "DischargeForm",
    (TimeForm,),
    {
        **checklist_fields(DISCHARGE_CHECKLIST),
        "time": forms.TimeField(
            label="Ready to leave at",
            required=False,
            widget=TIME_WIDGET,
            help_text="Leave empty for now.",
        ),
    },
)


class EventForm(ChartForm):
    kind = forms.ChoiceField(label="Event", choices=EventKind.choices)
    time = forms.TimeField(label="Time", widget=TIME_WIDGET)
    new_rate = forms.DecimalField(
        label="New rate (mL/h)",
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("9999"),
        decimal_places=1,
        help_text="For a rate change only.",
    )
    detail = forms.CharField(
        label="Detail",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == EventKind.RATE_CHANGE and data.get("new_rate") is None:
            self.add_error("new_rate", "Give the new rate for a rate change.")
        if data.get("kind") == EventKind.OTHER and not data.get("detail", "").strip():
            self.add_error("detail", "Describe the event.")
        return data

    def event(self) -> ChartEvent:
        data = self.cleaned_data
        return ChartEvent(
            chart=self.chart,
            kind=data["kind"],
            occurred_at=self.at(),
            new_rate=data["new_rate"] if data["kind"] == EventKind.RATE_CHANGE else None,
            detail=data["detail"],
        )


class NotesForm(ChartForm):
    notes = forms.CharField(
        label="Clinician notes",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SignForm(ChartForm):
    reviewed = forms.BooleanField(
        label="I have reviewed this chart and sign it. After signing it can only be added to.",
        error_messages={"required": "Tick the box to confirm you have reviewed the chart."},
    )


class AddendumForm(ChartForm):
    text = forms.CharField(
        label="Addendum", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def addendum(self, author) -> Addendum:
        return Addendum(chart=self.chart, author=author, text=self.cleaned_data["text"])


YES_NO = [("yes", "Yes"), ("no", "No")]


class RemsForm(ChartForm):
    patient_rems_id = forms.CharField(label="Patient REMS ID", max_length=40)
    setting_rems_id = forms.CharField(label="Healthcare setting REMS ID", max_length=40)
    device_lot_number = forms.CharField(label="Device lot number", max_length=40)
    first_treatment = forms.ChoiceField(
        label="First treatment", choices=YES_NO, widget=forms.RadioSelect
    )
    vitals_acceptable_before_dosing = forms.ChoiceField(
        label="Vital signs acceptable before dosing", choices=YES_NO, widget=forms.RadioSelect
    )
    vitals_acceptable_before_discharge = forms.ChoiceField(
        label="Vital signs acceptable before discharge", choices=YES_NO, widget=forms.RadioSelect
    )
    monitoring_clinician_contact = forms.CharField(
        label="Monitoring clinician's contact",
        max_length=200,
        help_text="Name and phone or e-mail of the clinician who monitored the session.",
    )
    ready_without_minimum_at = forms.TimeField(
        label="Would have been ready to leave without the 2-hour minimum at",
        widget=TIME_WIDGET,
    )
    concomitant_medicines = forms.MultipleChoiceField(
        label="Concomitant medicines that are sedating or raise blood pressure",
        choices=ConcomitantMedicine.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sedation = forms.ChoiceField(label="Sedation", choices=YES_NO, widget=forms.RadioSelect)
    dissociation = forms.ChoiceField(label="Dissociation", choices=YES_NO, widget=forms.RadioSelect)
    respiratory_depression = forms.ChoiceField(
        label="Respiratory depression", choices=YES_NO, widget=forms.RadioSelect
    )
    hospitalised = forms.ChoiceField(
        label="Hospitalization or emergency visit", choices=YES_NO, widget=forms.RadioSelect
    )
    adverse_events = forms.CharField(
        label="Other adverse events",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_concomitant_medicines(self):
        chosen = self.cleaned_data["concomitant_medicines"]
        if ConcomitantMedicine.NONE in chosen and len(chosen) > 1:
            raise forms.ValidationError("“None of these” cannot go with a medicine.")
        return chosen

    def save_to(self, rems: RemsRecord) -> None:
        for name, value in self.cleaned_data.items():
            setattr(rems, name, value)
        rems.save()


class SubmitRemsForm(forms.Form):
    reference = forms.CharField(label="Confirmation reference", max_length=60)


def rems_initial(rems: RemsRecord) -> dict:
    """What is saved, else what the chart already says, for the clinician to confirm."""
    chart = rems.chart
    initial = {name: getattr(rems, name) for name in RemsForm.base_fields}
    initial["patient_rems_id"] = rems.patient_rems_id or chart.patient.rems_patient_id
    if not rems.vitals_acceptable_before_dosing and chart.started_at:
        initial["vitals_acceptable_before_dosing"] = yes_no(
            not chart.start_refusals(chart.started_at)
        )
    if not rems.vitals_acceptable_before_discharge and chart.discharged_at:
        initial["vitals_acceptable_before_discharge"] = yes_no(
            not chart.discharge_refusals(chart.discharged_at)
        )
    if not rems.first_treatment:
        earlier = chart.patient.charts.filter(medicine=chart.medicine, pk__lt=chart.pk)
        initial["first_treatment"] = yes_no(not earlier.exists())
    return initial


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def now_local(chart: InfusionChart) -> datetime.time:
    return timezone.localtime(timezone.now(), chart.zone).time().replace(second=0, microsecond=0)


def grid_initial(chart: InfusionChart, rows: int = 4) -> list[dict]:
    """Rows every `vitals_every_minutes` from the start, from the first time not yet charted."""
    every = datetime.timedelta(minutes=chart.thresholds["vitals_every_minutes"])
    if not chart.started_at:
        return [{"phase": Phase.DURING}]
    taken = [v.taken_at for v in chart.vitals.all()]
    after = max([chart.started_at, *taken])
    first = chart.started_at
    while first <= after:
        first += every
    phase = Phase.AFTER if chart.stopped_at else Phase.DURING
    times = [first + every * n for n in range(rows)]
    now = timezone.now().replace(second=0, microsecond=0)
    if times[0] > now:  # the next reading is not due yet: a reading taken now goes first
        times = [now, *times[:-1]]
    return [{"time": timezone.localtime(t, chart.zone).time(), "phase": phase} for t in times]
