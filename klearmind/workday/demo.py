"""The demo clinic's day as each role first sees it: visits today at both clinics (the demo
clinician's own among them), a reminder that could not be sent, a locked login, and two
article drafts, one of them waiting for moderation. Runs once; what is there stays."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.rich_text import RichText

from klearmind.accounts import roles
from klearmind.accounts.demo import demo_user
from klearmind.booking.models import Appointment, AppointmentStatus, Location, Provider, Service
from klearmind.outbox import registry
from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.models import Status as MessageStatus
from klearmind.outbox.services import about_type
from klearmind.pages.models import ArticleIndexPage, ArticlePage

DEMO_PROVIDER = "Dr. Daniel Okafor, MD"
NURSE = "Lena Park, RN"
ARRIVED, NO_SHOW, BOOKED = AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW, "booked"
# Local time, clinic, service, provider (None: the demo clinician), chair, patient, e-mail,
# status once the time has passed, booked online.
TODAY = [
    ((8, 0), "sacramento", "free-consultation", None, None, "Robin Ellis", "robin.ellis", ARRIVED),
    ((14, 0), "sacramento", "free-consultation", None, None, "Noor Haddad", "noor.haddad", BOOKED),
    ((16, 30), "sacramento", "free-consultation", None, None, "Eli Brandt", "eli.brandt", BOOKED),
    ((8, 30), "roseville", "iv-hydration", NURSE, 1, "Jo Marsh", "jo.marsh", ARRIVED),
    ((9, 0), "roseville", "iv-hydration", NURSE, 2, "Tess Olsen", "tess.olsen", NO_SHOW),
    ((13, 0), "roseville", "iv-hydration", NURSE, 1, "Kai Lund", "kai.lund", BOOKED),
]
LOCKED_USERNAME = "temp.nurse"
LOCKED_ADDRESS = "203.0.113.50"
DRAFTS = [
    (
        "Our holiday hours",
        "When each clinic is open over the holidays.",
        "Both clinics close on Christmas Day and New Year's Day and open late on the days after.",
        False,
    ),
    (
        "What a booster infusion is for",
        "Why some patients come back after a series.",
        "Some patients return for a single infusion when their symptoms begin to come back.",
        True,
    ),
]


def load_workday_demo() -> str:
    """Create what the home screens need to show a working day; never change what is there."""
    made = []
    with transaction.atomic():
        if not booked_already():
            made.append(f"{book_today()} visits today, the demo clinician's among them")
        if not OutgoingMessage.objects.failed_for_good().exists():
            made += failed_reminder()
        if not AccessAttempt.objects.filter(username=LOCKED_USERNAME).exists():
            made.append(locked_login())
        made += article_drafts()
    return "Demo working day: " + ("; ".join(made) if made else "nothing new") + "."


def booked_already() -> bool:
    first_patient = f"{TODAY[0][6]}@example.com"
    lookup = Appointment._meta.get_field("patient_email_hash").hash(first_patient)
    return Appointment.objects.filter(patient_email_hash=lookup).exists()


def clinicians_provider(services) -> Provider:
    """The provider the demo clinician's login is linked to, or a new one for them."""
    clinician = demo_user(roles.CLINICIAN)
    own = Provider.objects.filter(user=clinician).first() if clinician else None
    if own is None:
        own = Provider.objects.create(name=DEMO_PROVIDER, user=clinician)
        own.services.set([services["free-consultation"]])
        own.save()
    return own


def book_today() -> int:
    locations = {location.page.slug: location for location in Location.objects.all()}
    services = {service.slug: service for service in Service.objects.all()}
    own = clinicians_provider(services)
    booked = 0
    now = timezone.now()
    for (hour, minute), where, slug, provider_name, chair, name, email, status in TODAY:
        location, service = locations.get(where), services.get(slug)
        provider = Provider.objects.filter(name=provider_name).first() if provider_name else own
        if None in (location, service, provider):
            continue
        starts_at = datetime.datetime.combine(
            timezone.localdate(), datetime.time(hour, minute), tzinfo=location.zone
        )
        ends_at = starts_at + service.duration
        Appointment.objects.create(
            service=service,
            location=location,
            provider=provider,
            chair=chair if service.needs_chair else None,
            starts_at=starts_at,
            ends_at=ends_at,
            occupied_from=starts_at - datetime.timedelta(minutes=service.buffer_before_minutes),
            occupied_until=ends_at + datetime.timedelta(minutes=service.buffer_after_minutes),
            status=status if starts_at <= now else BOOKED,
            patient_name=name,
            patient_email=f"{email}@example.com",
            patient_phone="(916) 555-0177",
            booked_by=None if status == BOOKED else demo_user(roles.FRONT_DESK),
        )
        booked += 1
    return booked


def failed_reminder() -> list[str]:
    """A reminder the mail server refused for good, for the owner to look into."""
    visit = Appointment.objects.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    if visit is None:
        return []
    OutgoingMessage.objects.create(
        kind="booking.reminder",
        template=registry.kind("booking.reminder").template,
        about_type=about_type(visit),
        about_id=visit.pk,
        recipient=visit.patient_email,
        status=MessageStatus.FAILED,
        attempts=8,
        error_type="SMTPRecipientsRefused",
    )
    return ["a reminder the mail server refused"]


def locked_login() -> str:
    AccessAttempt.objects.create(
        username=LOCKED_USERNAME,
        ip_address=LOCKED_ADDRESS,
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/admin/login/",
        get_data="",
        post_data="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    return f"the login {LOCKED_USERNAME} locked after wrong passwords"


def article_drafts() -> list[str]:
    index = ArticleIndexPage.objects.first()
    editor = demo_user(roles.EDITOR)
    if index is None:
        return []
    made = []
    for title, intro, first_line, to_moderation in DRAFTS:
        if ArticlePage.objects.filter(title=title).exists():
            continue
        page = index.add_child(
            instance=ArticlePage(
                title=title,
                intro=intro,
                body=[("paragraph", RichText(f"<p>{first_line}</p>"))],
                live=False,
                owner=editor,
            )
        )
        page.save_revision(user=editor)
        workflow = page.get_workflow()
        if to_moderation and workflow is not None:
            workflow.start(page, editor)
            made.append(f"the article draft “{title}”, waiting for moderation")
        else:
            made.append(f"the article draft “{title}”")
    return made
