from django.test import TestCase

from klearmind.accounts.tests.factories import staff
from klearmind.intake.demo import load_intake_demo
from klearmind.intake.models import Draft, Status, Submission
from klearmind.outbox.models import OutgoingMessage


class DemoTests(TestCase):
    def test_sample_candidates_have_real_scores_histories_and_notes_and_load_once(self):
        clinician = staff("Clinician", username="daniel.okafor")
        assert load_intake_demo() == (
            "Demo questionnaires: 6 created, 0 already present; an urgent unsent draft."
        )
        assert load_intake_demo() == (
            "Demo questionnaires: 0 created, 6 already present; the urgent unsent draft present."
        )
        draft = Draft.objects.get()
        assert draft.urgent and draft.reviewed_at is None
        assert draft.answers["about"]["full_name"] == "Riley Chen"
        assert [entry["answer"] for entry in draft.item9_history] == [2]
        assert not OutgoingMessage.objects.about("intake.draft", draft.pk).exists()
        by_name = {s.full_name: s for s in Submission.objects.all()}
        urgent = by_name["Jordan Avery"]
        assert urgent.urgent and urgent.status == Status.NEW
        assert urgent.results["phq9"] == {"total": 20, "band": "severe", "item9": 1}
        likely = by_name["Maya Lindqvist"]
        assert likely.results["triage"]["suggestion"] == "likely_candidate"
        assert likely.status == Status.CONSULTATION_BOOKED
        assert likely.assigned_to == clinician
        assert likely.notes.get().author == clinician
        assert likely.status_changes.count() == 3
        stopped = by_name["Theo Ramirez"]
        assert stopped.results["triage"]["suggestion"] == "likely_not_candidate"
        assert stopped.results["screening"]["hard_stops"][0]["key"] == "seizures"
        assert {s.location for s in by_name.values()} == {
            "sacramento",
            "roseville",
            "home",
            "either",
        }
        assert by_name["Noor Haddad"].status == Status.ACCEPTED
        # CLINICAL.md: breastfeeding rules out Spravato only; a clinician reviews.
        nursing = by_name["Priya Natarajan"].results
        assert nursing["triage"]["suggestion"] == "clinician_review"
        assert nursing["screening"]["hard_stops"] == []
        assert nursing["screening"]["spravato_contraindications"][0]["key"] == "breastfeeding"
        flags = [f["key"] for f in by_name["Grace Whitmore"].results["screening"]["soft_flags"]]
        assert flags == ["regular_opioids", "hypertension"]
        assert Submission.objects.queue().first() == urgent
