"""Every route of the project's own apps, sorted into those that accept a POST and those that
only read. A new route fails the inventory test until it is sorted here (and, if it takes a
POST, given hostile input in test_public_forms or test_staff_forms)."""

from django.urls import URLResolver, get_resolver, reverse

from klearmind.booking.links import invitation_token, visit_path
from klearmind.booking.models import Appointment, Invitation
from klearmind.care.check_ins.services import check_in_page_path
from klearmind.care.consents.models import ConsentDocument
from klearmind.care.models import (
    CheckIn,
    CountLine,
    InfusionChart,
    Measurement,
    Patient,
    RegisterEntry,
)
from klearmind.comments.models import Comment
from klearmind.enquiries.models import Enquiry
from klearmind.intake.models import Draft, Submission
from klearmind.pages.models import ArticlePage, ContactPage

OWN_NAMESPACES = {
    "accounts",
    "audit",
    "booking",
    "booking_admin",
    "care",
    "care_admin",
    "comments",
    "comments_admin",
    "enquiries_admin",
    "intake",
    "intake_admin",
    "pay",
    "payments",
    "payments_admin",
}
OWN_NAMES = {"healthz", "robots_txt", "search", "sitemap"}

READ_ONLY = {
    "accounts:security",
    "accounts:session_status",
    "audit:report",
    "audit:report_results",
    "booking:appointment",
    "booking:calendar",
    "booking:day",
    "booking:invitation",
    "booking:invitation_link",
    "booking:month",
    "booking:place",
    "booking:start",
    "booking:visit_link",
    "booking_admin:appointment",
    "booking_admin:calendar",
    "booking_admin:series",
    "booking_admin:day_sheet",
    "booking_admin:my_schedule",
    "care:check_in_link",
    "care_admin:attention",
    "care_admin:attention_history",
    "care_admin:chart",
    "care_admin:consent",
    "care_admin:consent_copy",
    "care_admin:consent_version",
    "care_admin:consents",
    "care_admin:dashboard",
    "care_admin:dashboard_csv",
    "care_admin:patient",
    "care_admin:patient_consents",
    "care_admin:patients",
    "care_admin:progress",
    "care_admin:progress_summary",
    "care_admin:record_fhir",
    "care_admin:record_json",
    "care_admin:record_summary",
    "care_admin:register",
    "care_admin:register_container",
    "care_admin:register_count",
    "care_admin:register_count_csv",
    "care_admin:register_csv",
    "care_admin:rems_due",
    "care_admin:today",
    "comments:token",
    "comments_admin:queue",
    "enquiries_admin:csv",
    "enquiries_admin:detail",
    "enquiries_admin:listing",
    "healthz",
    "intake:resume",
    "intake:start",
    "intake:thanks",
    "intake_admin:detail",
    "intake_admin:print",
    "intake_admin:queue",
    "payments_admin:account",
    "payments_admin:receipt",
    "payments_admin:report",
    "payments_admin:report_csv",
    "robots_txt",
    "search",
    "sitemap",
}
# One-click unsubscribe (RFC 8058): mail clients post it without a CSRF token, by design.
# Stripe's webhook is signed by Stripe instead (payments/tests/test_webhooks.py).
CSRF_EXEMPT = {"comments:unsubscribe", "payments:stripe_webhook"}


def own_route_names() -> set[str]:
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name and namespace in OWN_NAMESPACES:
                names.add(f"{namespace}:{pattern.name}")
            elif pattern.name in OWN_NAMES and namespace is None:
                names.add(pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def posting_routes() -> dict[str, tuple[str, str]]:
    """Each route that accepts a POST: who may post (public or staff) and one address of it,
    in the demo clinic."""
    comment, submission = Comment.objects.first(), Submission.objects.first()
    enquiry = Enquiry.objects.first()
    visit = Appointment.objects.filter(status="booked").order_by("-starts_at").first()
    in_series = Appointment.objects.filter(status="booked", series__isnull=False).first()
    chart = InfusionChart.objects.first()
    patient = Patient.objects.filter(plans__isnull=False).first()
    measurement, plan = Measurement.objects.first(), patient.plans.first()
    check_in = CheckIn.objects.filter(completed_at=None).first()
    draft = Draft.objects.filter(urgent=True).first()
    article = ArticlePage.objects.live().first()
    public = {
        "comments:post": reverse("comments:post", args=[article.pk]),
        "comments:unsubscribe": reverse("comments:unsubscribe", args=[comment.unsubscribe_token]),
        "comments:unsubscribe_confirm": reverse("comments:unsubscribe_confirm"),
        "contact page": ContactPage.objects.get().url,
        "intake:step": reverse("intake:step", args=[1]),
        "intake:email_link": reverse("intake:email_link"),
        "intake:show_link": reverse("intake:show_link"),
        "booking:details": reverse("booking:start") + "iv-hydration/sacramento/details/",
        "booking:cancel": visit_path(visit, "booking:cancel"),
        "booking:reschedule": visit_path(visit, "booking:reschedule"),
        "booking:series_cancel": visit_path(in_series, "booking:series_cancel"),
        "booking:series_reschedule": visit_path(in_series, "booking:series_reschedule"),
        "pay:deposit": visit_path(visit, "pay:deposit"),
        "care:check_in": check_in_page_path(check_in),
        "staff sign-in": reverse("wagtailadmin_login"),
        "accounts:two_factor_verify": reverse("accounts:two_factor_verify"),
        "payments:stripe_webhook": reverse("payments:stripe_webhook"),
    }
    staff = {
        "accounts:two_factor_setup": reverse("accounts:two_factor_setup"),
        "accounts:new_recovery_codes": reverse("accounts:new_recovery_codes"),
        "accounts:remove_two_factor": reverse("accounts:remove_two_factor"),
        "accounts:sign_out_everywhere": reverse("accounts:sign_out_everywhere"),
        "accounts:session_keepalive": reverse("accounts:session_keepalive"),
        "accounts:locked_logins": reverse("accounts:locked_logins"),
        "comments_admin:bulk": reverse("comments_admin:bulk"),
        "comments_admin:detail": reverse("comments_admin:detail", args=[comment.pk]),
        "comments_admin:personal_data": reverse("comments_admin:personal_data"),
        "comments_admin:crisis_resources": reverse(
            "comments_admin:crisis_resources", args=[comment.pk]
        ),
        "intake_admin:settings": reverse("intake_admin:settings"),
        "enquiries_admin:status": reverse("enquiries_admin:status", args=[enquiry.pk]),
        "booking_admin:book": reverse("booking_admin:book"),
        "booking_admin:invitations": reverse("booking_admin:invitations"),
        "booking_admin:series_book": reverse("booking_admin:series_book"),
        "booking_admin:series_move": reverse(
            "booking_admin:series_move", args=[in_series.series_id]
        ),
        "booking_admin:series_cancel": reverse(
            "booking_admin:series_cancel", args=[in_series.series_id]
        ),
        "care_admin:patient_create": reverse("care_admin:patient_create"),
        "care_admin:open_chart": reverse("care_admin:open_chart", args=[visit.pk]),
        "care_admin:chart_section": reverse("care_admin:chart_section", args=[chart.pk, "vitals"]),
        "care_admin:rems_submitted": reverse("care_admin:rems_submitted", args=[chart.pk]),
        "care_admin:patient_from_questionnaire": reverse(
            "care_admin:patient_from_questionnaire", args=[submission.pk]
        ),
        "care_admin:measurement_reviewed": reverse(
            "care_admin:measurement_reviewed", args=[measurement.patient_id, measurement.pk]
        ),
        "care_admin:attention_review": reverse(
            "care_admin:attention_review", args=["draft", str(draft.pk if draft else 0)]
        ),
        "page edit": reverse("wagtailadmin_pages:edit", args=[article.pk]),
    }
    for name in ("status", "note", "assign", "invite", "undo_consultation"):
        staff[f"intake_admin:{name}"] = reverse(f"intake_admin:{name}", args=[submission.pk])
    for name in ("action", "move"):
        staff[f"booking_admin:{name}"] = reverse(f"booking_admin:{name}", args=[visit.pk])
    for name in ("patient_edit", "patient_note", "scores_add", "plan_create", "progress_check_in"):
        staff[f"care_admin:{name}"] = reverse(f"care_admin:{name}", args=[patient.pk])
    document = ConsentDocument.objects.get(slug="ketamine")
    staff["care_admin:consent_create"] = reverse("care_admin:consent_create")
    for name in ("consent_edit", "consent_publish"):
        staff[f"care_admin:{name}"] = reverse(f"care_admin:{name}", args=[document.pk])
    staff["care_admin:consent_witness"] = reverse(
        "care_admin:consent_witness", args=[patient.pk, document.slug]
    )
    # The privacy notice's acknowledgement: a document the patient may decline.
    staff["care_admin:consent_decline"] = reverse(
        "care_admin:consent_decline", args=[patient.pk, "privacy"]
    )
    staff["care_admin:plan_end"] = reverse("care_admin:plan_end", args=[patient.pk, plan.pk])
    staff |= register_routes(visit, chart)
    staff |= payments_admin_routes(visit)
    return {
        **{name: ("public", url) for name, url in public.items()},
        **{name: ("staff", url) for name, url in staff.items()},
    }


def register_routes(visit, chart) -> dict[str, str]:
    entry, line = RegisterEntry.objects.first(), CountLine.objects.first()
    return {
        "care_admin:register_receive": reverse("care_admin:register_receive"),
        "care_admin:register_reverse": reverse("care_admin:register_reverse", args=[entry.pk]),
        "care_admin:register_draw": reverse("care_admin:register_draw", args=[chart.pk]),
        "care_admin:register_count_new": reverse(
            "care_admin:register_count_new", args=[visit.location_id]
        ),
        "care_admin:register_review": reverse("care_admin:register_review", args=[line.pk]),
    }


def payments_admin_routes(visit) -> dict[str, str]:
    """The desk's payment forms, on the account opened from a booked visit."""
    routes = {"payments_admin:find": reverse("payments_admin:find")}
    routes["payments_admin:charge"] = reverse("payments_admin:charge", args=[visit.pk])
    routes["payments_admin:charge_deposit"] = reverse(
        "payments_admin:charge_deposit", args=[visit.pk]
    )
    for name in ("payment", "adjustment", "superbill", "sell_package", "membership"):
        routes[f"payments_admin:{name}"] = reverse(
            f"payments_admin:{name}", args=["visit", visit.pk]
        )
    # A package's and a membership's cancel buttons (their number need not exist: refused).
    for name in ("cancel_package", "cancel_membership"):
        routes[f"payments_admin:{name}"] = reverse(
            f"payments_admin:{name}", args=["visit", visit.pk, 1]
        )
    return routes


def invitation_link() -> str:
    return reverse("booking:invitation_link", args=[invitation_token(Invitation.objects.first())])
