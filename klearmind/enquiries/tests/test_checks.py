from django.core import checks
from django.test import TestCase
from wagtail.models import Page, PageViewRestriction

from klearmind.enquiries.checks import check_public_form_builder_pages

from .testapp.models import SurveyFormField, SurveyPage


def warnings() -> list[checks.CheckMessage]:
    return check_public_form_builder_pages()


class FormBuilderCheckTests(TestCase):
    def setUp(self):
        self.survey = Page.objects.get(depth=1).add_child(
            instance=SurveyPage(
                title="Tell us about you",
                slug="survey",
                form_fields=[
                    SurveyFormField(label="Favourite color", field_type="dropdown", choices="Red"),
                    SurveyFormField(label="Anything else?", field_type="multiline"),
                ],
            )
        )

    def test_a_live_public_form_with_a_free_text_field_is_warned_about(self):
        (warning,) = warnings()
        assert warning.id == "enquiries.W001"
        assert warning.level == checks.WARNING
        assert "“Tell us about you”" in warning.msg
        assert "(Anything else?)" in warning.msg
        assert "plain text" in warning.msg

    def test_the_check_runs_with_the_database_checks(self):
        found = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
        assert [message.id for message in found if message.id.startswith("enquiries")] == [
            "enquiries.W001"
        ]

    def test_a_form_without_free_text_a_draft_or_a_restricted_page_is_not(self):
        self.survey.form_fields.filter(field_type="multiline").update(field_type="email")
        assert warnings() == []
        self.survey.form_fields.update(field_type="singleline")
        assert len(warnings()) == 1
        PageViewRestriction.objects.create(
            page=self.survey, restriction_type=PageViewRestriction.LOGIN
        )
        assert warnings() == []
        PageViewRestriction.objects.all().delete()
        self.survey.unpublish()
        assert warnings() == []
