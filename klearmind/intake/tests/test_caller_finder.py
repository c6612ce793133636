"""Intake's finder for the desk's booking screen: a candidate by the whole e-mail, the whole
name or the phone number of their questionnaire, only for a role that may open the
questionnaire queue."""

from django.test import TestCase

from klearmind.accounts.tests.factories import staff
from klearmind.booking.hooks import CallerSearch
from klearmind.intake.apps import find_candidates
from klearmind.intake.models import Submission

from .factories import CANDIDATE_EMAIL, CANDIDATE_NAME, submission_with


def find(user, typed: str) -> list:
    return find_candidates(user, CallerSearch.read(typed))


class CandidateFinderTests(TestCase):
    def setUp(self):
        self.submission = submission_with(notify=False)

    def test_the_front_desk_finds_a_candidate_by_the_whole_e_mail(self):
        found = find(staff("Front desk"), CANDIDATE_EMAIL.upper())
        assert [(c.kind, c.name, c.email, c.phone) for c in found] == [
            ("Candidate", CANDIDATE_NAME, CANDIDATE_EMAIL, "(916) 555-0187")
        ]
        assert found[0].link == f"/admin/intake/{self.submission.pk}/"
        assert find(staff("Front desk"), "avery@example.org") == []

    def test_the_front_desk_finds_a_candidate_by_the_whole_name(self):
        desk = staff("Front desk")
        for typed in ["Avery Quinlan", "AVERY  quinlan", "Quinlan, Avery"]:
            found = find(desk, typed)
            assert [(c.kind, c.name) for c in found] == [("Candidate", CANDIDATE_NAME)], typed
        for typed in ["Avery", "Quinlan", "Avery Q", "Avery Quinlann"]:
            assert find(desk, typed) == [], typed

    def test_the_front_desk_finds_a_candidate_by_the_phone_number(self):
        desk = staff("Front desk")
        for typed in ["(916) 555-0187", "+19165550187", "916-555-0187"]:
            assert [c.name for c in find(desk, typed)] == [CANDIDATE_NAME], typed
        assert find(desk, "(916) 555-0188") == []

    def test_the_name_and_phone_are_hashed_apart_from_the_e_mail(self):
        submission = Submission.objects.get(pk=self.submission.pk)
        hashes = {submission.email_hash, submission.name_hash, submission.phone_hash}
        assert len(hashes) == 3 and "" not in hashes
        # A name typed where an e-mail's hash is kept finds nothing: the purposes differ.
        assert CallerSearch("email", CallerSearch.read(CANDIDATE_NAME).hashes).hashes
        assert (
            find_candidates(
                staff("Front desk"), CallerSearch("email", CallerSearch.read(CANDIDATE_NAME).hashes)
            )
            == []
        )

    def test_a_role_without_patient_contact_finds_nobody(self):
        editor = staff("Editor")
        for typed in [CANDIDATE_EMAIL, CANDIDATE_NAME, "(916) 555-0187"]:
            assert find(editor, typed) == [], typed
