import datetime
import json
import re
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django import forms
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldError, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.test import TestCase, override_settings
from django.test.utils import isolate_apps

from klearmind.encryption.fields import (
    DecryptionError,
    EncryptedCharField,
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
    LookupHashField,
)
from klearmind.encryption.keys import email_lookup_hash, keyed_hash

from .factories import ConfidentialFactory
from .testapp.models import Confidential

# A Fernet token as stored: URL-safe base64 of a version byte 0x80 and the rest.
FERNET_TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_=-]+")

ENCRYPTED = [
    "note",
    "medication",
    "answers",
    "date_of_birth",
    "email",
    "weight_kg",
    "heart_rate",
]


def current_key() -> str:
    return settings.FIELD_ENCRYPTION_KEYS[0]


def raw_row(pk) -> dict:
    """The columns exactly as the database holds them, without the ORM's decryption."""
    table = connection.ops.quote_name(Confidential._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in ENCRYPTED)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return dict(zip(ENCRYPTED, cursor.fetchone(), strict=True))


def write_raw(pk, column: str, value: str) -> None:
    table = connection.ops.quote_name(Confidential._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE id = %s",  # noqa: S608
            [value, pk],
        )


class EncryptedStorageTests(TestCase):
    def test_the_raw_columns_never_contain_the_plaintext(self):
        record = ConfidentialFactory(
            note="Thoughts of self-harm last week",
            medication="lithium",
            answers={"conditions": ["PTSD"], "phq9_item9": 2},
            date_of_birth=datetime.date(1990, 7, 14),
            email="Jane.Doe@example.org",
        )
        stored = raw_row(record.pk)
        key = Fernet(current_key())
        for column in ("note", "medication", "answers", "date_of_birth", "email"):
            key.decrypt(stored[column].encode())  # each a whole Fernet token, or this raises
        # Read outside the tokens: random ciphertext may spell a short word by chance.
        everything = FERNET_TOKEN.sub("", " ".join(str(value) for value in stored.values()))
        for plaintext in (
            "self-harm",
            "lithium",
            "PTSD",
            "phq9",
            "1990",
            "07-14",
            "Jane",
            "example",
        ):
            assert plaintext not in everything
        assert key.decrypt(stored["note"].encode()) == b"Thoughts of self-harm last week"
        assert key.decrypt(stored["date_of_birth"].encode()) == b"1990-07-14"

    def test_reads_back_the_values_with_their_types(self):
        record = ConfidentialFactory(
            answers={"phq9": [3, 3, 2], "notes": None}, date_of_birth=datetime.date(1984, 2, 29)
        )
        fresh = Confidential.objects.get(pk=record.pk)
        assert fresh.answers == {"phq9": [3, 3, 2], "notes": None}
        assert fresh.date_of_birth == datetime.date(1984, 2, 29)
        assert fresh.medication == "sertraline 50 mg"
        assert Confidential.objects.values_list("medication", flat=True).get() == "sertraline 50 mg"

    def test_numbers_are_encrypted_and_come_back_exact(self):
        record = ConfidentialFactory(weight_kg=Decimal("81.4"), heart_rate=152)
        stored = raw_row(record.pk)
        assert "81.4" not in stored["weight_kg"]
        assert "152" not in stored["heart_rate"]
        fresh = Confidential.objects.get(pk=record.pk)
        assert fresh.weight_kg == Decimal("81.4")
        assert isinstance(fresh.weight_kg, Decimal)
        assert fresh.heart_rate == 152

    def test_numbers_are_validated_like_plain_number_fields(self):
        record = ConfidentialFactory(weight_kg=Decimal("12345.6"))
        with pytest.raises(ValidationError) as error:
            record.full_clean()
        assert "weight_kg" in error.value.message_dict
        assert (
            Confidential._meta.get_field("heart_rate").formfield().__class__ is forms.IntegerField
        )

    def test_equal_values_are_stored_as_different_tokens(self):
        first, second = ConfidentialFactory.create_batch(2, medication="ketamine")
        assert raw_row(first.pk)["medication"] != raw_row(second.pk)["medication"]

    def test_none_stays_null_and_an_empty_string_is_encrypted_like_any_other(self):
        record = ConfidentialFactory(note="", answers=None, date_of_birth=None)
        stored = raw_row(record.pk)
        assert stored["answers"] is None
        assert stored["date_of_birth"] is None
        assert stored["note"] not in ("", None)
        fresh = Confidential.objects.get(pk=record.pk)
        assert (fresh.note, fresh.answers, fresh.date_of_birth) == ("", None, None)

    def test_max_length_limits_the_plaintext_not_the_much_longer_token(self):
        record = ConfidentialFactory(medication="x" * 20)
        assert len(raw_row(record.pk)["medication"]) > 20
        record.full_clean()
        record.medication = "x" * 21
        with pytest.raises(ValidationError) as error:
            record.full_clean()
        assert "medication" in error.value.message_dict

    def test_an_edited_value_is_encrypted_again(self):
        record = ConfidentialFactory(medication="sertraline")
        record.medication = "bupropion"
        record.save()
        assert (
            Fernet(current_key()).decrypt(raw_row(record.pk)["medication"].encode()) == b"bupropion"
        )


class EncryptedLookupTests(TestCase):
    def test_refuses_to_filter_on_the_plaintext(self):
        for lookup in (
            "note",
            "note__icontains",
            "medication__startswith",
            "date_of_birth__year",
            "answers__phq9",
            "answers__phq9__gt",
            "date_of_birth__year__gte",
            "email__in",
        ):
            with self.subTest(lookup=lookup), pytest.raises(FieldError, match="encrypted"):
                Confidential.objects.filter(**{lookup: "x"})

    def test_names_the_field_when_it_refuses(self):
        with pytest.raises(FieldError, match="encryption_testapp.Confidential.medication"):
            Confidential.objects.filter(medication="lithium")

    def test_allows_isnull(self):
        ConfidentialFactory(answers=None)
        with_answers = ConfidentialFactory()
        assert list(Confidential.objects.filter(answers__isnull=False)) == [with_answers]


class WrongKeyTests(TestCase):
    def test_a_wrong_key_fails_loudly_naming_the_model_and_field(self):
        record = ConfidentialFactory()
        with (
            override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]),
            pytest.raises(DecryptionError, match=r"encryption_testapp\.Confidential\.\w+"),
        ):
            Confidential.objects.get(pk=record.pk)
        assert Confidential.objects.get(pk=record.pk).medication == "sertraline 50 mg"

    def test_a_tampered_token_is_refused_not_returned_garbled(self):
        record = ConfidentialFactory()
        token = raw_row(record.pk)["medication"]
        write_raw(
            record.pk, "medication", token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
        )
        with pytest.raises(DecryptionError, match="Confidential.medication"):
            Confidential.objects.values_list("medication", flat=True).get()


class LookupHashFieldTests(TestCase):
    def test_finds_a_record_by_its_email_whatever_the_case_and_spacing(self):
        record = ConfidentialFactory(email="Jane.Doe@Example.org")
        ConfidentialFactory(email="someone.else@example.org")
        found = Confidential.objects.filter(email_hash=email_lookup_hash("  jane.doe@example.ORG "))
        assert list(found) == [record]

    def test_follows_the_source_when_it_changes_and_is_empty_when_it_is(self):
        record = ConfidentialFactory(email="old@example.org")
        record.email = "new@example.org"
        record.save()
        assert Confidential.objects.get().email_hash == email_lookup_hash("new@example.org")
        record.email = ""
        record.save()
        assert Confidential.objects.get().email_hash == ""

    def test_the_hash_depends_on_the_lookup_key_and_purpose_not_on_the_encryption_keys(self):
        digest = email_lookup_hash("jane@example.org")
        assert len(digest) == 64
        assert digest != keyed_hash("jane@example.org", purpose="phone")
        with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
            assert email_lookup_hash("jane@example.org") == digest
        with override_settings(FIELD_LOOKUP_KEY="another-lookup-key-" + "z" * 32):
            assert email_lookup_hash("jane@example.org") != digest


class FieldDefinitionTests(TestCase):
    def test_deconstructs_to_what_rebuilds_the_same_field(self):
        for field in (
            EncryptedTextField(blank=True),
            EncryptedCharField(max_length=20),
            EncryptedDateField(null=True),
            EncryptedJSONField(null=True, encoder=DjangoJSONEncoder, decoder=json.JSONDecoder),
            LookupHashField(source="email", purpose="email", normalise=True),
            LookupHashField(source="phone", purpose="phone", db_index=False),
        ):
            with self.subTest(field=type(field).__name__):
                name, path, args, kwargs = field.deconstruct()
                assert path.startswith("klearmind.encryption.fields.")
                rebuilt = type(field)(*args, **kwargs)
                assert rebuilt.deconstruct() == (name, path, args, kwargs)
                for attribute in ("max_length", "null", "blank", "db_index", "editable"):
                    assert getattr(rebuilt, attribute) == getattr(field, attribute)

    def test_the_lookup_hash_field_keeps_its_source_and_purpose_in_migrations(self):
        kwargs = LookupHashField(source="email", purpose="email", normalise=True).deconstruct()[3]
        assert kwargs == {"source": "email", "purpose": "email", "normalise": True}

    def test_every_encrypted_column_is_text(self):
        for name in ENCRYPTED:
            field = Confidential._meta.get_field(name)
            assert field.db_type(connection) == connection.data_types["TextField"], name

    def test_json_answers_are_edited_as_json_and_serialised_as_plaintext_json(self):
        assert isinstance(Confidential._meta.get_field("answers").formfield(), forms.JSONField)
        record = ConfidentialFactory(answers={"pain": 6})
        assert '"{\\"pain\\": 6}"' in serializers.serialize("json", [record], fields=["answers"])

    @isolate_apps("klearmind.encryption.tests.testapp")
    def test_refuses_an_encrypted_field_that_is_unique_or_indexed(self):
        class Searchable(models.Model):
            code = EncryptedCharField(max_length=10, unique=True)
            kept = EncryptedTextField(db_index=True)

            class Meta:
                app_label = "encryption_testapp"

            def __str__(self):
                return self.kept

        ids = [error.id for error in Searchable.check()]
        assert ids.count("encryption.E003") == 2
        assert not Confidential.check()
