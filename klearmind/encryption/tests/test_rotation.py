import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from klearmind.encryption.rotation import encrypted_fields

from .factories import ConfidentialFactory
from .test_fields import ENCRYPTED, raw_row
from .testapp.models import Confidential


def reencrypt(*args) -> str:
    out = io.StringIO()
    call_command("reencrypt_fields", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(
        Confidential.objects.order_by("pk").values_list(
            "note", "medication", "answers", "date_of_birth", "email"
        )
    )


class ReencryptFieldsTests(TestCase):
    def setUp(self):
        self.old_key = settings.FIELD_ENCRYPTION_KEYS[0]
        self.new_key = Fernet.generate_key().decode()
        ConfidentialFactory.create_batch(5)
        ConfidentialFactory(answers=None, date_of_birth=None)
        self.before = snapshot()

    def test_after_rotation_every_value_reads_with_only_the_new_key(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[self.new_key, self.old_key]):
            output = reencrypt("--batch-size", "2")
        with override_settings(FIELD_ENCRYPTION_KEYS=[self.new_key]):
            assert snapshot() == self.before
            for pk in Confidential.objects.values_list("pk", flat=True):
                for token in raw_row(pk).values():
                    if token is not None:
                        Fernet(self.new_key).decrypt(token.encode())  # raises if not re-encrypted
                        with pytest.raises(InvalidToken):
                            Fernet(self.old_key).decrypt(token.encode())
        assert "encryption_testapp.Confidential.note: 6 re-encrypted, 0 already" in output
        assert "encryption_testapp.Confidential.answers: 5 re-encrypted, 0 already" in output
        assert "40 values re-encrypted." in output

    def test_a_second_run_changes_nothing(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[self.new_key, self.old_key]):
            reencrypt()
            tokens = [raw_row(pk) for pk in Confidential.objects.values_list("pk", flat=True)]
            output = reencrypt()
            assert [
                raw_row(pk) for pk in Confidential.objects.values_list("pk", flat=True)
            ] == tokens
        assert "encryption_testapp.Confidential.note: 0 re-encrypted, 6 already" in output
        assert "0 values re-encrypted." in output

    def test_stops_naming_the_row_when_a_value_opens_with_no_key(self):
        with (
            override_settings(FIELD_ENCRYPTION_KEYS=[self.new_key]),
            pytest.raises(CommandError, match=r"encryption_testapp\.Confidential\.\w+ \(pk \d+\)"),
        ):
            reencrypt()
        assert snapshot() == self.before

    def test_finds_every_encrypted_column_of_every_installed_model(self):
        found = {f"{model._meta.label}.{field.name}" for model, field in encrypted_fields()}
        own = {label for label in found if label.startswith("encryption_testapp.")}
        assert own == {f"encryption_testapp.Confidential.{name}" for name in ENCRYPTED}
        assert "booking.Appointment.patient_email" in found
        assert "care.Patient.allergies" in found
