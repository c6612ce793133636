"""Forms of a treatment plan. They validate and never act; errors are tied to their fields."""

import datetime

from django import forms
from django.utils import timezone

from klearmind.booking.models import Series
from klearmind.clinic.forms import DescribedFieldsMixin
from klearmind.clinic.text import no_null_bytes_text

from ..patients.models import Patient
from .models import PlanStatus, Protocol, TreatmentPlan


class PlanForm(DescribedFieldsMixin, forms.ModelForm):
    class Meta:
        model = TreatmentPlan
        fields = ["protocol", "indication", "planned_sessions", "series", "started_on", "goals"]
        labels = {"planned_sessions": "Planned sessions", "series": "Booked series"}
        help_texts = {
            "planned_sessions": "Leave empty for the protocol's number of sessions.",
        }
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "goals": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["protocol"].queryset = Protocol.objects.filter(active=True)
        self.fields["planned_sessions"].required = False
        series_ids = patient.appointments().exclude(series=None).values("series_id")
        self.fields["series"].queryset = Series.objects.filter(pk__in=series_ids)
        self.fields["series"].label_from_instance = series_label
        self.fields["goals"].validators.append(no_null_bytes_text)

    def clean_started_on(self):
        started = self.cleaned_data["started_on"]
        if started < timezone.localdate() - datetime.timedelta(days=366):
            raise forms.ValidationError(
                "A plan cannot start more than a year ago; record older treatment in a note.",
                code="too_old",
            )
        return started


def series_label(series: Series) -> str:
    first = series.appointments.order_by("starts_at").first()
    when = f" from {first.local_start:%-d %b %Y}" if first else ""
    return f"{series.service.name}{when} ({series.appointments.count()} visits)"


class EndPlanForm(forms.Form):
    status = forms.ChoiceField(
        label="End the plan as",
        choices=[(PlanStatus.COMPLETED, "Completed"), (PlanStatus.STOPPED, "Stopped early")],
    )
