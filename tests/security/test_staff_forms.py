"""Every back-office form, sent each hostile payload in every field at once, by a signed-in
owner; and what the public forms stored, shown again on the staff screens."""

import html

from django.urls import reverse
from wagtail.models import Revision
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from klearmind.booking.models import Appointment
from klearmind.care.models import CountLine, InfusionChart, Measurement, Patient, RegisterEntry
from klearmind.comments.models import Comment
from klearmind.enquiries.models import Enquiry
from klearmind.intake.models import Submission
from klearmind.pages.models import ArticlePage, ContactPage
from klearmind.payments.demo.billing import load_billing_demo
from klearmind.payments.demo.plans import load_plans_demo

from .harness import FormTestMixin, HostileInputTestCase, unescaped_reflections
from .payloads import LARGE, PAYLOADS, STORED_MARKUP


def hostile_body(payload) -> dict:
    """The article's body as Wagtail's editor script sends it: a heading and a paragraph."""
    text = html.escape(payload.text[:10_000])
    return nested_form_data({"body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))])})


def form_for(url: str) -> str:
    """The selector of the form on a screen that posts to `url`."""
    return f'form[action="{url}"]'


class StaffFormTests(FormTestMixin, HostileInputTestCase):
    def throw_at(self, screen, selector="main form[method=post]", payloads=PAYLOADS, **options):
        return self.throw(self.clinician, screen, selector, payloads, **options)

    def test_comment_moderation_and_its_bulk_actions_survive_every_payload(self):
        comment = Comment.objects.first()
        detail = reverse("comments_admin:detail", args=[comment.pk])
        bulk = reverse("comments_admin:bulk")
        self.throw_at(reverse("comments_admin:queue"), form_for(bulk), keep={"next"})
        self.throw_at(
            detail, form_for(bulk), keep={"next"}, hidden={"ids"}, button=("action", "approve")
        )
        self.throw_at(detail, 'main form:not([action*="bulk"])[method=post]', [*PAYLOADS, LARGE])
        personal = reverse("comments_admin:personal_data")
        self.throw_at(personal, button=("export", "1"))

    def test_the_enquiry_status_form_survives_every_payload(self):
        enquiry = Enquiry.objects.filter(status="new").first()
        detail = reverse("enquiries_admin:detail", args=[enquiry.pk])
        action = reverse("enquiries_admin:status", args=[enquiry.pk])
        self.throw_at(detail, form_for(action), button=("status", "answered"), last=True)
        for query in ("status=%3Cscript%3Ealert(1)&p=%FF%FE", "status=a&status=b&p=99999999999"):
            response = self.clinician.get(f"{reverse('enquiries_admin:listing')}?{query}")
            assert response.status_code == 200, query
            assert not unescaped_reflections(response.content), query

    def test_intake_triage_survives_every_payload(self):
        submission = Submission.objects.first()
        detail = reverse("intake_admin:detail", args=[submission.pk])
        for name in ("status", "assign", "note"):
            action = reverse(f"intake_admin:{name}", args=[submission.pk])
            self.throw_at(detail, form_for(action))
        self.throw_at(reverse("intake_admin:settings"))

    def test_the_booking_screens_survive_every_payload(self):
        self.throw_at(reverse("booking_admin:book"), keep={"token"})
        self.throw_at(reverse("booking_admin:invitations"))
        appointment = Appointment.objects.filter(status="booked").order_by("-starts_at").first()
        detail = reverse("booking_admin:appointment", args=[appointment.pk])
        move = reverse("booking_admin:move", args=[appointment.pk])
        self.throw_at(detail, form_for(move))
        action = reverse("booking_admin:action", args=[appointment.pk])
        self.throw_at(detail, form_for(action), button=("action", "cancel"), last=True)

    def test_the_patient_plan_note_and_score_screens_survive_every_payload(self):
        patient = Patient.objects.filter(plans__isnull=False).first()
        self.throw_at(reverse("care_admin:patient_create"), payloads=[*PAYLOADS, LARGE])
        record = reverse("care_admin:patient", args=[patient.pk])
        self.throw_at(record, form_for(reverse("care_admin:patient_note", args=[patient.pk])))
        self.throw_at(record, 'form[action*="/end/"]', last=True)
        for name in ("patient_edit", "scores_add", "plan_create"):
            self.throw_at(reverse(f"care_admin:{name}", args=[patient.pk]))
        progress = reverse("care_admin:progress", args=[patient.pk])
        check_in = reverse("care_admin:progress_check_in", args=[patient.pk])
        self.throw_at(progress, form_for(check_in), last=True)

    def test_every_section_of_an_open_chart_survives_every_payload(self):
        visit = Appointment.objects.filter(chart=None, status="booked").order_by("starts_at")[0]
        opened = self.send_carefully(
            self.clinician,
            reverse("care_admin:today"),
            form_for(reverse("care_admin:open_chart", args=[visit.pk])),
        )
        chart = InfusionChart.objects.get(appointment=visit)
        screen = reverse("care_admin:chart", args=[chart.pk])
        assert opened.response["Location"] == screen
        sections = self.sections_on(screen)
        assert {"checklist", "baseline", "vitals"} <= set(sections), sections
        for section in sections:
            url = reverse("care_admin:chart_section", args=[chart.pk, section])
            self.throw_at(screen, form_for(url))

    def sections_on(self, screen: str) -> list[str]:
        form = self.form_on(self.clinician, screen, "main")
        return [
            tag["action"].rstrip("/").rsplit("/", 1)[-1]
            for tag in form.select('form[method=post][action*="/charts/"]')
        ]

    def test_rems_and_reviewed_measurements_survive_every_payload(self):
        self.throw_at(reverse("care_admin:rems_due"), 'form[action*="/submitted/"]', last=True)
        measurement = Measurement.objects.first()
        url = reverse(
            "care_admin:measurement_reviewed", args=[measurement.patient_id, measurement.pk]
        )
        body = b"note=%3Cscript%3Ealert(1)%3C%2Fscript%3E&note=x"
        outcome = self.send(self.clinician, url, body)
        self.assert_survived(outcome, url)

    def test_the_register_forms_survive_every_payload(self):
        self.throw_at(reverse("care_admin:register_receive"), last=True)
        entry = RegisterEntry.objects.filter(kind="received").first()
        self.throw_at(reverse("care_admin:register_reverse", args=[entry.pk]), last=True)
        line = CountLine.objects.with_open_discrepancy().get()
        count = reverse("care_admin:register_count", args=[line.count_id])
        review = reverse("care_admin:register_review", args=[line.pk])
        self.throw_at(count, form_for(review), last=True)
        location = entry.container.receipt.location
        self.throw_at(reverse("care_admin:register_count_new", args=[location.pk]), last=True)

    def test_the_account_screens_survive_every_payload(self):
        security = reverse("accounts:security")
        for name in ("new_recovery_codes", "sign_out_everywhere"):
            self.throw_at(security, form_for(reverse(f"accounts:{name}")), last=True)
            self.clinician = self.fresh_clinician()

    def fresh_clinician(self):
        from django.test import Client

        from klearmind.accounts.tests.factories import sign_in

        return sign_in(Client(raise_request_exception=False), self.owner)

    def test_the_payment_screens_survive_every_payload(self):
        load_billing_demo()
        visit = Appointment.objects.filter(status="booked", service__price__gt=0)
        visit = visit.order_by("-starts_at").first()
        account = reverse("payments_admin:account", args=["visit", visit.pk])
        self.throw_at(reverse("payments_admin:find"))
        for name in ("payment", "adjustment"):
            self.throw_at(
                reverse(f"payments_admin:{name}", args=["visit", visit.pk]), keep={"token"}
            )
        given = Appointment.objects.filter(status="completed").order_by("starts_at").first()
        superbill = reverse("payments_admin:superbill", args=["visit", given.pk])
        self.throw_at(superbill, 'main form[method="post"]')
        charge = reverse("payments_admin:charge", args=[visit.pk])
        self.throw_at(account, form_for(charge), last=True)
        load_plans_demo()  # the plans to sell (a package then covers the demo's series)
        for name in ("sell_package", "membership"):
            self.throw_at(
                reverse(f"payments_admin:{name}", args=["visit", visit.pk]), keep={"token"}
            )
        hostile = (
            "start=%3Cscript%3Ealert(1)&end=%FF%FE",
            "start=0001-01-01&end=99999-12-31&scope=x",
        )
        for query in hostile:
            for path in (
                reverse("payments_admin:receipt", args=["visit", visit.pk]),
                reverse("payments_admin:report"),
                reverse("payments_admin:report_csv"),
                superbill,
            ):
                response = self.clinician.get(f"{path}?{query}")
                assert response.status_code < 500, (path, query)
                assert not unescaped_reflections(response.content), (path, query)

    def test_the_audit_report_filters_survive_hostile_query_strings(self):
        for query in ("action=%3Cscript%3E&actor=%FF%FE", "q=' OR 1=1 --&date_from=99999-12-31"):
            for path in (reverse("audit:report"), reverse("audit:report_results")):
                response = self.clinician.get(f"{path}?{query}")
                assert response.status_code < 500, (path, query)
                assert not unescaped_reflections(response.content), (path, query)

    def test_a_page_edit_with_a_hostile_title_and_body_survives(self):
        article = ArticlePage.objects.live().first()
        edit = reverse("wagtailadmin_pages:edit", args=[article.pk])
        outcomes = self.throw_at(edit, form_for(edit), keep={"slug", "next"}, extra=hostile_body)
        assert any(o.writes.get("wagtailcore.Revision") for o in outcomes)
        for revision in Revision.objects.filter(object_id=str(article.pk)).order_by("-pk")[:3]:
            preview = self.clinician.get(
                reverse("wagtailadmin_pages:revisions_view", args=[article.pk, revision.pk])
            )
            assert preview.status_code == 200
            assert not unescaped_reflections(preview.content)

    def test_what_the_public_forms_stored_is_escaped_on_every_staff_screen(self):
        article = ArticlePage.objects.live().first()
        self.throw(self.reader, article.url, "form.comment-form", [STORED_MARKUP])
        comment = Comment.objects.order_by("-pk").first()
        assert "<script>" in comment.text
        self.throw(self.reader, ContactPage.objects.get().url, "form.form", [STORED_MARKUP])
        enquiry = Enquiry.objects.order_by("-pk").first()
        assert "<script>" in enquiry.message
        screens = [
            reverse("comments_admin:queue"),
            reverse("comments_admin:detail", args=[comment.pk]),
            reverse("intake_admin:queue"),
            reverse("enquiries_admin:listing"),
            reverse("enquiries_admin:detail", args=[enquiry.pk]),
            reverse("booking_admin:calendar"),
            reverse("care_admin:patients"),
            reverse("audit:report"),
        ]
        for screen in screens:
            response = self.clinician.get(screen)
            assert response.status_code == 200, screen
            assert not unescaped_reflections(response.content), screen
