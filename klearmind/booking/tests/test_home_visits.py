"""Which treatments go to a patient's home (CLINICAL.md, setting): Spravato never; IV ketamine
only from a location that has switched it on knowingly (off by default); others as offered."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from klearmind.booking.availability import Place
from klearmind.booking.forms import PlaceForm, home_visit_location, validate_zip_code
from klearmind.booking.models import ServiceKind
from klearmind.booking.services import SlotUnavailable, check_offered

from .factories import make_location, make_service


class HomeVisitSettingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.location = make_location("midtown")
        cls.ketamine = make_service(
            cls.location, slug="ketamine", kind=ServiceKind.KETAMINE, at_home=True
        )
        cls.drip = make_service(cls.location, slug="drip", at_home=True)

    def refusal(self, service) -> str:
        home = Place(self.location, at_home=True)
        try:
            check_offered(service=service, place=home, staff=True)
        except SlotUnavailable as refused:
            return refused.message
        return ""

    def test_home_iv_ketamine_is_off_until_the_location_switches_it_on(self):
        assert self.location.home_iv_ketamine is False
        assert self.refusal(self.ketamine) == "Ketamine is not offered at home from Midtown."
        assert not self.ketamine.offered_at_home()
        self.location.home_iv_ketamine = True
        self.location.save()
        assert self.refusal(self.ketamine) == ""
        assert self.ketamine.offered_at_home()

    def test_a_booster_follows_the_same_switch_and_hydration_does_not_need_it(self):
        booster = make_service(self.location, slug="booster", kind=ServiceKind.BOOSTER)
        booster.at_home = True
        booster.save()
        assert "not offered at home from" in self.refusal(booster)
        assert self.refusal(self.drip) == ""

    def test_the_place_form_offers_home_only_where_a_location_allows_it(self):
        choices = dict(PlaceForm(service=self.ketamine).fields["place"].choices)
        assert "home" not in choices
        assert "home" in dict(PlaceForm(service=self.drip).fields["place"].choices)

    def test_spravato_is_never_booked_at_home_even_with_the_switch_on(self):
        self.location.home_iv_ketamine = True
        self.location.save()
        spravato = make_service(self.location, slug="spravato", kind=ServiceKind.SPRAVATO)
        assert self.refusal(spravato) == (
            "Spravato is given only in a certified clinic, never at home."
        )

    def test_a_spravato_service_offered_at_home_is_refused_by_the_form_and_the_database(self):
        spravato = make_service(self.location, slug="spravato", kind=ServiceKind.SPRAVATO)
        spravato.at_home = True
        with self.assertRaises(ValidationError) as refused:
            spravato.full_clean()
        assert "never at home" in refused.exception.message_dict["at_home"][0]
        with self.assertRaises(IntegrityError), transaction.atomic():
            spravato.save()


class HomeVisitZipTests(TestCase):
    """home_visit_location: the ZIP rule of a home visit, for the place form and every step."""

    @classmethod
    def setUpTestData(cls):
        cls.location = make_location("midtown", zips="95816, 95819")
        cls.drip = make_service(cls.location, slug="drip", at_home=True)

    def test_the_format_is_exactly_five_digits(self):
        validate_zip_code("95816")
        validate_zip_code("00000")
        for value in ("9581", "958160", "95816-1234", "9581a", " 95816", ""):
            with self.assertRaises(ValidationError) as refused:
                validate_zip_code(value)
            assert refused.exception.code == "invalid_zip", value

    def test_a_zip_inside_an_area_finds_the_location_that_visits_it(self):
        assert home_visit_location("95819") == self.location
        with self.assertRaises(ValidationError) as refused:
            home_visit_location("95817")
        assert refused.exception.code == "outside_area"
        assert refused.exception.messages == [
            "We do not make home visits to 95817 yet. Please choose one of our clinics "
            "instead, or call us to ask."
        ]

    def test_the_form_and_the_steps_give_the_same_answer(self):
        for zip_code, code in (("958", "invalid_zip"), ("95817", "outside_area")):
            form = PlaceForm({"place": "home", "zip": f" {zip_code} "}, service=self.drip)
            assert not form.is_valid()
            assert form.errors.as_data()["zip"][0].code == code
            step = self.client.get("/book/drip/home/", {"zip": zip_code})
            assert step.status_code == 400
            assert form.errors["zip"][0] in step.content.decode()
        form = PlaceForm({"place": "home", "zip": " 95816 "}, service=self.drip)
        assert form.is_valid() and form.cleaned_data["zip"] == "95816"
