"""The server-drawn progress chart: its points, band shading, treatment markers, summary and
escaping; and the treatment dates it marks."""

import datetime
import re
from unittest import mock

from django.test import SimpleTestCase, TestCase

from klearmind.booking.models import AppointmentStatus
from klearmind.care.measures import MEASURES, Measure
from klearmind.care.models import InfusionChart
from klearmind.care.outcomes.progress import patient_progress, treatment_dates
from klearmind.care.outcomes.progress_chart import charts, progress_chart
from klearmind.care.outcomes.rules import Point
from klearmind.intake.models import IntakeSettings
from klearmind.intake.scoring import Band

from .factories import make_patient, make_plan, make_protocol
from .outcome_factories import Treatment, days_ago, score

DAY = datetime.datetime(2026, 3, 2, 17, tzinfo=datetime.UTC)


def points(*totals) -> list[Point]:
    return [Point(DAY + datetime.timedelta(days=7 * n), t) for n, t in enumerate(totals)]


class ProgressChartTests(SimpleTestCase):
    def test_one_point_per_score_on_one_line_with_each_value_named(self):
        svg = progress_chart("phq9", points(18, 11, 6), [])
        assert svg.count("<circle") == 3
        assert svg.count("<polyline") == 1
        assert "<title>2 Mar 2026: 18</title>" in svg
        assert "<title>16 Mar 2026: 6</title>" in svg

    def test_a_higher_score_sits_higher_on_the_chart(self):
        svg = progress_chart("phq9", points(18, 6), [])
        first, last = (float(y) for y in re.findall(r'<circle[^>]*cy="([0-9.]+)"', svg))
        assert first < last  # SVG's y grows downwards

    def test_the_phq9_bands_are_shaded_and_labelled_in_words(self):
        svg = progress_chart("phq9", points(12), [])
        assert svg.count('class="care-chart__band"') == 5
        for label in ("0–4 minimal", "5–9 mild", "10–14 moderate", "20–27 severe"):
            assert label in svg
        assert "15–19 moderately severe" in svg

    def test_gad7_and_pcl5_have_their_own_bands_and_pain_none(self):
        assert progress_chart("gad7", points(9), []).count('class="care-chart__band"') == 4
        pcl5 = progress_chart("pcl5", points(40), [])
        assert "33–80 provisional PTSD" in pcl5
        assert "care-chart__band" not in progress_chart("pain", points(4), [])

    def test_long_band_labels_wrap_to_lines_that_fit_right_of_the_plot(self):
        svg = progress_chart("pcl5", points(40), [], pcl5_cutoff=33)
        labels = re.findall(r'<text class="care-chart__band-label">(.*?)</text>', svg)
        lines = [re.findall(r"<tspan[^>]*>([^<]*)</tspan>", label) for label in labels]
        assert ["0–32 below the", "provisional cut-off"] in lines
        assert all(len(line) <= 24 for label in lines for line in label)
        assert "<title>0–32 below the provisional cut-off</title>" in svg  # whole, on hover

    def test_treatment_sessions_are_dashed_vertical_lines_with_their_dates(self):
        sessions = [DAY + datetime.timedelta(days=d) for d in (2, 4, 6)]
        svg = progress_chart("phq9", points(18, 9), sessions)
        markers = re.findall(r'<line class="care-chart__treatment" x1="([0-9.]+)"[^>]*x2="\1"', svg)
        assert len(markers) == 3
        assert "<title>Treatment on 4 Mar 2026</title>" in svg

    def test_it_is_an_image_with_a_title_and_a_summary(self):
        svg = progress_chart("phq9", points(18, 9), [DAY])
        assert 'role="img"' in svg
        assert '<title id="chart-phq9-title">PHQ-9 scores over time</title>' in svg
        assert "2 PHQ-9 scores, from 18 on 2 Mar 2026 to 9 on 9 Mar 2026. 1 treatment" in svg

    def test_a_single_score_and_no_scores_are_drawn_and_described(self):
        single = progress_chart("phq9", points(14), [])
        assert "One PHQ-9 score: 14 on 2 Mar 2026. 0 treatment sessions marked." in single
        assert "<polyline" not in single
        empty = progress_chart("phq9", [], [DAY])
        assert "No PHQ-9 scores yet." in empty

    def test_everything_textual_is_escaped(self):
        marked_up = Measure("phq9", "<b>PHQ & co</b>", 27, (Band(0, 27, "<i>all</i>"),))
        with mock.patch.dict(MEASURES, {"phq9": marked_up}):
            svg = progress_chart("phq9", points(3), [])
        assert "<b>" not in svg and "<i>" not in svg
        assert "&lt;b&gt;PHQ &amp; co&lt;/b&gt; scores over time" in svg
        assert "&lt;i&gt;all&lt;/i&gt;" in svg


class TreatmentDatesTests(TestCase):
    def test_only_treatments_that_took_place_are_marked(self):
        patient = make_patient()
        treatment = Treatment()
        done = treatment.visit(days_ago(6), status=AppointmentStatus.COMPLETED)
        arrived = treatment.visit(days_ago(1), status=AppointmentStatus.ARRIVED)
        treatment.visit(days_ago(3), status=AppointmentStatus.NO_SHOW)
        treatment.visit(days_ago(-2))
        treatment.visit(days_ago(4), status=AppointmentStatus.COMPLETED, email="else@example.org")
        assert treatment_dates(patient) == [done.starts_at, arrived.starts_at]

    def test_a_charted_session_is_marked_when_the_infusion_started(self):
        patient = make_patient()
        treatment = Treatment()
        visit = treatment.visit(days_ago(2), status=AppointmentStatus.COMPLETED)
        started = visit.starts_at + datetime.timedelta(minutes=25)
        InfusionChart.objects.create(
            patient=patient,
            appointment=visit,
            protocol=make_protocol(),
            medicine="ketamine_iv",
            min_mg_per_kg="0.1",
            max_mg_per_kg="0.75",
            started_at=started,
        )
        assert treatment_dates(patient) == [started]

    def test_the_charts_and_their_tables_carry_the_same_numbers(self):
        patient = make_patient()
        treatment = Treatment()
        make_plan(patient, series=treatment.series)
        treatment.visit(days_ago(10), status=AppointmentStatus.COMPLETED)
        score(patient, phq9=18, gad7=[2] * 7, taken_at=days_ago(12))
        score(patient, phq9=6, taken_at=days_ago(1))
        [phq9, gad7] = charts(patient_progress(patient))
        assert [row[1:] for row in phq9["rows"]] == [(18, "moderately severe"), (6, "mild")]
        assert phq9["svg"].count("<circle") == 2
        assert gad7["rows"][0][1:] == (14, "moderate")

    def test_the_pcl5_is_banded_at_the_clinics_cutoff(self):
        # CLINICAL.md: the clinic's PCL-5 cut-off is used everywhere, progress included.
        clinic = IntakeSettings.load()
        clinic.pcl5_cutoff = 31
        clinic.save()
        patient = make_patient(email="pcl@example.org", conditions=["ptsd"])
        score(patient, pcl5=[2] * 15 + [1] + [0] * 4, taken_at=days_ago(3))
        [pcl5] = charts(patient_progress(patient))
        assert pcl5["rows"][0][1:] == (31, "provisional PTSD")
        assert "31–80 provisional PTSD" in pcl5["svg"]
        assert "0–30 below the provisional cut-off" in pcl5["svg"]
