"""Workflows of the patient record: opening it (from an accepted questionnaire or by hand),
editing it, notes and scores entered in clinic. Each writes the audit log in the same
transaction."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.booking.models import Location
from klearmind.intake import scoring
from klearmind.intake.models import Status, Submission

from ..measures import clinic_pcl5_cutoff, is_urgent, measurement_scores
from .models import (
    Measurement,
    MeasurementSource,
    Patient,
    PatientNote,
)


def open_patient_from_submission(*, submission: Submission, by, request=None) -> Patient:
    """Open the record of an accepted candidate, carrying over contact details, history,
    medicines and the questionnaire's scores as the baseline. Opening it twice returns the
    record made the first time."""
    if submission.status != Status.ACCEPTED:
        raise ValidationError(
            "Only an accepted candidate becomes a patient; this questionnaire is %(status)s.",
            code="not_accepted",
            params={"status": submission.get_status_display().lower()},
        )
    existing = Patient.objects.filter(submission=submission).first()
    if existing is not None:
        return existing
    if Patient.objects.with_email(submission.email).exists():
        raise email_in_use()
    try:
        with transaction.atomic():
            patient = Patient.objects.create(
                **_carried_over(submission), submission=submission, created_by=by
            )
            Measurement.objects.create(
                patient=patient,
                taken_at=submission.submitted_at,
                source=MeasurementSource.INTAKE,
                scores=baseline_scores(submission.answers),
                urgent=bool(submission.results.get("urgent")),
            )
            record(
                action=AuditEvent.Action.CREATE,
                request=request,
                actor=by,
                target=patient,
                detail=f"patient record opened from questionnaire {submission.pk}",
            )
    except IntegrityError:  # opened by a click a moment earlier
        opened = Patient.objects.filter(submission=submission).first()
        if opened is None:
            raise email_in_use() from None
        return opened
    return patient


def email_in_use() -> ValidationError:
    return ValidationError(
        "A patient record with this e-mail address exists already; open that one.",
        code="email_in_use",
    )


def _carried_over(submission: Submission) -> dict:
    answers = submission.answers
    medications = answers.get("medications", {})
    care_team = []
    for key, label in (("has_therapist", "therapist"), ("has_psychiatrist", "psychiatrist")):
        if medications.get(key) == "yes":
            care_team.append(f"Sees a {label} (name not yet recorded).")
    return {
        "full_name": submission.full_name,
        "date_of_birth": submission.date_of_birth,
        "email": submission.email,
        "phone": submission.phone,
        "conditions": list(submission.conditions),
        "current_medications": medications.get("current_medications", ""),
        "medical_history": dict(answers.get("history", {})),
        "history_notes": "\n".join(care_team),
        "primary_clinician": submission.assigned_to,
        "location": Location.objects.filter(page__slug=submission.location).first(),
    }


def baseline_scores(answers: dict) -> dict:
    """The questionnaire's measures as a Measurement stores them: total, band and items."""

    def items(measure: str, count: int):
        if measure not in answers:
            return None
        return [int(answers[measure][f"{measure}_{n}"]) for n in range(1, count + 1)]

    phq9 = answers.get("phq9", {})
    difficulty = phq9.get("phq9_difficulty")
    return measurement_scores(
        phq9=items("phq9", scoring.PHQ9_ITEM_COUNT),
        gad7=items("gad7", scoring.GAD7_ITEM_COUNT),
        pcl5=items("pcl5", scoring.PCL5_ITEM_COUNT),
        pain=int(answers["pain"]["pain"]) if "pain" in answers else None,
        phq9_difficulty=None if difficulty in (None, "") else int(difficulty),
        pcl5_cutoff=clinic_pcl5_cutoff(),
    )


def create_patient(*, form, by, request=None) -> Patient:
    """Open a record typed in by a clinician (someone who never filled the questionnaire)."""
    try:
        with transaction.atomic():
            patient = form.save(commit=False)
            patient.created_by = by
            patient.save()
            record(
                action=AuditEvent.Action.CREATE,
                request=request,
                actor=by,
                target=patient,
                detail="patient record opened by hand",
            )
    except IntegrityError:  # the same address sent twice at once
        raise email_in_use() from None
    return patient


def update_patient(*, form, by, request=None) -> Patient:
    try:
        with transaction.atomic():
            patient = form.save()
            record(
                action=AuditEvent.Action.CHANGE,
                request=request,
                actor=by,
                target=patient,
                detail="changed: " + ", ".join(sorted(form.changed_data)),
            )
    except IntegrityError:  # another record took the address a moment earlier
        raise email_in_use() from None
    return patient


def add_note(*, patient: Patient, text: str, by, request=None) -> PatientNote:
    with transaction.atomic():
        note = PatientNote.objects.create(patient=patient, text=text, author=by)
        record(
            action=AuditEvent.Action.CREATE,
            request=request,
            actor=by,
            target=patient,
            detail=f"note {note.pk} added",
        )
    return note


def record_clinic_scores(
    *, patient: Patient, answers: dict, taken_at, by, late_reason: str = "", request=None
) -> Measurement:
    """Keep the scores of a questionnaire filled on paper in clinic. A positive PHQ-9 item 9
    is never counted as reviewed by whoever types it in: it goes on Needs attention until a
    clinician reviews it there with a note (CLINICAL.md, suicide risk)."""
    scores = measurement_scores(**answers, pcl5_cutoff=clinic_pcl5_cutoff())
    with transaction.atomic():
        measurement = Measurement.objects.create(
            patient=patient,
            taken_at=taken_at,
            source=MeasurementSource.CLINIC,
            scores=scores,
            urgent=is_urgent(scores),
            entered_by=by,
            late_reason=late_reason,
        )
        record(
            action=AuditEvent.Action.CREATE,
            request=request,
            actor=by,
            target=measurement,
            detail=f"scores entered in clinic for patient {patient.pk}",
        )
    return measurement
