"""The demo clinic's Needs attention list: an urgent check-in from Alex Moreno, whose booster
infusion is today, so the banner shows on the record, the chart and Today's treatments. (The
unsent urgent questionnaire comes from intake's demo.) Safe to run again: the check-in has a
fixed key."""

import datetime

from django.utils import timezone

from ..measures import measurement_scores
from ..models import CheckIn, CheckInReason, Measurement, MeasurementSource, Patient

URGENT_CHECK_IN_KEY = "demo-urgent-check-in"
URGENT_ITEMS = (2, 2, 1, 2, 1, 2, 1, 1, 1)


def load_attention_demo(*, patient_email: str) -> bool:
    """Alex's answered check-in with PHQ-9 item 9 above "not at all"; True when made now."""
    patient = Patient.objects.with_email(patient_email).first()
    if patient is None or CheckIn.objects.filter(key=URGENT_CHECK_IN_KEY).exists():
        return False
    answered = timezone.now() - datetime.timedelta(hours=2)
    measurement = Measurement.objects.create(
        patient=patient,
        taken_at=answered,
        source=MeasurementSource.CHECK_IN,
        scores=measurement_scores(phq9=URGENT_ITEMS),
        urgent=True,
    )
    CheckIn.objects.create(
        patient=patient,
        reason=CheckInReason.VISIT,
        measures=["phq9"],
        key=URGENT_CHECK_IN_KEY,
        created_at=answered - datetime.timedelta(days=1),
        expires_at=answered + datetime.timedelta(days=6),
        sent_at=answered - datetime.timedelta(days=1),
        completed_at=answered,
        measurement=measurement,
        # The demo's on-call alert counts as sent: loading the demo e-mails nobody.
        alert_sent_at=answered,
    )
    return True
