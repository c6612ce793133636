"""What an infusion chart reads from its own record: the refusals its state changes raise and
the list of what still stands between it and a signature (the chart's model is in charts.py).
Each rule is a pure function in rules.py; here the chart finds the readings it applies to."""

import datetime

from django.db import models
from django.utils import timezone

from klearmind.booking.models import ServiceKind

from ... import rules
from ...consents.standing import ConsentLine, consent_lines, standing_in_words
from ...plans.models import CareSettings, Medicine

CEILING_MESSAGE = (
    f"Enter a dose no higher than {rules.HARD_CEILING_MG_PER_KG} mg/kg, the hard ceiling."
)
WEIGHT_MESSAGE = f"Enter a weight from {rules.WEIGHT_MIN_KG} to {rules.WEIGHT_MAX_KG} kg."


CHECKLIST = {
    "fasting_confirmed": "fasting confirmed",
    "escort_confirmed": "escort confirmed",
    "medications_reviewed": "medications reviewed",
}
# Consent is not ticked either: it is worked out from the patient's signatures of the consent
# documents the visit needs (consent_lines), and start() refuses while one is missing or
# outdated. The chart's consent_on_file column keeps what was recorded: ticked by hand on
# charts made before, set by start() since (docs/decisions/019).
# Ticked by the nurse. "Vital signs stable" is not among them: the chart works it out from the
# readings (discharge_vitals_stable is set by discharge() only).
DISCHARGE_CHECKLIST = {
    "discharge_alert": "alert and oriented",
    "discharge_escort_present": "escort present",
    "discharge_no_driving_given": "no-driving instruction given",
}


class Phase(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    DURING = "during", "During"
    AFTER = "after", "After"


VITAL_NAMES = ("systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate")


class ChartStatus(models.TextChoices):
    OPEN = "open", "Open"
    SIGNED = "signed", "Signed"


class ChartChecks:
    """Reads of an InfusionChart; mixed into the model."""

    def hhmm(self, moment: datetime.datetime) -> str:
        return f"{timezone.localtime(moment, self.zone):%H:%M}"

    def limit(self, name: str) -> int:
        return rules.limit(self.thresholds, name)

    @property
    def is_signed(self) -> bool:
        return self.status == ChartStatus.SIGNED

    @property
    def is_spravato(self) -> bool:
        return self.medicine == Medicine.SPRAVATO

    @property
    def zone(self):
        return (
            self.appointment.location.zone
            if self.appointment_id
            else timezone.get_current_timezone()
        )

    @property
    def visit_kind(self) -> str:
        """The kind of visit whose consents apply: the booked service's, or else the medicine's."""
        if self.appointment_id:
            return self.appointment.service.kind
        return ServiceKind.SPRAVATO if self.is_spravato else ServiceKind.KETAMINE

    @property
    def visit_kind_label(self) -> str:
        return ServiceKind(self.visit_kind).label

    def consent_lines(self) -> list[ConsentLine]:
        """Each consent document this visit needs, with the patient's standing on the day."""
        return consent_lines(
            person_hash=self.patient.email_hash, kinds=[self.visit_kind], on=self.session_date
        )

    def consent_refusals(self, lines: list[ConsentLine] | None = None) -> list[str]:
        """Each document still to sign, and why, in words; a visit no document covers yet may
        not start either."""
        lines = self.consent_lines() if lines is None else lines
        if not any(line.required for line in lines):
            return ["No consent document for this kind of visit is published yet"]
        return [standing_in_words(line) for line in lines if line.blocks_treatment]

    def missing_checklist(self) -> list[str]:
        return [label for name, label in CHECKLIST.items() if not getattr(self, name)]

    def missing_discharge(self) -> list[str]:
        return [label for name, label in DISCHARGE_CHECKLIST.items() if not getattr(self, name)]

    def latest_baseline(self, before: datetime.datetime | None = None):
        baselines = self.vitals.filter(phase=Phase.BASELINE)
        if before is not None:
            baselines = baselines.filter(taken_at__lte=before)
        return baselines.order_by("-taken_at", "-pk").first()

    def dose_outside_range(self) -> bool:
        return self.mg_per_kg is not None and not rules.dose_in_range(
            self.mg_per_kg, self.min_mg_per_kg, self.max_mg_per_kg
        )

    # Starting ----------------------------------------------------------------------------------

    def start_refusals(self, at: datetime.datetime | None = None) -> list[str]:
        """Why the session may not start at `at` (now if not given): no baseline within the
        30 minutes before, or a baseline value outside the do-not-start limits."""
        at = at or timezone.now()
        baseline = self.latest_baseline(before=at)
        if baseline is None:
            return ["No baseline vital signs recorded before the start"]
        if not rules.baseline_is_recent(baseline.taken_at, at):
            return [
                f"The latest baseline reading, at {self.hhmm(baseline.taken_at)}, is more than "
                f"{rules.BASELINE_MAX_AGE_MINUTES} minutes before the start"
            ]
        return rules.start_refusals(baseline.reading(), self.thresholds)

    def setting_refusal(self) -> str:
        """Spravato is never given at home; IV ketamine at home only where the location allows."""
        visit = self.appointment
        if visit is None or not visit.at_home:
            return ""
        if self.is_spravato:
            return "Spravato is given only in a certified clinic, never at home"
        return visit.service.home_refusal(visit.location)

    def rems_enrolment_refusal(self) -> str:
        if self.is_spravato and not self.patient.rems_enrolled_by(self.session_date):
            return (
                "Record the patient's Spravato REMS enrolment (day and patient ID) before the "
                "first dose"
            )
        return ""

    # During and after --------------------------------------------------------------------------

    def observed_until(self):
        """Vitals are due every interval from the start until discharge for IV ketamine, and
        until the end of dosing for Spravato (whose label asks for blood pressure at 40 minutes
        and then until stable)."""
        if self.discharged_at and not self.is_spravato:
            return self.discharged_at
        return self.stopped_at

    def vitals_gaps(self):
        if not (self.started_at and self.stopped_at):
            return []
        times = self.vitals.values_list("taken_at", flat=True)
        every = self.limit("vitals_every_minutes")
        return rules.vitals_gaps(times, self.started_at, self.observed_until(), every)

    def observed_minutes(self) -> int | None:
        if not (self.started_at and self.discharged_at):
            return None
        return rules.observation_minutes(self.started_at, self.discharged_at)

    def flagged_vitals(self) -> list:
        return [vital for vital in self.vitals.all() if vital.flags]

    def unacknowledged_vitals(self) -> list:
        """Flagged readings whose alert no clinician has acknowledged yet."""
        acknowledged = set(self.alerts.acknowledged().values_list("vital_id", flat=True))
        return [vital for vital in self.flagged_vitals() if vital.pk not in acknowledged]

    def infusion_shortfall(self) -> int:
        if self.is_spravato or not (self.started_at and self.stopped_at):
            return 0
        minutes = self.limit("infusion_minutes")
        return rules.infusion_shortfall(self.started_at, self.stopped_at, minutes)

    def short_infusion_warning(self) -> str:
        if not (short := self.infusion_shortfall()):
            return ""
        ran = int((self.stopped_at - self.started_at).total_seconds() // 60)
        return (
            f"The infusion ran {ran} minutes, {short} short of this protocol's "
            f"{self.limit('infusion_minutes')} minutes (IV ketamine: 0.5 mg/kg over 40 minutes)"
        )

    # Discharge ---------------------------------------------------------------------------------

    def recovery_ends_at(self) -> datetime.datetime | None:
        if not self.stopped_at:
            return None
        return rules.recovery_ends(self.stopped_at, self.limit("recovery_minutes"))

    def recovery_reading(self, at: datetime.datetime):
        """The latest reading taken from the end of recovery up to `at`."""
        readings = self.vitals.filter(taken_at__gte=self.recovery_ends_at(), taken_at__lte=at)
        return readings.order_by("-taken_at", "-pk").first()

    def discharge_refusals(self, at: datetime.datetime) -> list[str]:
        """Why the patient may not leave at `at`: too soon after the stop, no reading after the
        recovery time, or that reading not stable against the baseline."""
        ready = self.recovery_ends_at()
        minutes = self.limit("recovery_minutes")
        if at < ready:
            return [
                f"discharge no sooner than {minutes} minutes after the infusion stopped, "
                f"at {self.hhmm(ready)} or later"
            ]
        reading = self.recovery_reading(at)
        if reading is None:
            return [f"a reading taken at {self.hhmm(ready)} or later, before discharge"]
        baseline = self.latest_baseline(before=self.started_at)
        if baseline is None:
            return ["a baseline reading to compare the discharge reading with"]
        unstable = rules.discharge_refusals(reading.reading(), baseline.reading(), self.thresholds)
        return [f"vital signs stable at {self.hhmm(reading.taken_at)}: {why}" for why in unstable]

    # Signing -----------------------------------------------------------------------------------

    def sign_refusals(self) -> list[str]:
        """What still stands between this chart and a signature, in words."""
        missing = [f"checklist: {label}" for label in self.missing_checklist()]
        if not self.dose_confirmed_at:
            missing.append("a confirmed dose")
        if not (self.started_at and self.stopped_at):
            missing.append("start and stop times")
        missing += [f"discharge: {label}" for label in self.missing_discharge()]
        if not self.discharged_at:
            missing.append("the discharge time")
        elif self.stopped_at:
            missing += self.discharge_refusals(self.discharged_at)
        every = self.limit("vitals_every_minutes")
        for first, last in self.vitals_gaps():
            missing.append(
                f"vital signs between {self.hhmm(first)} and {self.hhmm(last)} "
                f"(at least every {every} minutes)"
            )
        missing += [
            f"acknowledgement of the alert at {self.hhmm(vital.taken_at)} "
            f"({'; '.join(flag.text for flag in vital.flags)})"
            for vital in self.unacknowledged_vitals()
        ]
        if (warning := self.short_infusion_warning()) and not self.short_infusion_reason:
            missing.append(f"a reason for the short infusion: {warning}")
        if self.is_spravato:
            missing += self.rems_refusals()
        return missing

    def rems_refusals(self) -> list[str]:
        rems = getattr(self, "rems", None)
        missing = [] if rems is None else [f"REMS form: {label}" for label in rems.missing()]
        if rems is None:
            missing.append("the REMS monitoring record")
        return missing

    def short_observation(self) -> tuple[int, int] | None:
        """Spravato: (required, observed) minutes when observed falls short of the minimum."""
        if not self.is_spravato:
            return None
        required = CareSettings.load().rems_observation_minutes
        observed = self.observed_minutes() or 0
        return (required, observed) if observed < required else None
