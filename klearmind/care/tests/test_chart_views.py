"""The chart screens: today's treatments, the session's chart from open to signed, REMS due."""

import datetime
import re

import time_machine
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.models import Appointment, ServiceKind
from klearmind.booking.tests.factories import make_clinic, make_service
from klearmind.care.models import InfusionChart, RemsRecord
from klearmind.intake.tests.factories import csrf_token

from .chart_factories import complete, make_chart, ready_to_start, vital
from .factories import PATIENT_EMAIL, PATIENT_NAME, make_patient, make_protocol
from .register_factories import draw_dose
from .signature_factories import make_document, sign


def visit(clinic, service, *, email=PATIENT_EMAIL, name=PATIENT_NAME, days=0, hour=12):
    day = timezone.localdate() + datetime.timedelta(days=days)
    starts_at = clinic.at(day, hour)
    span = clinic.service.duration_minutes
    return Appointment.objects.create(
        service=service,
        location=clinic.location,
        provider=clinic.providers[0],
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=span),
        occupied_from=starts_at,
        occupied_until=starts_at + datetime.timedelta(minutes=span),
        patient_name=name,
        patient_email=email,
        patient_phone="(916) 555-0143",
    )


def chart_url(chart, section=None) -> str:
    if section:
        return reverse("care_admin:chart_section", args=[chart.pk, section])
    return reverse("care_admin:chart", args=[chart.pk])


class TodaysTreatmentsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinic = make_clinic(slug="midtown", kind=ServiceKind.KETAMINE)
        cls.drip = make_service(cls.clinic.location, slug="drip-menu")
        cls.patient = make_patient()
        make_protocol()
        cls.infusion = visit(cls.clinic, cls.clinic.service)
        visit(cls.clinic, cls.drip, name="Hydration Only", email="drip@example.org", hour=14)
        visit(cls.clinic, cls.clinic.service, name="Next Week", email="n@example.org", days=7)
        cls.stranger = visit(
            cls.clinic, cls.clinic.service, name="Unknown Person", email="u@example.org", hour=15
        )
        cls.clinician = staff("Clinician")

    def setUp(self):
        self.client = Client(enforce_csrf_checks=True)
        sign_in(self.client, self.clinician)

    def test_lists_todays_charted_visits_per_location_with_the_patient_record(self):
        page = self.client.get(reverse("care_admin:today")).content.decode()
        assert "<caption><h2>Midtown</h2></caption>" in page
        assert PATIENT_NAME in page
        assert "Open chart" in page
        assert "Hydration Only" not in page
        assert "Next Week" not in page
        assert "Unknown Person" in page
        assert "No patient record matches this booking" in page
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert event.detail == "today's treatments; charts none"

    def test_open_chart_creates_the_chart_once_and_a_second_click_returns_it(self):
        page = self.client.get(reverse("care_admin:today"))
        url = reverse("care_admin:open_chart", args=[self.infusion.pk])
        first = self.client.post(url, {"csrfmiddlewaretoken": csrf_token(page)})
        second = self.client.post(url, {"csrfmiddlewaretoken": csrf_token(page)})
        chart = InfusionChart.objects.get()
        assert first["Location"] == second["Location"] == chart_url(chart)
        assert (chart.patient, chart.appointment) == (self.patient, self.infusion)
        assert "Continue chart" in self.client.get(reverse("care_admin:today")).content.decode()

    def test_a_post_without_the_csrf_token_is_refused(self):
        url = reverse("care_admin:open_chart", args=[self.infusion.pk])
        assert self.client.post(url).status_code == 403
        assert not InfusionChart.objects.exists()

    def test_a_booking_without_a_patient_record_gets_no_chart(self):
        response = self.client.post(
            reverse("care_admin:open_chart", args=[self.stranger.pk]),
            {"csrfmiddlewaretoken": csrf_token(self.client.get(reverse("care_admin:today")))},
            follow=True,
        )
        assert "No patient record matches this booking." in response.content.decode()
        assert not InfusionChart.objects.exists()


class ChartAccessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.chart = make_chart()

    def test_front_desk_cannot_open_a_chart_403_and_an_audit_entry(self):
        desk = staff("Front desk")
        sign_in(self.client, desk)
        response = self.client.get(chart_url(self.chart))
        assert response.status_code == 403
        assert PATIENT_NAME.encode() not in response.content
        event = AuditEvent.objects.get(action=AuditEvent.Action.PERMISSION_DENIED)
        assert (event.actor, event.detail) == (desk, "needs accounts.view_health_record")

    def test_front_desk_cannot_write_to_a_chart(self):
        sign_in(self.client, staff("Front desk"))
        response = self.client.post(chart_url(self.chart, "notes"), {"notes": "x"})
        assert response.status_code == 403
        self.chart.refresh_from_db()
        assert self.chart.notes == ""

    def test_a_clinician_opening_a_chart_is_audited_without_health_detail(self):
        clinician = staff("Clinician")
        sign_in(self.client, clinician)
        page = self.client.get(chart_url(self.chart)).content.decode()
        assert "1. Pre-treatment checklist and baseline" in page
        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert (event.target_type, event.target_id) == ("care.infusionchart", str(self.chart.pk))
        assert event.detail == "infusion chart"

    def test_an_unknown_section_is_not_found(self):
        sign_in(self.client, staff("Clinician"))
        assert self.client.post(chart_url(self.chart, "anything")).status_code == 404
        assert self.client.post(chart_url(self.chart, "rems")).status_code == 404


class ChartFlowTests(TestCase):
    """A clinician completes the checklist, confirms the dose, starts, enters vitals with one
    above a threshold, stops, discharges and signs."""

    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")

    def setUp(self):
        # Noon at the clinic, today: a session charted in the last two hours, a reading half an
        # hour ahead and the events at 09:30 all fall on the chart's day whatever the hour.
        noon = datetime.datetime.combine(timezone.localdate(), datetime.time(12))
        clock = time_machine.travel(timezone.make_aware(noon), tick=True)
        clock.start()
        self.addCleanup(clock.stop)
        sign_in(self.client, self.clinician)
        self.chart = make_chart()

    def post(self, section, data, **kwargs):
        return self.client.post(chart_url(self.chart, section), data, **kwargs)

    def at(self, minutes_ago: int) -> str:
        moment = timezone.localtime(timezone.now() - datetime.timedelta(minutes=minutes_ago))
        return moment.strftime("%H:%M")

    def test_the_whole_session_from_checklist_to_signature(self):
        checklist = dict.fromkeys(
            ["fasting_confirmed", "escort_confirmed", "medications_reviewed"], "on"
        )
        assert self.post("checklist", checklist).status_code == 302
        document = make_document()
        sign(self.chart.patient.email_hash, document.current_version)
        baseline = {"time": self.at(110), "phase": "baseline", "systolic": 128, "diastolic": 82}
        baseline |= {"heart_rate": 70, "spo2": 98, "respiratory_rate": 14}
        assert self.post("baseline", baseline).status_code == 302
        # CLINICAL.md: the dose form takes nothing above the 1.0 mg/kg ceiling, whatever the reason.
        over = {"weight_kg": "72.5", "mg_per_kg": "1.01", "override_reason": "Clinician decides"}
        ceiling = self.post("dose", over).content.decode()
        assert "1.0 mg/kg is the hard ceiling, whatever the reason." in ceiling
        assert 'value="1.01"' in ceiling
        dose = self.post("dose", {"weight_kg": "72.5", "mg_per_kg": "0.50"}, follow=True)
        assert "72.5 kg × 0.50 mg/kg = 36.25 mg" in dose.content.decode()
        assert self.post("start", {"time": self.at(100)}).status_code == 302
        page = self.client.get(chart_url(self.chart)).content.decode()
        assert 'name="vitals-0-time"' in page
        grid = {"vitals-TOTAL_FORMS": 3, "vitals-INITIAL_FORMS": 0}
        rows = [(85, 186, "during"), (70, 150, "during"), (60, 130, "during")]
        for n, (ago, systolic, phase) in enumerate(rows):
            grid |= {f"vitals-{n}-time": self.at(ago), f"vitals-{n}-phase": phase}
            grid |= {f"vitals-{n}-systolic": systolic, f"vitals-{n}-diastolic": 88}
            grid |= {f"vitals-{n}-heart_rate": 80, f"vitals-{n}-spo2": 97}
        page = self.post("vitals", grid, follow=True).content.decode()
        assert 'role="alert" id="acknowledge"' in page
        assert "Alert: Systolic 186 is above 180 (reading at" in page
        assert self.post("stop", {"time": self.at(60)}).status_code == 302
        after = {"vitals-TOTAL_FORMS": 3, "vitals-INITIAL_FORMS": 0}
        for n, ago in enumerate((45, 31, 30)):
            after |= {f"vitals-{n}-phase": "after", f"vitals-{n}-time": self.at(ago)}
            after |= {f"vitals-{n}-systolic": 124, f"vitals-{n}-diastolic": 80}
            after |= {f"vitals-{n}-heart_rate": 72, f"vitals-{n}-spo2": 98}
        assert self.post("vitals", after).status_code == 302
        discharge = dict.fromkeys(
            ["discharge_alert", "discharge_escort_present", "discharge_no_driving_given"], "on"
        )
        # CLINICAL.md: at least 30 minutes of observation after the stop.
        early = self.post("discharge", {**discharge, "time": self.at(31)})
        assert early.status_code == 400
        assert "no sooner than 30 minutes after the infusion stopped" in early.content.decode()
        assert 'value="' + self.at(31) + '"' in early.content.decode()
        assert self.post("discharge", {**discharge, "time": self.at(30)}).status_code == 302
        refused = self.post("sign", {"reviewed": "on"}).content.decode()
        assert "acknowledgement of the alert at" in refused
        alert = self.chart.alerts.get()
        empty = self.post("acknowledge", {"alert": alert.pk, "note": " "}).content.decode()
        assert "Say what was done about the alert." in empty
        note = {"alert": alert.pk, "note": "Rate halved; 150/88 after ten minutes."}
        assert self.post("acknowledge", note).status_code == 302
        draw_dose(self.chart, by=self.clinician)  # the dose is in the controlled-substance register
        signed = self.post("sign", {"reviewed": "on"}, follow=True).content.decode()
        assert "Chart signed and locked." in signed
        assert 'action="/admin/care/charts/' in signed and "Add addendum" in signed
        assert "Save checklist" not in signed
        # A signed chart still lists the flagged reading, as a record rather than an alarm.
        past = re.search(r'<div class="care-admin__alert" id="acknowledge">\s*<h2>Readings', signed)
        assert past, "a signed chart lists flagged readings without an alert role"
        assert "Systolic 186 is above 180 (reading at" in signed
        assert "Rate halved; 150/88 after ten minutes." in signed
        assert "vital signs stable (from the readings): yes" in signed
        changes = AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE)
        details = {e.detail for e in changes}
        assert {"chart dose", "chart vitals", "chart sign"} <= details
        assert f"chart alert {alert.pk} acknowledged" in details

    def test_bad_input_is_kept_and_explained_and_nothing_is_saved(self):
        response = self.post("dose", {"weight_kg": "seventy", "mg_per_kg": "0.5"})
        page = response.content.decode()
        assert response.status_code == 400
        assert 'value="seventy"' in page
        assert 'aria-describedby="id_weight_kg_error"' in page
        assert "Enter a number." in page
        self.chart.refresh_from_db()
        assert self.chart.dose_mg is None

    def test_a_dose_outside_the_range_without_a_reason_is_refused_on_the_form(self):
        page = self.post("dose", {"weight_kg": "80", "mg_per_kg": "0.9"}).content.decode()
        assert "outside this protocol&#x27;s range" in page
        assert 'role="alert"' in page

    def test_null_bytes_and_markup_in_notes_do_not_break_the_page(self):
        response = self.post("notes", {"notes": "a\x00b"})
        assert response.status_code == 400
        assert "Null characters are not allowed." in response.content.decode()
        self.post("notes", {"notes": "<script>alert(1)</script>" * 10})
        page = self.client.get(chart_url(self.chart)).content.decode()
        assert "<script>alert(1)</script>" not in page

    def test_a_high_baseline_shows_do_not_start_and_start_is_refused(self):
        baseline = {"time": self.at(0), "phase": "baseline", "systolic": 152, "diastolic": 96}
        baseline |= {"heart_rate": 70, "spo2": 98}
        page = self.post("baseline", baseline, follow=True).content.decode()
        assert "Do not start:" in page
        assert "Resting systolic 152 is above 140" in page

    def test_a_grid_row_with_bad_values_keeps_what_was_typed_and_saves_no_row(self):
        grid = {"vitals-TOTAL_FORMS": 2, "vitals-INITIAL_FORMS": 0}
        grid |= {"vitals-0-time": "09:15", "vitals-0-phase": "during", "vitals-0-systolic": 130}
        grid |= {"vitals-0-diastolic": 85, "vitals-0-heart_rate": 80, "vitals-0-spo2": 97}
        grid |= {"vitals-1-time": "09:30", "vitals-1-phase": "during", "vitals-1-systolic": "1x0"}
        grid |= {"vitals-1-diastolic": 85, "vitals-1-heart_rate": 80, "vitals-1-spo2": 101}
        response = self.post("vitals", grid)
        page = response.content.decode()
        assert response.status_code == 400
        assert 'value="1x0"' in page
        assert "Enter a whole number." in page
        assert "Ensure this value is less than or equal to 100." in page
        assert 'aria-describedby="id_vitals-1-spo2_error"' in page
        assert not self.chart.vitals.exists()

    def test_a_reading_timed_in_the_future_is_refused_on_its_field(self):
        grid = {"vitals-TOTAL_FORMS": 1, "vitals-INITIAL_FORMS": 0, "vitals-0-phase": "during"}
        grid |= {"vitals-0-time": self.at(-30), "vitals-0-systolic": 130, "vitals-0-diastolic": 85}
        grid |= {"vitals-0-heart_rate": 80, "vitals-0-spo2": 97}
        page = self.post("vitals", grid).content.decode()
        assert "That time is still to come: enter when the reading was taken." in page
        assert not self.chart.vitals.exists()

    def test_an_empty_grid_asks_for_a_row(self):
        response = self.post("vitals", {"vitals-TOTAL_FORMS": 0, "vitals-INITIAL_FORMS": 0})
        assert "Enter at least one row of vital signs." in response.content.decode()

    def test_a_rate_change_without_its_rate_is_explained_and_a_full_one_is_listed(self):
        missing = self.post("event", {"kind": "rate_change", "time": "09:30"})
        assert missing.status_code == 400
        assert "Give the new rate for a rate change." in missing.content.decode()
        other = self.post("event", {"kind": "other", "time": "09:30", "detail": "  "})
        assert "Describe the event." in other.content.decode()
        self.post("event", {"kind": "rate_change", "time": "09:30", "new_rate": "80"})
        page = self.client.get(chart_url(self.chart)).content.decode()
        assert "Rate change</strong>, new rate 80 mL/h" in page

    def test_the_grid_is_pre_filled_every_15_minutes_after_the_last_reading(self):
        start = timezone.now() - datetime.timedelta(minutes=20)
        ready_to_start(self.chart, by=self.clinician, baseline_at=start)
        self.chart.start(by=self.clinician, at=start)
        vital(self.chart, start + datetime.timedelta(minutes=15))
        before = timezone.localtime()
        page = self.client.get(chart_url(self.chart)).content.decode()
        nows = {f"{moment:%H:%M}" for moment in (before, timezone.localtime())}
        # The next reading is due in 10 minutes: a reading taken now comes first.
        assert any(f'name="vitals-0-time" value="{now}"' in page for now in nows)
        for n, minutes in enumerate((30, 45, 60), start=1):
            expected = timezone.localtime(start + datetime.timedelta(minutes=minutes))
            assert f'name="vitals-{n}-time" value="{expected:%H:%M}"' in page

    def test_a_spravato_dose_and_rems_form_are_saved_from_the_page(self):
        self.chart = make_chart(spravato=True)
        # CLINICAL.md, Spravato REMS: enrolment is recorded before the first dose.
        refused = self.post("dose", {"dose_mg": "84"}).content.decode()
        assert "REMS enrolment (day and patient ID) before the first dose" in refused
        enrolment = {"enrolled_on": timezone.localdate().isoformat(), "patient_id": "PT-1"}
        assert self.post("enrolment", enrolment).status_code == 302
        assert self.post("dose", {"dose_mg": "84"}).status_code == 302
        page = self.client.get(chart_url(self.chart)).content.decode()
        assert 'name="patient_rems_id" value="PT-1"' in page
        rems = {"patient_rems_id": "PT-1", "setting_rems_id": "HCS-2"}
        rems |= {"device_lot_number": "LOT-9", "first_treatment": "yes"}
        rems |= {"vitals_acceptable_before_dosing": "yes"}
        rems |= {"vitals_acceptable_before_discharge": "yes", "ready_without_minimum_at": "11:20"}
        rems |= {"monitoring_clinician_contact": "Dr. Ellison, (916) 555-0110"}
        rems |= {"concomitant_medicines": ["none", "opioids"], "sedation": "no"}
        rems |= {"dissociation": "yes", "respiratory_depression": "no", "hospitalised": "no"}
        refused = self.post("rems", rems).content.decode()
        assert "“None of these” cannot go with a medicine." in refused
        rems["concomitant_medicines"] = ["benzodiazepines"]
        assert self.post("rems", rems).status_code == 302
        self.chart.refresh_from_db()
        assert self.chart.dose_working == "84 mg (Spravato)"
        assert self.chart.rems.concomitant_labels() == ["Benzodiazepines"]
        assert self.chart.rems.device_lot_number == "LOT-9"
        assert self.chart.rems.ready_without_minimum_at == datetime.time(11, 20)

    def test_a_signed_chart_refuses_a_change_and_takes_an_addendum(self):
        chart = complete(make_chart(), by=self.clinician)
        chart.sign(by=self.clinician)
        self.chart = chart
        refused = self.post("notes", {"notes": "later"}, follow=True).content.decode()
        assert "This chart is signed and locked. Add an addendum instead." in refused
        chart.refresh_from_db()
        assert chart.notes == ""
        self.post("addendum", {"text": "Patient phoned: slept well."})
        page = self.client.get(chart_url(chart)).content.decode()
        assert "Patient phoned: slept well." in page


class RemsDueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")
        old = timezone.localdate() - datetime.timedelta(days=10)
        cls.late = make_chart(spravato=True, day=old)
        cls.signed = complete(make_chart(spravato=True), by=cls.clinician)
        cls.signed.sign(by=cls.clinician)

    def setUp(self):
        sign_in(self.client, self.clinician)

    def test_lists_unsubmitted_forms_by_due_date_with_overdue_in_words(self):
        page = self.client.get(reverse("care_admin:rems_due")).content.decode()
        assert "Overdue by 3 days" in page
        assert "Due in 7 days" in page
        assert page.index("Overdue by 3 days") < page.index("Due in 7 days")
        assert "Sign the chart first." in page

    def test_mark_submitted_with_the_confirmation_reference(self):
        rems = self.signed.rems
        url = reverse("care_admin:rems_submitted", args=[rems.pk])
        empty = self.client.post(url, {"reference": ""}, follow=True).content.decode()
        assert "Give the confirmation reference" in empty
        self.client.post(url, {"reference": "RX-55102"})
        rems.refresh_from_db()
        assert rems.confirmation_reference == "RX-55102"
        assert list(RemsRecord.objects.not_submitted()) == [self.late.rems]

    def test_the_chart_page_shows_the_rems_form_fields(self):
        page = self.client.get(chart_url(self.late)).content.decode()
        for label in ("Patient REMS ID", "Benzodiazepines", "Respiratory depression"):
            assert label in page


class ChartSafetyScreenTests(TestCase):
    """The new chart sections on the page: short infusions, alerts, REMS enrolment."""

    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")

    def setUp(self):
        sign_in(self.client, self.clinician)

    def test_a_37_minute_infusion_shows_the_rule_and_takes_a_reason(self):
        chart = make_chart()
        start = timezone.now() - datetime.timedelta(minutes=90)
        ready_to_start(chart, by=self.clinician, baseline_at=start)
        chart.start(by=self.clinician, at=start)
        chart.stop(by=self.clinician, at=start + datetime.timedelta(minutes=37))
        page = self.client.get(chart_url(chart)).content.decode()
        assert "The infusion ran 37 minutes, 3 short of this protocol&#x27;s 40 minutes" in page
        assert "A reason is needed to sign." in page
        empty = self.client.post(chart_url(chart, "duration"), {"reason": ""})
        assert empty.status_code == 400
        assert "This field is required." in empty.content.decode()
        self.client.post(chart_url(chart, "duration"), {"reason": "Nausea; patient asked."})
        chart.refresh_from_db()
        assert chart.short_infusion_reason == "Nausea; patient asked."

    def test_the_front_desk_cannot_acknowledge_an_alert(self):
        chart = make_chart()
        alert = vital(chart, timezone.now(), systolic=190).alert
        sign_in(self.client, staff("Front desk"))
        response = self.client.post(chart_url(chart, "acknowledge"), {"alert": alert.pk})
        assert response.status_code == 403
        alert.refresh_from_db()
        assert alert.acknowledged_at is None

    def test_an_alert_of_another_chart_cannot_be_acknowledged_here(self):
        chart, other = make_chart(), make_chart()
        alert = vital(other, timezone.now(), systolic=190).alert
        response = self.client.post(
            chart_url(chart, "acknowledge"), {"alert": alert.pk, "note": "x"}
        )
        assert response.status_code == 400
        assert "acknowledged already or is not on this chart" in response.content.decode()
        alert.refresh_from_db()
        assert alert.acknowledged_at is None

    def test_enrolment_in_the_future_is_explained_on_its_field_and_audited_when_recorded(self):
        chart = make_chart(spravato=True)
        later = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
        refused = self.client.post(
            chart_url(chart, "enrolment"), {"enrolled_on": later, "patient_id": "SPR-1"}
        ).content.decode()
        assert "That day is still to come: enter the day of enrolment." in refused
        assert f'value="{later}"' in refused
        today = timezone.localdate().isoformat()
        self.client.post(
            chart_url(chart, "enrolment"), {"enrolled_on": today, "patient_id": "SPR-1"}
        )
        chart.patient.refresh_from_db()
        assert chart.patient.rems_recorded_by == self.clinician
        event = AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE).get()
        assert event.detail == f"patient {chart.patient.pk} Spravato REMS enrolment recorded"
        record = self.client.get(reverse("care_admin:patient", args=[chart.patient.pk]))
        assert "Spravato REMS</dt><dd>Enrolled on" in record.content.decode()
        assert "patient ID SPR-1" in record.content.decode()

    def test_an_iv_chart_has_no_enrolment_section(self):
        assert self.client.post(chart_url(make_chart(), "enrolment")).status_code == 404

    def test_the_rems_form_starts_from_what_the_chart_already_says(self):
        chart = complete(make_chart(spravato=True), by=self.clinician)
        rems = chart.rems
        rems.first_treatment = rems.vitals_acceptable_before_dosing = ""
        rems.vitals_acceptable_before_discharge = ""
        rems.save()
        page = self.client.get(chart_url(chart)).content.decode()
        for name in (
            "first_treatment",
            "vitals_acceptable_before_dosing",
            "vitals_acceptable_before_discharge",
        ):
            assert re.search(rf'name="{name}" value="yes"[^>]*checked', page), name
