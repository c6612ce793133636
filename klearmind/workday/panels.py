"""The panels of each role's home screen: counts that link to the screens where the work is.

A panel shows a row only to whoever may open the screen it links to, checked as that screen
checks it. Rows carry counts, times and places, never a patient's name, score or answer: the
home screen is not audited, so nothing on it may be health information.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from wagtail.admin.auth import user_has_any_page_permission
from wagtail.admin.ui.components import Component
from wagtail.models import Page, WorkflowState

from klearmind.accounts import lockout
from klearmind.accounts.access import has_access
from klearmind.booking import desk
from klearmind.booking.models import Appointment, AppointmentStatus, Location, Provider
from klearmind.care.attention.services import open_flags_of_request
from klearmind.care.charts.services import CHARTED_KINDS
from klearmind.care.consents.standing import treatments_to_sign_for
from klearmind.care.models import RemsRecord
from klearmind.comments.models import Comment, CommentStatus
from klearmind.enquiries.models import Enquiry, EnquiryStatus
from klearmind.intake.models import Status as SubmissionStatus
from klearmind.intake.models import Submission
from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.models import Status as MessageStatus

# The permissions the linked screens check, each written as the screen writes it.
MANAGE = "accounts.manage_appointments"
CONTACT = "accounts.view_patient_contact"
HEALTH = "accounts.view_health_record"
ENQUIRIES = "enquiries.view_enquiry"
OUTBOX = "outbox.view_outgoingmessage"
UNLOCK = "accounts.unlock_login"
COMMENTS = "comments.view_comment"

ARRIVED = (AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)
DAY = datetime.timedelta(days=1)
WAITING_COMMENTS_SHOWN = 5


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    url: str
    detail: str = ""
    urgent: bool = False


def link(name: str, **query) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def start_of_today() -> datetime.datetime:
    """Midnight at the start of the clinic's day, in the clinic's time zone."""
    return datetime.datetime.combine(
        timezone.localdate(), datetime.time(0), tzinfo=timezone.get_current_timezone()
    )


class RolePanel(Component):
    """One role's panel; `rows()` gives what this person may see of it."""

    template_name = "workday/panel.html"
    heading = ""
    intro = ""

    class Media:
        css = {"all": ["workday/workday.css"]}

    def __init__(self, request):
        self.request = request
        self.user = request.user

    @cached_property
    def locations(self) -> list[Location]:
        return list(Location.objects.select_related("page"))

    def rows(self) -> list[Row]:
        raise NotImplementedError

    def extra(self) -> dict:
        return {}

    def get_context_data(self, parent_context=None):
        rows = self.rows()
        return {"panel": self, "rows": rows, **self.extra()}


class FrontDeskPanel(RolePanel):
    name = "workday_front_desk"
    heading = "Front desk today"
    intro = "Today's visits at each location, and the people waiting for a call."
    order = 10

    def rows(self) -> list[Row]:
        rows = []
        if has_access(self.user, MANAGE):
            rows += self.arrivals()
            rows.append(self.consents_to_sign())
        if has_access(self.user, ENQUIRIES):
            new = Enquiry.objects.with_status(EnquiryStatus.NEW).count()
            rows.append(Row("New enquiries", new, link("enquiries_admin:listing", status="new")))
        if has_access(self.user, CONTACT):
            to_call = Submission.objects.with_status(SubmissionStatus.NEW).count()
            url = link("intake_admin:queue", status=SubmissionStatus.NEW)
            rows.append(Row("Questionnaires to call", to_call, url))
        if has_access(self.user, MANAGE):
            unconfirmed = Appointment.objects.unconfirmed().count()
            rows.append(
                Row(
                    "Booked online, to confirm by phone",
                    unconfirmed,
                    link("booking_admin:calendar"),
                    detail="Upcoming visits with a deposit, booked by the patient.",
                )
            )
        return rows

    def consents_to_sign(self) -> Row:
        """Today's treatments whose patient has a consent still to sign: a count, no names."""
        today = (
            Appointment.objects.active()
            .filter(service__kind__in=CHARTED_KINDS)
            .today_at(self.locations)
            .select_related("service", "location")
        )
        return Row(
            "Treatments with a consent to sign",
            len(treatments_to_sign_for(list(today))),
            link("booking_admin:calendar"),
            detail="Today's treatments that cannot start until the patient signs.",
        )

    def arrivals(self) -> list[Row]:
        counts = {
            row["location"]: row
            for row in Appointment.objects.today_at(self.locations)
            .order_by()
            .values("location")
            .annotate(
                expected=Count("pk", filter=~Q(status=AppointmentStatus.CANCELLED)),
                arrived=Count("pk", filter=Q(status__in=ARRIVED)),
            )
        }
        rows = []
        for location in self.locations:
            found = counts.get(location.pk, {"expected": 0, "arrived": 0})
            rows.append(
                Row(
                    f"Arrived at {location}",
                    found["arrived"],
                    link("booking_admin:calendar", location=location.pk),
                    detail=f"of {found['expected']} expected today",
                )
            )
        return rows


class ClinicianPanel(RolePanel):
    name = "workday_clinician"
    heading = "Your clinical day"
    intro = "What needs a clinician, and your own visits today."
    order = 20

    def rows(self) -> list[Row]:
        if not has_access(self.user, HEALTH):
            return []
        treatments = (
            Appointment.objects.active()
            .filter(service__kind__in=CHARTED_KINDS)
            .today_at(self.locations)
            .count()
        )
        rems = RemsRecord.objects.not_submitted().aggregate(
            due=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=timezone.localdate()))
        )
        flags = len(open_flags_of_request(self.request))
        return [
            Row("Needs attention", flags, link("care_admin:attention"), urgent=bool(flags)),
            Row("Today's treatments", treatments, link("care_admin:today")),
            Row(
                "REMS forms due",
                rems["due"],
                link("care_admin:rems_due"),
                detail=f"{rems['overdue']} overdue" if rems["overdue"] else "",
                urgent=bool(rems["overdue"]),
            ),
        ]

    def extra(self) -> dict:
        """Today's visits of the provider linked to this login, as My schedule lists them."""
        if not (has_access(self.user, HEALTH) and has_access(self.user, MANAGE)):
            return {}
        provider = Provider.objects.filter(user=self.user).first()
        start = start_of_today()
        visits = desk.schedule_of(provider, start, start + DAY) if provider else []
        return {
            "show_schedule": True,
            "linked": provider is not None,
            "schedule": visits,
            "schedule_url": link("booking_admin:my_schedule"),
        }


class OwnerPanel(RolePanel):
    name = "workday_owner"
    heading = "The clinic today"
    intro = "The day's figures, and what has gone wrong."
    order = 30

    def rows(self) -> list[Row]:
        rows = []
        since = start_of_today()
        if has_access(self.user, MANAGE):
            rows += self.visits()
        if has_access(self.user, CONTACT):
            new = Submission.objects.submitted_since(since).count()
            rows.append(Row("New candidates today", new, link("intake_admin:queue")))
        if has_access(self.user, ENQUIRIES):
            new = Enquiry.objects.since(since).count()
            rows.append(Row("New enquiries today", new, link("enquiries_admin:listing")))
        if has_access(self.user, OUTBOX):
            failed = OutgoingMessage.objects.failed_for_good().count()
            url = link("outbox_admin:listing", status=MessageStatus.FAILED)
            rows.append(Row("Failed outgoing messages", failed, url, urgent=bool(failed)))
        if has_access(self.user, UNLOCK):
            locked = lockout.locked_logins().count() + lockout.locked_addresses().count()
            rows.append(Row("Locked logins", locked, link("accounts:locked_logins")))
        return rows

    def visits(self) -> list[Row]:
        today = Appointment.objects.today_at(self.locations).aggregate(
            booked=Count("pk", filter=~Q(status=AppointmentStatus.CANCELLED)),
            arrived=Count("pk", filter=Q(status__in=ARRIVED)),
            no_show=Count("pk", filter=Q(status=AppointmentStatus.NO_SHOW)),
        )
        calendar = link("booking_admin:calendar")
        return [
            Row("Visits booked today", today["booked"], calendar),
            Row("Arrived", today["arrived"], calendar),
            Row("No-shows", today["no_show"], calendar, urgent=bool(today["no_show"])),
        ]


class ModeratorPanel(RolePanel):
    name = "workday_moderator"
    heading = "Comments waiting"
    intro = "Comments with crisis language come first."
    order = 40
    template_name = "workday/moderator_panel.html"

    def rows(self) -> list[Row]:
        if not self.user.has_perm(COMMENTS):
            return []
        waiting = Comment.objects.pending().aggregate(
            all=Count("pk"), urgent=Count("pk", filter=Q(urgent=True))
        )
        queue = link("comments_admin:queue", status=CommentStatus.PENDING)
        return [
            Row("Crisis language", waiting["urgent"], queue, urgent=bool(waiting["urgent"])),
            Row("Waiting for moderation", waiting["all"], queue),
        ]

    def extra(self) -> dict:
        if not self.user.has_perm(COMMENTS):
            return {}
        first = (
            Comment.objects.pending()
            .select_related("page")
            .order_by("-urgent", "-submitted_at", "-pk")[:WAITING_COMMENTS_SHOWN]
        )
        return {"waiting": list(first)}


class EditorPanel(RolePanel):
    name = "workday_editor"
    heading = "Drafts and moderation"
    intro = "Drafts and pages waiting for moderation; Wagtail's own lists follow below."
    order = 50

    def rows(self) -> list[Row]:
        if not user_has_any_page_permission(self.user):
            return []
        drafts = Page.objects.filter(depth__gt=1, has_unpublished_changes=True).count()
        moderation = WorkflowState.objects.active().count()
        return [
            Row("Pages with unpublished changes", drafts, reverse("wagtailadmin_explore_root")),
            Row("In moderation", moderation, reverse("wagtailadmin_reports:workflow")),
        ]
