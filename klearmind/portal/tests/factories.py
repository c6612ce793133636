"""People for the portal tests: a patient with a series under way, and another person."""

import datetime
import re

from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from klearmind.booking.links import sign_in_to_portal
from klearmind.care.tests.factories import PATIENT_EMAIL, make_patient
from klearmind.care.tests.outcome_factories import Treatment
from klearmind.encryption.keys import email_lookup_hash

OTHER_EMAIL = "sam.other@example.org"
LINK = re.compile(r"http://testserver(/my/sign-in/[^/\s]+/)")


def in_days(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def person(email: str = PATIENT_EMAIL) -> str:
    return email_lookup_hash(email)


def e_mailed_link(test: TestCase, email: str = PATIENT_EMAIL) -> str:
    """Ask for a link as the person does and return its path from the e-mail."""
    with test.captureOnCommitCallbacks(execute=True):
        test.client.post(reverse("portal:sign_in"), {"email": email})
    [message] = [m for m in mail.outbox if m.to == [email]][-1:]
    return LINK.search(message.body).group(1)


def signed_in(client, email: str = PATIENT_EMAIL) -> None:
    """Sign `email` in to the portal in this client, as a used link does."""
    session = client.session
    sign_in_to_portal(session, person(email))
    session.save()


class SeriesUnderWay:
    """A patient with two visits of a series ahead; another person with one visit of their own."""

    def __init__(self):
        self.patient = make_patient()
        self.treatment = Treatment()
        self.visits = [self.treatment.visit(in_days(days)) for days in (3, 5)]
        self.other = make_patient(email=OTHER_EMAIL, full_name="Sam Other")
        self.other_visit = Treatment("uptown").visit(in_days(4), email=OTHER_EMAIL)
