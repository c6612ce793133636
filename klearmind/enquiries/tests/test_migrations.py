"""The contact page's form-builder submissions move into enquiries, encrypted, and leave
wagtailforms_formsubmission."""

import datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Page

from klearmind.enquiries.models import Enquiry
from klearmind.pages.models import ContactPage

BEFORE = [("pages", "0001_initial"), ("enquiries", "0001_enquiry")]
FIELDS = [
    ("Name", "name", "singleline"),
    ("Email", "email", "email"),
    ("Phone", "phone", "singleline"),
    ("Preferred location", "preferred_location", "dropdown"),
    ("Message", "message", "multiline"),
]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


class MoveSubmissionsTests(TransactionTestCase):
    serialized_rollback = True  # keep Wagtail's root page and default site for other tests

    def tearDown(self):
        migrate(leaves())

    def test_submissions_become_encrypted_enquiries_and_leave_the_form_builder(self):
        page = Page.objects.get(depth=1).add_child(instance=ContactPage(title="Contact", slug="c"))
        migrate(BEFORE)
        apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        field_model = apps.get_model("pages", "ContactFormField")
        for order, (label, clean_name, kind) in enumerate(FIELDS):
            field_model.objects.create(
                page_id=page.pk, sort_order=order, label=label, clean_name=clean_name,
                field_type=kind,
            )  # fmt: skip
        sent = datetime.datetime(2026, 3, 2, 14, 30, tzinfo=datetime.UTC)
        submission = FormSubmission.objects.create(
            page_id=page.pk,
            form_data={
                "name": "Ana Ruiz",
                "email": "ana@example.org",
                "phone": "916 555 0100",
                "preferred_location": "Roseville",
                "message": "I was told to ask about ketamine.",
            },
        )
        FormSubmission.objects.filter(pk=submission.pk).update(submit_time=sent)  # auto_now_add
        migrate(leaves())
        enquiry = Enquiry.objects.get()
        assert (enquiry.name, enquiry.email, enquiry.phone) == (
            "Ana Ruiz",
            "ana@example.org",
            "916 555 0100",
        )
        assert (
            enquiry.message == "I was told to ask about ketamine.\n\nPreferred location: Roseville"
        )
        assert enquiry.created_at == sent
        assert enquiry.status == "new"
        assert list(Enquiry.objects.by_email("ANA@example.org")) == [enquiry]
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM wagtailforms_formsubmission")
            assert cursor.fetchone() == (0,)
            cursor.execute("SELECT message FROM enquiries_enquiry")
            assert "ketamine" not in cursor.fetchone()[0]
