"""The demo clinic's care records: the clinic's protocols, Jamie half-way through the
induction series the booking demo booked (with charts and falling scores), and Alex, whose
infusion is today (with an urgent check-in on Needs attention), and the consent documents
both have signed. Safe to run again: what exists is left alone."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from klearmind.accounts import roles
from klearmind.accounts.demo import demo_user
from klearmind.booking.models import Appointment, AppointmentStatus, Location, Provider, Service
from klearmind.encryption.keys import email_lookup_hash
from klearmind.intake.questionnaires import NO, SCREENING_BY_KEY, YES

from ..measures import measurement_scores
from ..models import Measurement, MeasurementSource, Medicine, Patient, Protocol, TreatmentPlan
from .attention import load_attention_demo
from .consents import (
    ensure_demo_consents,
    load_consent_demo,
    revise_demo_consent,
    sign_demo_consents,
)
from .register import load_register_demo

PROTOCOLS = (
    {"name": "IV ketamine induction", "medicine": Medicine.KETAMINE_IV},
    {"name": "IV ketamine booster", "medicine": Medicine.KETAMINE_IV, "sessions": 1},
    {"name": "Spravato induction", "medicine": Medicine.SPRAVATO, "sessions": 8},
)
SERIES_PATIENT_EMAIL = "jamie.fox@example.com"
TODAY_PATIENT_EMAIL = "alex.moreno@example.org"


@dataclass
class CareDemoReport:
    created: list[str] = field(default_factory=list)
    check_in_url: str = ""

    def summary(self) -> str:
        made = "; ".join(self.created) if self.created else "nothing new"
        lines = [f"Demo care records: {made}."]
        if self.check_in_url:
            lines.append(f"  Jamie's open check-in questionnaire: {self.check_in_url}")
        return "\n".join(lines)


def load_care_demo() -> CareDemoReport:
    report = CareDemoReport()
    clinician = demo_user(roles.CLINICIAN)
    with transaction.atomic():
        protocols = ensure_protocols(report)
        report.created += ensure_demo_consents()
        series_patient(report, protocols["IV ketamine induction"], clinician)
        report.created += revise_demo_consent()  # after Jamie's charts: Jamie signs again
        todays_patient(report, protocols["IV ketamine booster"], clinician)
        if load_attention_demo(patient_email=TODAY_PATIENT_EMAIL):
            report.created.append("an urgent check-in from Alex Moreno on Needs attention")
        report.created += load_register_demo(clinician)
        report.created += load_consent_demo(
            clinician=clinician,
            front_desk=demo_user(roles.FRONT_DESK),
            series_email=SERIES_PATIENT_EMAIL,
            today_email=TODAY_PATIENT_EMAIL,
        )
    return report


def ensure_protocols(report) -> dict[str, Protocol]:
    found = {}
    for values in PROTOCOLS:
        name = values["name"]
        found[name], created = Protocol.objects.get_or_create(
            name=name, defaults={k: v for k, v in values.items() if k != "name"}
        )
        if created:
            report.created.append(f"protocol “{name}”")
    return found


def series_patient(report, protocol, clinician) -> None:
    first = (
        Appointment.objects.filter(patient_email_hash=email_lookup_hash(SERIES_PATIENT_EMAIL))
        .exclude(series=None)
        .order_by("starts_at")
        .first()
    )
    if first is None:
        return
    existing = Patient.objects.with_email(SERIES_PATIENT_EMAIL).first()
    if existing is not None:
        plan = existing.plans.filter(series=first.series).first()
        if plan is not None:
            load_related(report, patient=existing, plan=plan, clinician=clinician)
        return
    patient = Patient.objects.create(
        full_name="Jamie Fox",
        date_of_birth=datetime.date(1986, 4, 22),
        email=SERIES_PATIENT_EMAIL,
        phone="(916) 555-0133",
        address="1820 P Street, Sacramento, CA 95811",
        conditions=["depression", "anxiety"],
        allergies="Codeine: nausea and vomiting",
        current_medications="Escitalopram 20 mg and lisinopril 10 mg each morning",
        medical_history={**dict.fromkeys(SCREENING_BY_KEY, NO), "hypertension": YES},
        history_notes="Two antidepressants tried at full dose for eight weeks each. Blood "
        "pressure controlled on lisinopril 10 mg.",
        emergency_contact_name="Robin Fox",
        emergency_contact_relationship="Partner",
        emergency_contact_phone="(916) 555-0134",
        escort_name="Robin Fox",
        escort_phone="(916) 555-0134",
        psychiatrist="Dr. Lena Moss, Midtown Psychiatry",
        psychiatrist_contact="Fax (916) 555-0170",
        therapist="Chris Dunn, LMFT",
        therapist_contact="chris.dunn@example.net",
        primary_clinician=clinician,
        location=first.location,
        created_by=clinician,
    )
    plan = TreatmentPlan.objects.create(
        patient=patient,
        protocol=protocol,
        indication="Treatment-resistant depression",
        goals="Back to full-time work; PHQ-9 below 10 by the end of the series.",
        planned_sessions=protocol.sessions,
        series=first.series,
        started_on=first.local_start.date(),
        created_by=clinician,
    )
    load_related(report, patient=patient, plan=plan, clinician=clinician)
    report.created.append("Jamie Fox, mid-way through an induction series")


def load_related(report, *, patient, plan, clinician) -> None:
    """Charts of the visits done, and the scores around them."""
    from .charts import load_charts
    from .outcomes import load_scores

    load_charts(patient=patient, plan=plan, clinician=clinician)
    report.check_in_url = load_scores(patient=patient, plan=plan) or ""


def todays_patient(report, protocol, clinician) -> None:
    location = Location.objects.filter(page__slug="sacramento").first()
    service = Service.objects.filter(kind="booster").first()
    provider = Provider.objects.filter(user=clinician).first() if clinician else None
    if None in (location, service, provider):
        return
    if Patient.objects.with_email(TODAY_PATIENT_EMAIL).exists():
        return
    patient = Patient.objects.create(
        full_name="Alex Moreno",
        date_of_birth=datetime.date(1975, 8, 3),
        email=TODAY_PATIENT_EMAIL,
        phone="(916) 555-0152",
        conditions=["depression"],
        current_medications="Bupropion 300 mg each morning",
        emergency_contact_name="Sam Moreno",
        emergency_contact_relationship="Brother",
        emergency_contact_phone="(916) 555-0153",
        escort_name="Sam Moreno",
        escort_phone="(916) 555-0153",
        primary_clinician=clinician,
        location=location,
        created_by=clinician,
    )
    TreatmentPlan.objects.create(
        patient=patient,
        protocol=protocol,
        indication="Depression: booster after a completed series",
        planned_sessions=1,
        created_by=clinician,
    )
    # Scores from the induction series Alex finished last month, entered in clinic.
    for days_ago, items in ((45, (3, 2, 2, 2, 1, 2, 2, 2, 0)), (20, (1, 1, 1, 1, 1, 1, 1, 0, 0))):
        Measurement.objects.create(
            patient=patient,
            taken_at=timezone.now() - datetime.timedelta(days=days_ago),
            source=MeasurementSource.CLINIC,
            scores=measurement_scores(phq9=items),
            entered_by=clinician,
        )
    book_today(location, service, provider)
    # Signed at the front desk yesterday, so today's booster may start.
    yesterday = timezone.now() - datetime.timedelta(days=1)
    sign_demo_consents(
        patient, kind=service.kind, at=yesterday, witness=demo_user(roles.FRONT_DESK)
    )
    report.created.append("Alex Moreno, with a booster infusion today")


def book_today(location, service, provider) -> None:
    starts_at = datetime.datetime.combine(
        timezone.localdate(), datetime.time(9), tzinfo=location.zone
    )
    ends_at = starts_at + datetime.timedelta(minutes=service.duration_minutes)
    Appointment.objects.create(
        service=service,
        location=location,
        provider=provider,
        chair=location.chairs,
        starts_at=starts_at,
        ends_at=ends_at,
        occupied_from=starts_at - datetime.timedelta(minutes=service.buffer_before_minutes),
        occupied_until=ends_at + datetime.timedelta(minutes=service.buffer_after_minutes),
        status=AppointmentStatus.BOOKED,
        patient_name="Alex Moreno",
        patient_email=TODAY_PATIENT_EMAIL,
        patient_phone="(916) 555-0152",
    )
