"""The chart's safety rules at their CLINICAL.md boundaries: baseline, recovery and discharge,
alerts and their acknowledgement, the infusion's length, the dose's hard limits, the protocol's
bounds, Spravato's REMS enrolment and where each treatment may be given."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from klearmind.accounts.tests.factories import staff
from klearmind.booking.models import ServiceKind
from klearmind.booking.tests.factories import make_clinic, make_service
from klearmind.care.charts.models.charts import DISCHARGE_CHECKLIST
from klearmind.care.charts.services import open_chart, record_vitals
from klearmind.care.models import ChartAlert, InfusionChart, Phase, Protocol

from .chart_factories import complete, make_chart, ready_to_start, vital
from .factories import make_patient, make_protocol
from .register_factories import draw_dose
from .test_chart_views import visit

TICKED = dict.fromkeys(DISCHARGE_CHECKLIST, True)


def code_of(context) -> str:
    return context.exception.error_list[0].code


def ago(minutes: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


class BaselineTests(TestCase):
    """CLINICAL.md: start only on a reading from the 30 minutes before the start with BP <=
    140/90, heart rate 50-110, SpO2 >= 94 %, respiratory rate 10-24."""

    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")

    def test_a_baseline_8_hours_old_does_not_start(self):
        chart = ready_to_start(make_chart(), by=self.clinician, baseline_at=ago(8 * 60))
        with self.assertRaises(ValidationError) as refused:
            chart.start(by=self.clinician)
        assert code_of(refused) == "do_not_start"
        assert "more than 30 minutes before the start" in refused.exception.messages[0]
        assert InfusionChart.objects.get(pk=chart.pk).started_at is None

    def test_a_baseline_30_minutes_before_starts_and_31_does_not(self):
        now = timezone.now()
        baseline_at = now - datetime.timedelta(minutes=60)
        chart = ready_to_start(make_chart(), by=self.clinician, baseline_at=baseline_at)
        with self.assertRaises(ValidationError) as refused:
            chart.start(by=self.clinician, at=baseline_at + datetime.timedelta(minutes=31))
        assert "more than 30 minutes before the start" in refused.exception.messages[0]
        chart.start(by=self.clinician, at=baseline_at + datetime.timedelta(minutes=30))
        assert chart.started_at is not None

    def test_heart_rate_111_does_not_start(self):
        chart = ready_to_start(make_chart(), by=self.clinician)
        vital(chart, ago(5), phase=Phase.BASELINE, heart_rate=111)
        with self.assertRaises(ValidationError) as refused:
            chart.start(by=self.clinician)
        assert "Resting heart rate 111 is above 110" in refused.exception.messages[0]

    def test_spo2_93_or_respiratory_rate_25_does_not_start(self):
        chart = ready_to_start(make_chart(), by=self.clinician)
        vital(chart, ago(5), phase=Phase.BASELINE, spo2=93, respiratory_rate=25)
        with self.assertRaises(ValidationError) as refused:
            chart.start(by=self.clinician)
        message = refused.exception.messages[0]
        assert "Resting SpO2 93 is below 94" in message
        assert "Resting respiratory rate 25 is above 24" in message


def started_and_stopped(clinician, *, minutes=40, spravato=False):
    """Started `minutes` + 60 minutes ago and stopped an hour ago, with readings every 15
    minutes during the infusion and one at the stop."""
    chart = make_chart(spravato=spravato)
    start = ago(minutes + 60)
    ready_to_start(chart, by=clinician, baseline_at=start - datetime.timedelta(minutes=5))
    chart.start(by=clinician, at=start)
    for offset in [*range(15, minutes, 15), minutes]:
        vital(chart, start + datetime.timedelta(minutes=offset))
    chart.stop(by=clinician, at=start + datetime.timedelta(minutes=minutes))
    return chart


class RecoveryTests(TestCase):
    """CLINICAL.md, recovery and discharge: at least 30 minutes after the stop, on a stable
    reading taken after that time; vitals every 15 minutes until discharge."""

    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")

    def after_stop(self, chart, minutes) -> datetime.datetime:
        return chart.stopped_at + datetime.timedelta(minutes=minutes)

    def test_discharge_29_minutes_after_the_stop_is_refused(self):
        chart = started_and_stopped(self.clinician)
        vital(chart, self.after_stop(chart, 15), phase=Phase.AFTER)
        vital(chart, self.after_stop(chart, 29), phase=Phase.AFTER)
        with self.assertRaises(ValidationError) as refused:
            chart.discharge(by=self.clinician, at=self.after_stop(chart, 29), **TICKED)
        assert code_of(refused) == "not_ready_to_leave"
        assert (
            "no sooner than 30 minutes after the infusion stopped"
            in (refused.exception.messages[0])
        )
        assert InfusionChart.objects.get(pk=chart.pk).discharged_at is None

    def test_discharge_30_minutes_after_the_stop_on_a_reading_then_is_allowed(self):
        chart = started_and_stopped(self.clinician)
        vital(chart, self.after_stop(chart, 15), phase=Phase.AFTER)
        vital(chart, self.after_stop(chart, 30), phase=Phase.AFTER)
        chart.discharge(by=self.clinician, at=self.after_stop(chart, 30), **TICKED)
        chart.refresh_from_db()
        assert chart.discharged_at == self.after_stop(chart, 30)
        assert chart.discharge_vitals_stable  # worked out, never ticked
        draw_dose(chart, by=self.clinician)
        chart.sign(by=self.clinician)
        assert chart.is_signed

    def test_a_reading_taken_before_the_30_minutes_does_not_count(self):
        chart = started_and_stopped(self.clinician)
        vital(chart, self.after_stop(chart, 29), phase=Phase.AFTER)
        with self.assertRaises(ValidationError) as refused:
            chart.discharge(by=self.clinician, at=self.after_stop(chart, 35), **TICKED)
        assert "a reading taken at" in refused.exception.messages[0]

    def test_the_40_minute_chart_leaving_at_once_at_186_over_124_is_refused(self):
        chart = started_and_stopped(self.clinician)
        with self.assertRaises(ValidationError):
            chart.discharge(by=self.clinician, at=chart.stopped_at, **TICKED)
        vital(chart, self.after_stop(chart, 15), phase=Phase.AFTER)
        vital(
            chart,
            self.after_stop(chart, 30),
            phase=Phase.AFTER,
            systolic=186,
            diastolic=124,
            heart_rate=128,
        )
        with self.assertRaises(ValidationError) as refused:
            chart.discharge(by=self.clinician, at=self.after_stop(chart, 31), **TICKED)
        message = refused.exception.messages[0]
        assert "Systolic 186 is above 180" in message
        assert "Diastolic 124 is above 120" in message
        assert "more than 20 % from the baseline 122/78" in message

    def test_signing_needs_vitals_every_15_minutes_from_stop_to_discharge(self):
        chart = started_and_stopped(self.clinician)
        vital(chart, self.after_stop(chart, 35), phase=Phase.AFTER)
        chart.discharge(by=self.clinician, at=self.after_stop(chart, 35), **TICKED)
        with self.assertRaises(ValidationError) as refused:
            chart.sign(by=self.clinician)
        assert "at least every 15 minutes" in refused.exception.messages[0]
        vital(chart, self.after_stop(chart, 15), phase=Phase.AFTER)
        vital(chart, self.after_stop(chart, 28), phase=Phase.AFTER)
        draw_dose(chart, by=self.clinician)
        chart.sign(by=self.clinician)
        assert chart.is_signed

    def test_a_discharge_time_written_around_the_method_still_blocks_signing(self):
        chart = started_and_stopped(self.clinician)
        vital(chart, self.after_stop(chart, 15), phase=Phase.AFTER)
        chart.discharge_alert = chart.discharge_escort_present = True
        chart.discharge_no_driving_given = True
        chart.discharged_at = self.after_stop(chart, 20)
        chart.save()
        with self.assertRaises(ValidationError) as refused:
            chart.sign(by=self.clinician)
        assert (
            "no sooner than 30 minutes after the infusion stopped"
            in (refused.exception.messages[0])
        )

    def test_the_recovery_time_is_a_protocol_setting(self):
        protocol = make_protocol()
        protocol.recovery_minutes = 45
        protocol.save()
        chart = started_and_stopped(self.clinician)
        for minutes in (15, 30, 40):
            vital(chart, self.after_stop(chart, minutes), phase=Phase.AFTER)
        with self.assertRaises(ValidationError) as refused:
            chart.discharge(by=self.clinician, at=self.after_stop(chart, 40), **TICKED)
        assert "no sooner than 45 minutes" in refused.exception.messages[0]

    def test_vital_signs_stable_cannot_be_ticked_by_hand(self):
        assert "discharge_vitals_stable" not in DISCHARGE_CHECKLIST


class AlertTests(TestCase):
    """CLINICAL.md alert limits (diastolic > 120 among them): each alert carries its time and
    is acknowledged by a clinician with a note before the chart is signed."""

    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")

    def test_diastolic_121_raises_an_alert_and_120_does_not(self):
        chart = make_chart()
        calm, high = record_vitals(
            chart=chart,
            readings=[
                {
                    "taken_at": ago(20),
                    "phase": Phase.DURING,
                    "systolic": 170,
                    "diastolic": 120,
                    "heart_rate": 80,
                    "spo2": 97,
                    "respiratory_rate": 14,
                },
                {
                    "taken_at": ago(5),
                    "phase": Phase.DURING,
                    "systolic": 176,
                    "diastolic": 121,
                    "heart_rate": 80,
                    "spo2": 97,
                    "respiratory_rate": 14,
                },
            ],
            by=self.clinician,
        )
        alert = ChartAlert.objects.get()
        assert (alert.vital, alert.raised_at, alert.text) == (
            high,
            high.taken_at,
            "Diastolic 121 is above 120",
        )
        assert not hasattr(calm, "alert") or calm.alert is None
        assert list(ChartAlert.objects.unacknowledged()) == [alert]

    def test_an_unacknowledged_alert_blocks_signing_until_a_clinician_acknowledges_it(self):
        chart = complete(make_chart(), by=self.clinician)
        flagged = vital(chart, chart.started_at + datetime.timedelta(minutes=20), systolic=186)
        with self.assertRaises(ValidationError) as refused:
            chart.sign(by=self.clinician)
        assert "acknowledgement of the alert at" in refused.exception.messages[0]
        assert "Systolic 186 is above 180" in refused.exception.messages[0]
        flagged.alert.acknowledge(by=self.clinician, note="Rate halved; 150/88 ten minutes on.")
        alert = ChartAlert.objects.get()
        assert (alert.acknowledged_by, alert.note) == (
            self.clinician,
            "Rate halved; 150/88 ten minutes on.",
        )
        assert alert.acknowledged_at is not None
        assert not ChartAlert.objects.unacknowledged().exists()
        chart.sign(by=self.clinician)
        assert chart.is_signed

    def test_an_acknowledgement_needs_a_note_a_clinician_and_happens_once(self):
        chart = make_chart()
        alert = vital(chart, ago(5), spo2=90).alert
        with self.assertRaises(ValidationError) as refused:
            alert.acknowledge(by=self.clinician, note="  ")
        assert "note" in refused.exception.error_dict
        with self.assertRaises(ValidationError) as refused:
            alert.acknowledge(by=staff("Front desk"), note="Seen")
        assert code_of(refused) == "not_a_clinician"
        alert.acknowledge(by=self.clinician, note="Oxygen given")
        with self.assertRaises(ValidationError) as refused:
            alert.acknowledge(by=self.clinician, note="again")
        assert code_of(refused) == "acknowledged"

    def test_a_reading_inside_the_limits_raises_nothing(self):
        assert ChartAlert.raise_for(vital(make_chart(), ago(5))) is None
        assert not ChartAlert.objects.exists()


class InfusionLengthTests(TestCase):
    """CLINICAL.md: 0.5 mg/kg over 40 minutes; a shorter infusion needs a reason to sign."""

    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")

    def finish(self, chart):
        for minutes in (15, 30, 31):
            vital(chart, chart.stopped_at + datetime.timedelta(minutes=minutes), phase="after")
        at = chart.stopped_at + datetime.timedelta(minutes=31)
        chart.discharge(by=self.clinician, at=at, **TICKED)

    def test_37_of_40_minutes_warns_and_needs_a_reason_to_sign(self):
        chart = started_and_stopped(self.clinician, minutes=37)
        self.finish(chart)
        warning = chart.short_infusion_warning()
        assert warning == (
            "The infusion ran 37 minutes, 3 short of this protocol's 40 minutes "
            "(IV ketamine: 0.5 mg/kg over 40 minutes)"
        )
        with self.assertRaises(ValidationError) as refused:
            chart.sign(by=self.clinician)
        assert f"a reason for the short infusion: {warning}" in refused.exception.messages[0]
        with self.assertRaises(ValidationError):
            chart.record_short_reason(" ")
        chart.record_short_reason("Patient asked to stop: nausea.")
        draw_dose(chart, by=self.clinician)
        chart.sign(by=self.clinician)
        assert chart.is_signed

    def test_40_of_40_minutes_needs_no_reason(self):
        chart = started_and_stopped(self.clinician, minutes=40)
        assert chart.short_infusion_warning() == ""
        with self.assertRaises(ValidationError) as refused:
            chart.record_short_reason("none")
        assert code_of(refused) == "not_short"

    def test_a_reason_given_at_the_stop_is_kept(self):
        chart = make_chart()
        start = ago(100)
        ready_to_start(chart, by=self.clinician, baseline_at=start - datetime.timedelta(minutes=5))
        chart.start(by=self.clinician, at=start)
        chart.stop(
            by=self.clinician, at=start + datetime.timedelta(minutes=10), short_reason=" Vomited "
        )
        assert InfusionChart.objects.get(pk=chart.pk).short_infusion_reason == "Vomited"


class DoseLimitTests(TestCase):
    """CLINICAL.md: hard ceiling 1.0 mg/kg; weight 30-250 kg; on every save path, whatever the
    override."""

    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")

    def confirm(self, weight, mg_per_kg):
        chart = make_chart()
        chart.confirm_dose(
            by=self.clinician,
            weight_kg=Decimal(weight),
            mg_per_kg=Decimal(mg_per_kg),
            override_reason="Clinician's judgment",
        )
        return chart

    def test_1_0_mg_per_kg_with_a_reason_is_taken_and_1_01_never(self):
        assert self.confirm("70", "1.0").dose_mg == Decimal("70.00")
        with self.assertRaises(ValidationError) as refused:
            self.confirm("70", "1.01")
        assert code_of(refused) == "dose_limit"
        assert "above the hard ceiling of 1.0 mg/kg" in refused.exception.messages[0]

    def test_weight_29_9_and_250_1_are_refused_30_and_250_taken(self):
        for weight in ("29.9", "250.1"):
            with self.assertRaises(ValidationError) as refused:
                self.confirm(weight, "0.5")
            assert f"A weight of {weight} kg is outside 30-250 kg" in refused.exception.messages[0]
        assert self.confirm("30", "0.5").dose_mg == Decimal("15.00")
        assert self.confirm("250", "0.5").dose_mg == Decimal("125.00")

    def test_the_model_refuses_99_99_mg_per_kg_at_350_kg_on_a_plain_save(self):
        chart = make_chart()
        chart.weight_kg, chart.mg_per_kg = Decimal("350"), Decimal("99.99")
        with self.assertRaises(ValidationError) as refused:
            chart.save()
        assert code_of(refused) == "dose_limit"
        chart = InfusionChart.objects.get(pk=chart.pk)
        assert (chart.weight_kg, chart.mg_per_kg) == (None, Decimal("0.50"))

    def test_a_new_chart_with_an_unsafe_dose_is_never_created(self):
        chart = make_chart()
        with self.assertRaises(ValidationError):
            InfusionChart.objects.create(
                patient=chart.patient,
                protocol=chart.protocol,
                medicine=chart.medicine,
                min_mg_per_kg=Decimal("0.1"),
                max_mg_per_kg=Decimal("0.75"),
                weight_kg=Decimal("80"),
                mg_per_kg=Decimal("1.01"),
            )
        assert InfusionChart.objects.count() == 1


class ProtocolBoundsTests(TestCase):
    """CLINICAL.md: allowed maximum <= 1.0 mg/kg, vitals interval 5-15 minutes, alert limits
    inside physiological ranges; checked by the model with clear messages and by the database."""

    def test_the_model_explains_each_setting_out_of_bounds(self):
        protocol = Protocol(
            name="Typo",
            medicine="ketamine_iv",
            max_mg_per_kg=Decimal("1.01"),
            vitals_every_minutes=16,
            alert_systolic_above=300,
        )
        with self.assertRaises(ValidationError) as refused:
            protocol.full_clean()
        errors = refused.exception.message_dict
        assert "1.0 mg/kg is the hard ceiling" in errors["max_mg_per_kg"][0]
        assert errors["vitals_every_minutes"] == [
            "Enter a value from 5 to 15 minutes: outside that it would not be safe."
        ]
        assert "from 140 to 220 mmHg" in errors["alert_systolic_above"][0]

    def test_5_and_15_minutes_and_1_0_mg_per_kg_are_valid(self):
        for every in (5, 15):
            Protocol(
                name=f"Edge {every}",
                medicine="ketamine_iv",
                max_mg_per_kg=Decimal("1.0"),
                vitals_every_minutes=every,
            ).full_clean()

    def test_the_database_refuses_a_maximum_above_the_ceiling(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Protocol.objects.create(
                name="Raw", medicine="ketamine_iv", max_mg_per_kg=Decimal("1.5")
            )

    def test_the_database_refuses_a_vitals_interval_of_4_or_16_minutes(self):
        for every in (4, 16):
            with self.assertRaises(IntegrityError), transaction.atomic():
                Protocol.objects.create(
                    name=f"Raw {every}", medicine="ketamine_iv", vitals_every_minutes=every
                )


class RemsEnrolmentTests(TestCase):
    """CLINICAL.md, Spravato REMS: enrolment recorded before the first dose."""

    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")

    def test_no_dose_without_enrolment_then_the_dose_is_taken(self):
        chart = make_chart(spravato=True)
        with self.assertRaises(ValidationError) as refused:
            chart.confirm_fixed_dose(by=self.clinician, dose_mg=56)
        assert code_of(refused) == "rems_not_enrolled"
        patient = chart.patient
        patient.record_rems_enrolment(
            by=self.clinician, enrolled_on=timezone.localdate(), patient_id=" SPR-77 "
        )
        patient.refresh_from_db()
        assert (patient.rems_patient_id, patient.rems_recorded_by) == ("SPR-77", self.clinician)
        chart.confirm_fixed_dose(by=self.clinician, dose_mg=56)
        assert chart.dose_mg == 56

    def test_an_enrolment_after_the_session_does_not_count(self):
        chart = make_chart(spravato=True, day=timezone.localdate() - datetime.timedelta(days=2))
        chart.patient.record_rems_enrolment(
            by=self.clinician, enrolled_on=timezone.localdate(), patient_id="SPR-1"
        )
        with self.assertRaises(ValidationError) as refused:
            chart.confirm_fixed_dose(by=self.clinician, dose_mg=56)
        assert code_of(refused) == "rems_not_enrolled"

    def test_an_enrolment_in_the_future_or_without_an_id_is_refused(self):
        patient = make_patient()
        with self.assertRaises(ValidationError) as refused:
            patient.record_rems_enrolment(
                by=None,
                enrolled_on=timezone.localdate() + datetime.timedelta(days=1),
                patient_id="SPR-1",
            )
        assert "enrolled_on" in refused.exception.error_dict
        with self.assertRaises(ValidationError) as refused:
            patient.record_rems_enrolment(by=None, enrolled_on=timezone.localdate(), patient_id="")
        assert "patient_id" in refused.exception.error_dict


class SettingTests(TestCase):
    """CLINICAL.md, setting: Spravato is never at home; IV ketamine at home only where the
    clinic has switched it on."""

    @classmethod
    def setUpTestData(cls):
        cls.clinician = staff("Clinician")
        cls.clinic = make_clinic(slug="midtown", kind=ServiceKind.KETAMINE, at_home=True)
        cls.patient = make_patient()
        make_protocol()

    def home_visit(self):
        appointment = visit(self.clinic, self.clinic.service)
        appointment.at_home, appointment.chair = True, None
        appointment.save()
        return appointment

    def test_home_iv_ketamine_is_not_charted_while_the_location_has_not_allowed_it(self):
        with self.assertRaises(ValidationError) as refused:
            open_chart(appointment=self.home_visit(), by=self.clinician)
        assert code_of(refused) == "setting"
        assert "not offered at home from" in refused.exception.messages[0]
        assert not InfusionChart.objects.exists()

    def test_home_iv_ketamine_is_charted_where_allowed_under_the_same_rules(self):
        appointment = self.home_visit()
        self.clinic.location.home_iv_ketamine = True
        self.clinic.location.save()
        chart = open_chart(appointment=appointment, by=self.clinician)
        start = ago(100)
        ready_to_start(chart, by=self.clinician, baseline_at=start - datetime.timedelta(minutes=5))
        chart.start(by=self.clinician, at=start)
        chart.stop(by=self.clinician, at=start + datetime.timedelta(minutes=40))
        vital(chart, chart.stopped_at + datetime.timedelta(minutes=29), phase="after")
        with self.assertRaises(ValidationError) as refused:
            chart.discharge(
                by=self.clinician,
                at=chart.stopped_at + datetime.timedelta(minutes=29),
                **TICKED,
            )
        assert code_of(refused) == "not_ready_to_leave"

    def test_a_home_chart_cannot_start_once_the_location_switches_home_ketamine_off(self):
        appointment = self.home_visit()
        self.clinic.location.home_iv_ketamine = True
        self.clinic.location.save()
        chart = open_chart(appointment=appointment, by=self.clinician)
        ready_to_start(chart, by=self.clinician)
        self.clinic.location.home_iv_ketamine = False
        self.clinic.location.save()
        chart = InfusionChart.objects.select_related("appointment__location").get(pk=chart.pk)
        with self.assertRaises(ValidationError) as refused:
            chart.start(by=self.clinician)
        assert code_of(refused) == "setting"

    def test_spravato_is_never_charted_at_home(self):
        spravato = make_service(self.clinic.location, slug="spravato", kind=ServiceKind.SPRAVATO)
        appointment = visit(self.clinic, spravato)
        appointment.at_home, appointment.chair = True, None
        appointment.save()
        with self.assertRaises(ValidationError) as refused:
            open_chart(appointment=appointment, by=self.clinician)
        assert "never at home" in refused.exception.messages[0]
        chart = make_chart(spravato=True)
        chart.appointment = appointment
        chart.save()
        assert chart.setting_refusal() == (
            "Spravato is given only in a certified clinic, never at home"
        )
