"""The clinic settings move from the public site's app into the clinic app with their row,
their table and the permissions that staff hold on them."""

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from klearmind.clinic.models import ClinicSettings

PAGES_BEFORE = ("pages", "0002_contact_page_takes_enquiries")
BEFORE = [PAGES_BEFORE, ("clinic", None)]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


class MoveClinicSettingsTests(TransactionTestCase):
    serialized_rollback = True  # keep Wagtail's root page and default site for other tests

    def tearDown(self):
        migrate(leaves())

    def test_the_row_and_the_permissions_on_it_survive_the_move(self):
        migrate(BEFORE)
        apps = MigrationExecutor(connection).loader.project_state(PAGES_BEFORE).apps
        apps.get_model("pages", "ClinicSettings").objects.create(
            clinic_name="Klearmind Folsom", phone="(916) 555-0199"
        )
        content_type = apps.get_model("contenttypes", "ContentType").objects.get_for_model(
            apps.get_model("pages", "ClinicSettings")
        )
        permission = apps.get_model("auth", "Permission").objects.get_or_create(
            content_type=content_type, codename="change_clinicsettings", defaults={"name": "x"}
        )[0]
        apps.get_model("auth", "Group").objects.create(name="Web team").permissions.add(permission)
        migrate(leaves())
        clinic = ClinicSettings.load()
        assert (clinic.clinic_name, clinic.phone) == ("Klearmind Folsom", "(916) 555-0199")
        held = Group.objects.get(name="Web team").permissions.get()
        assert (held.content_type.app_label, held.codename) == ("clinic", "change_clinicsettings")


class MoveOnCallAddressTests(TransactionTestCase):
    serialized_rollback = True

    def tearDown(self):
        migrate(leaves())

    def test_the_on_call_address_moves_from_the_questionnaire_settings(self):
        before = [("intake", "0002_urgent_drafts"), ("clinic", "0001_clinic_settings")]
        migrate(before)
        apps = MigrationExecutor(connection).loader.project_state(before).apps
        apps.get_model("intake", "IntakeSettings").objects.create(on_call_email="dr@clinic.example")
        migrate(leaves())
        assert ClinicSettings.load().on_call_address() == "dr@clinic.example"
