"""The demo's way into the portal: Jamie, half-way through an induction series, signs in with
an e-mailed link, which the console shows in the embedded setup."""

from django.conf import settings
from django.urls import reverse

from klearmind.care.demo import SERIES_PATIENT_EMAIL

from .services import is_known, person_hash


def portal_demo() -> str:
    if not is_known(person_hash(SERIES_PATIENT_EMAIL)):
        return ""
    address = settings.WAGTAILADMIN_BASE_URL + reverse("portal:sign_in")
    return (
        f"Patient portal: at {address} ask for a link for {SERIES_PATIENT_EMAIL} (Jamie, "
        "half-way through a series); the e-mail with the link appears in this terminal."
    )
