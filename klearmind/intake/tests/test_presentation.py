"""A questionnaire as the clinician reads it, including one sent before the screening
questions of CLINICAL.md's later rules existed: it still displays, their answers missing."""

from django.test import TestCase

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.intake.models import Submission
from klearmind.intake.presentation import answer_sections
from klearmind.intake.questionnaires import SCREENING_BY_KEY, YES

from .factories import submission_with

# Asked since the hard stops, Spravato's breastfeeding rule and the soft flags were completed.
ADDED_LATER = (
    "ketamine_hypersensitivity",
    "raised_intracranial_pressure",
    "recent_head_injury",
    "breastfeeding",
    "prior_ketamine_misuse",
    "regular_opioids",
    "regular_benzodiazepines",
    "heavy_alcohol",
    "maoi",
    "psychostimulants",
    "severe_liver_disease",
    "interstitial_cystitis",
)


def history_rows(answers) -> dict:
    section = next(s for s in answer_sections(answers) if s.title == "Medical history")
    return {row.question: row for row in section.rows}


class StoredBeforeNewQuestionsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.submission = submission_with(notify=False, history={"vascular_disease": YES})
        answers = cls.submission.answers
        for key in ADDED_LATER:
            del answers["history"][key]
        Submission.objects.filter(pk=cls.submission.pk).update(answers=answers)
        cls.submission.refresh_from_db()

    def test_new_questions_show_as_unanswered_and_old_answers_keep_their_flag(self):
        rows = history_rows(self.submission.answers)
        for key in ADDED_LATER:
            row = rows[SCREENING_BY_KEY[key].text]
            assert (row.answer, row.flagged) == ("—", False)
        vascular = rows[SCREENING_BY_KEY["vascular_disease"].text]
        assert (vascular.answer, vascular.flagged) == ("Yes", True)

    def test_the_clinician_screen_still_opens_it(self):
        sign_in(self.client, staff("Clinician"))
        response = self.client.get(f"/admin/intake/{self.submission.pk}/")
        assert response.status_code == 200
        self.assertContains(response, SCREENING_BY_KEY["breastfeeding"].text)
        self.assertContains(response, "Hard stop for any ketamine (IV ketamine and Spravato)")
