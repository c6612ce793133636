"""Intake's finder for the desk's booking screen: a candidate by the whole e-mail of their
questionnaire, only for a role that may open the questionnaire queue."""

from django.test import TestCase

from klearmind.accounts.tests.factories import staff
from klearmind.intake.apps import find_candidates

from .factories import CANDIDATE_EMAIL, CANDIDATE_NAME, submission_with


class CandidateFinderTests(TestCase):
    def setUp(self):
        self.submission = submission_with(notify=False)

    def test_the_front_desk_finds_a_candidate_by_the_whole_e_mail(self):
        found = find_candidates(staff("Front desk"), CANDIDATE_EMAIL.upper())
        assert [(c.kind, c.name, c.email, c.phone) for c in found] == [
            ("Candidate", CANDIDATE_NAME, CANDIDATE_EMAIL, "(916) 555-0187")
        ]
        assert found[0].link == f"/admin/intake/{self.submission.pk}/"
        assert find_candidates(staff("Front desk"), "avery@example.org") == []

    def test_a_role_without_patient_contact_finds_nobody(self):
        assert find_candidates(staff("Editor"), CANDIDATE_EMAIL) == []
