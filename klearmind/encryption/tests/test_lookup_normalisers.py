"""The name and phone lookup hashes: what counts as the same name or number, their own purposes,
the field that keeps them, and filling them for rows saved before the field existed."""

from django.test import SimpleTestCase, TestCase

from klearmind.encryption.backfill import fill_lookup_hashes
from klearmind.encryption.fields import LookupHashField
from klearmind.encryption.keys import (
    email_lookup_hash,
    keyed_hash,
    name_lookup_hash,
    normalise_name,
    normalise_phone,
    phone_lookup_hash,
)

from .testapp.models import Confidential


class NormaliseNameTests(SimpleTestCase):
    def test_case_whitespace_and_compatibility_forms_do_not_make_another_name(self):
        assert normalise_name("  Ana   María\tRIVERA \n") == "ana maría rivera"
        assert normalise_name("ＡＮＡ Rivera") == "ana rivera"  # full-width letters
        assert normalise_name("STRASSE") == normalise_name("Straße")  # case folding, not lower
        # A composed and a decomposed accent are the same letter.
        assert normalise_name("Jose\u0301") == normalise_name("Jos\u00e9")

    def test_a_name_is_kept_whole(self):
        assert normalise_name("Ana Rivera") != normalise_name("Ana")
        assert name_lookup_hash("Ana Rivera") != name_lookup_hash("Ana")
        assert name_lookup_hash("Ana Rivera") == name_lookup_hash(" ana  rivera")
        assert name_lookup_hash("   ") == ""


class NormalisePhoneTests(SimpleTestCase):
    def test_any_way_of_writing_a_us_number_gives_its_e164(self):
        for typed in [
            "(916) 555-0142",
            "+19165550142",
            "916.555.0142",
            "1-916-555-0142",
            "+1 916 555 0142",
            "916 555 0142 ext. 7",
        ]:
            assert normalise_phone(typed) == "+19165550142", typed
        assert phone_lookup_hash("(916) 555-0142") == phone_lookup_hash("+19165550142")

    def test_a_number_abroad_keeps_its_country_code(self):
        assert normalise_phone("+44 20 7946 0958") == "+442079460958"

    def test_text_that_is_not_a_phone_number_normalises_to_nothing(self):
        for typed in ["", "Ana Rivera", "1-800-FLOWERS", "555", "call me", "+1 916"]:
            assert normalise_phone(typed) == "", typed
            assert phone_lookup_hash(typed) == "", typed


class PurposeTests(SimpleTestCase):
    def test_each_kind_has_its_own_purpose(self):
        assert name_lookup_hash("Ana Rivera") == keyed_hash("ana rivera", purpose="name")
        assert phone_lookup_hash("9165550142") == keyed_hash("+19165550142", purpose="phone")
        text = "ana@example.org"
        assert len({email_lookup_hash(text), keyed_hash(text, purpose="name")}) == 2


class NormalisingFieldTests(SimpleTestCase):
    def test_the_field_hashes_with_its_normaliser_and_purpose(self):
        name = LookupHashField(source="name", purpose="name", normalise="name")
        phone = LookupHashField(source="phone", purpose="phone", normalise="phone")
        assert name.hash("  ANA rivera") == name_lookup_hash("Ana Rivera")
        assert phone.hash("(916) 555-0142") == phone_lookup_hash("+19165550142")
        assert phone.hash("not a number") == ""

    def test_the_normaliser_survives_a_migration(self):
        field = LookupHashField(source="phone", purpose="phone", normalise="phone", db_index=False)
        _, _, _, kwargs = field.deconstruct()
        assert kwargs == {
            "source": "phone",
            "purpose": "phone",
            "normalise": "phone",
            "db_index": False,
        }
        assert LookupHashField(**kwargs).hash("916-555-0142") == field.hash("9165550142")

    def test_an_unknown_normaliser_is_a_check_error(self):
        field = LookupHashField(source="email", purpose="x", normalise="zip")
        field.set_attributes_from_name("x_hash")
        field.model = Confidential
        assert "encryption.E004" in [error.id for error in field.check()]


class FillLookupHashesTests(TestCase):
    def test_rows_saved_before_the_hash_existed_get_it_from_the_decrypted_source(self):
        rows = [Confidential.objects.create(email=f"Person{n}@Example.org") for n in range(5)]
        rows.append(Confidential.objects.create(email=""))
        Confidential.objects.update(email_hash="stale")
        assert fill_lookup_hashes(Confidential, "email_hash", batch_size=2) == 6
        stored = dict(Confidential.objects.values_list("pk", "email_hash"))
        for n, row in enumerate(rows[:5]):
            assert stored[row.pk] == email_lookup_hash(f"person{n}@example.org")
        assert stored[rows[5].pk] == ""
