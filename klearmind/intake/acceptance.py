"""What intake tells booking (through klearmind.booking.clearance): whether someone's
questionnaire is accepted by a clinician, looked up by the keyed hash of the address."""

from .models import Status, Submission


def has_accepted_questionnaire(email: str) -> bool:
    email_hash = Submission._meta.get_field("email_hash").hash(email)
    return Submission.objects.filter(email_hash=email_hash, status=Status.ACCEPTED).exists()
