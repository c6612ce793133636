"""A form-builder page type for the system check's tests (installed in the test settings only;
no migrations, the test database creates its tables). Nobody can add one in the admin."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField


class SurveyFormField(AbstractFormField):
    page = ParentalKey("SurveyPage", on_delete=models.CASCADE, related_name="form_fields")


class SurveyPage(AbstractForm):
    is_creatable = False
    parent_page_types = []
