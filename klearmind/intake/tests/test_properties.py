"""Property-based tests over answer combinations: totals always in range, bands always the band
their total falls in, clusters adding up, and the triage agreeing with the hard stops; and the
about-you form fed arbitrary text never fails and never half-saves."""

from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from klearmind.intake import scoring
from klearmind.intake.models import Draft
from klearmind.intake.questionnaires import NO, NOT_SURE, SCREENING_QUESTIONS, YES

from .factories import csrf_token, step_answers

BOUNDED = settings(max_examples=200, deadline=None)


def band_holds(total: int, label: str, bands) -> bool:
    return any(band.low <= total <= band.high and band.label == label for band in bands)


@BOUNDED
@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_total_is_within_0_27_and_its_band_contains_it(items):
    score = scoring.score_phq9(items)
    assert 0 <= score.total <= 27
    assert score.total == sum(items)
    assert band_holds(score.total, score.band, scoring.PHQ9_BANDS)
    assert score.self_harm is (items[8] > 0)


@BOUNDED
@given(st.lists(st.integers(0, 3), min_size=7, max_size=7))
def test_gad7_total_is_within_0_21_and_its_band_contains_it(items):
    score = scoring.score_gad7(items)
    assert 0 <= score.total <= 21
    assert band_holds(score.total, score.band, scoring.GAD7_BANDS)
    assert score.further_evaluation is (score.total >= 10)


@BOUNDED
@given(st.lists(st.integers(0, 4), min_size=20, max_size=20), st.integers(31, 33))
def test_pcl5_clusters_add_up_and_both_rules_follow_their_definitions(items, cutoff):
    score = scoring.score_pcl5(items, cutoff=cutoff)
    assert 0 <= score.total <= 80
    assert score.cluster_b + score.cluster_c + score.cluster_d + score.cluster_e == score.total
    assert 0 <= score.cluster_b <= 20 and 0 <= score.cluster_c <= 8
    assert 0 <= score.cluster_d <= 28 and 0 <= score.cluster_e <= 24
    assert score.provisional_by_cutoff is (score.total >= cutoff)
    endorsed = [value >= 2 for value in items]
    expected = (
        sum(endorsed[0:5]) >= 1
        and sum(endorsed[5:7]) >= 1
        and sum(endorsed[7:14]) >= 2
        and sum(endorsed[14:20]) >= 2
    )
    assert score.provisional_by_dsm is expected


screening_answers = st.fixed_dictionaries(
    {q.key: st.sampled_from([YES, NO, NOT_SURE]) for q in SCREENING_QUESTIONS}
)


@BOUNDED
@given(
    phq9=st.lists(st.integers(0, 3), min_size=9, max_size=9),
    gad7=st.one_of(st.none(), st.lists(st.integers(0, 3), min_size=7, max_size=7)),
    pcl5=st.one_of(st.none(), st.lists(st.integers(0, 4), min_size=20, max_size=20)),
    pain=st.one_of(st.none(), st.integers(0, 10)),
    answers=screening_answers,
)
def test_the_triage_follows_hard_stops_item_9_and_flags(phq9, gad7, pcl5, pain, answers):
    assessment = scoring.assess(
        phq9=phq9, gad7=gad7, pcl5=pcl5, pain=pain, screening_answers=answers
    )
    hard_stop = any(answers[q.key] == YES for q in SCREENING_QUESTIONS if q.kind == "ketamine")
    suggestion = assessment.triage.suggestion
    assert (suggestion == scoring.LIKELY_NOT_CANDIDATE) is hard_stop
    unsure = any(answers[q.key] == NOT_SURE for q in SCREENING_QUESTIONS)
    if phq9[8] > 0 or unsure:
        assert suggestion != scoring.LIKELY_CANDIDATE
    assert assessment.urgent is (phq9[8] > 0)
    assert assessment.triage.reasons, "a suggestion always says why"


nasty = st.one_of(
    st.text(max_size=120),
    st.text(alphabet=st.sampled_from("<>&\"'\x00\u202e\u2067שלום🌿\r\n\t /:."), max_size=60),
    st.sampled_from(["x" * 201, "<script>alert(1)</script>", "\x00", "0" * 40]),
)


class AboutFormTests(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(name=nasty, phone=nasty, zip_code=nasty, born=nasty)
    def test_arbitrary_text_is_refused_or_stored_never_an_error_or_echoed_markup(
        self, name, phone, zip_code, born
    ):
        cache.clear()  # every example starts a draft from the same address
        client = self.client_class(enforce_csrf_checks=True)
        page = client.get("/candidacy/step/1/")
        data = step_answers()["about"] | {
            "full_name": name,
            "phone": phone,
            "zip_code": zip_code,
            "date_of_birth": born,
            "csrfmiddlewaretoken": csrf_token(page),
            "action": "next",
        }
        drafts = Draft.objects.count()
        response = client.post("/candidacy/step/1/", data)
        assert response.status_code in (302, 400)
        assert b"<script>alert" not in response.content
        if response.status_code == 400:
            assert Draft.objects.count() == drafts
            assert b'id="form-errors"' in response.content
