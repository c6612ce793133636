"""Sample enquiries for the demo clinic, in each status. Safe to run again: an enquiry already
present (found by the keyed hash of its e-mail address) is left alone."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from klearmind.accounts import roles
from klearmind.accounts.demo import demo_user

from .models import Enquiry, EnquiryStatus


@dataclass(frozen=True)
class DemoEnquiry:
    name: str
    email: str
    message: str
    phone: str = ""
    hours_ago: int = 2
    status: str = EnquiryStatus.NEW


ENQUIRIES = (
    DemoEnquiry(
        name="Tomás Herrera",
        email="tomas.herrera@example.org",
        phone="916 555 0142",
        message="Do you offer home visits in Elk Grove for IV hydration? Weekday evenings "
        "would suit me best.",
        hours_ago=3,
    ),
    DemoEnquiry(
        name="Hannah Brooks",
        email="hannah.brooks@example.org",
        message="My doctor suggested I ask about ketamine therapy. Is the first consultation "
        "really free, and can I bring my partner?",
        hours_ago=26,
        status=EnquiryStatus.ANSWERED,
    ),
    DemoEnquiry(
        name="Lee Nakamura",
        email="lee.nakamura@example.org",
        message="Is there parking at the Roseville clinic?",
        hours_ago=75,
        status=EnquiryStatus.CLOSED,
    ),
)


def load_enquiries_demo() -> str:
    """Create the sample enquiries that are missing; return a one-line summary."""
    desk = demo_user(roles.FRONT_DESK)
    created = present = 0
    for sample in ENQUIRIES:
        if Enquiry.objects.by_email(sample.email).exists():
            present += 1
            continue
        build(sample, desk)
        created += 1
    return f"Demo enquiries: {created} created, {present} already present."


def build(sample: DemoEnquiry, desk) -> Enquiry:
    enquiry = Enquiry.objects.create(
        name=sample.name,
        email=sample.email,
        phone=sample.phone,
        message=sample.message,
        created_at=timezone.now() - datetime.timedelta(hours=sample.hours_ago),
    )
    if sample.status != EnquiryStatus.NEW:
        enquiry.mark_answered(by=desk)
    if sample.status == EnquiryStatus.CLOSED:
        enquiry.close(by=desk)
    return enquiry
