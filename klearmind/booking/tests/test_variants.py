"""Drips and add-ons: each booked with its own minutes and price, from the service's one menu."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, TestCase, TransactionTestCase
from wagtail.models import Page

from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.booking import menu
from klearmind.booking.models import (
    Appointment,
    BookingSettings,
    Service,
    ServiceVariant,
    VariantKind,
)
from klearmind.pages.models import ServicePage

from .factories import make_clinic, make_provider, make_service
from .test_views import DETAILS, csrf_token, hidden_fields, text

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)


def summary(response) -> dict[str, str]:
    """The booking summary's terms and what each says."""
    page = BeautifulSoup(response.content, "html.parser")
    return {
        row.dt.get_text(): " ".join(row.dd.get_text().split())
        for row in page.select(".booking-summary > div")
    }


def add_menu(service) -> dict[str, ServiceVariant]:
    rows = [
        (VariantKind.DRIP, "Hydration", 45, "149.00"),
        (VariantKind.DRIP, "NAD+", 120, "399.00"),
        (VariantKind.ADD_ON, "Anti-nausea medicine", 0, "34.50"),
        (VariantKind.ADD_ON, "Extra fluids", 15, "45.00"),
        (VariantKind.DRIP, "Retired drip", 30, "99.00"),
    ]
    made = {
        name: ServiceVariant.objects.create(
            service=service, kind=kind, name=name, minutes=minutes, price=Decimal(price)
        )
        for kind, name, minutes, price in rows
    }
    made["Retired drip"].active = False
    made["Retired drip"].save()
    return made


class VariantRulesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinic = make_clinic(slug="midtown", at_home=True)
        cls.menu = add_menu(cls.clinic.service)

    def test_a_drip_must_take_some_minutes_but_an_add_on_need_not(self):
        drip = ServiceVariant(service=self.clinic.service, name="Empty", minutes=0, price=1)
        with pytest.raises(ValidationError) as caught:
            drip.full_clean()
        assert "Give how many minutes the drip takes." in caught.value.message_dict["minutes"]
        with pytest.raises(IntegrityError), transaction.atomic():
            drip.save()
        self.menu["Anti-nausea medicine"].full_clean()

    def test_a_price_is_never_negative(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            ServiceVariant.objects.create(
                service=self.clinic.service, name="Refund", minutes=30, price=-1
            )

    def test_a_choice_adds_up_minutes_and_prices(self):
        choice = menu.read_choice(
            self.clinic.service,
            str(self.menu["NAD+"].pk),
            [str(self.menu["Extra fluids"].pk), str(self.menu["Anti-nausea medicine"].pk)],
            at_home=False,
        )
        assert choice.minutes == 135
        assert choice.price == Decimal("478.50")
        assert choice.dispatch_fee == 0
        assert choice.total == Decimal("478.50")

    def test_a_home_visit_adds_the_dispatch_fee_the_clinic_set(self):
        settings = BookingSettings.load()
        settings.home_visit_fee = Decimal("65.00")
        settings.save()
        choice = menu.read_choice(
            self.clinic.service, str(self.menu["Hydration"].pk), [], at_home=True
        )
        assert choice.dispatch_fee == Decimal("65.00")
        assert choice.total == Decimal("214.00")

    def test_refuses_a_drip_off_the_menu_or_an_add_on_chosen_as_the_drip(self):
        for drip in ("", "999", str(self.menu["Retired drip"].pk), "x"):
            with self.subTest(drip=drip), pytest.raises(menu.ChoiceRefused):
                menu.read_choice(self.clinic.service, drip, [], at_home=False)
        add_on = str(self.menu["Anti-nausea medicine"].pk)
        with pytest.raises(menu.ChoiceRefused):
            menu.read_choice(self.clinic.service, add_on, [], at_home=False)
        with pytest.raises(menu.ChoiceRefused):  # a drip is not an add-on either
            menu.read_choice(
                self.clinic.service,
                str(self.menu["Hydration"].pk),
                [str(self.menu["NAD+"].pk)],
                at_home=False,
            )

    def test_prices_show_cents_only_where_there_are_some(self):
        assert menu.dollars(Decimal("149.00")) == "$149"
        assert menu.dollars(Decimal("34.5")) == "$34.50"
        assert menu.dollars(Decimal("1250")) == "$1,250"

    def test_a_service_booked_as_a_drip_lasts_the_drips_minutes_without_changing_the_row(self):
        timed = self.clinic.service.lasting(135)
        assert timed.pk == self.clinic.service.pk
        assert timed.duration == datetime.timedelta(minutes=135)
        self.clinic.service.refresh_from_db()
        assert self.clinic.service.duration_minutes == 60


@time_machine.travel(NOW, tick=False)
class DripBookingStepsTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1, slug="midtown", at_home=True)
        make_provider("Home nurse", [self.clinic.service], location=None)
        self.menu = add_menu(self.clinic.service)
        self.client = Client(enforce_csrf_checks=True)

    def choice(self, drip="NAD+", *add_ons) -> dict:
        return {"drip": self.menu[drip].pk, "add": [self.menu[name].pk for name in add_ons]}

    def test_the_service_list_gives_the_menus_range_instead_of_one_price(self):
        page = BeautifulSoup(self.client.get("/book/").content, "html.parser")
        assert (
            page.select_one(".booking-services .meta")
            .get_text()
            .startswith("2 drips, 45–120 minutes · from $149")
        )

    def test_the_first_step_offers_the_active_drips_and_add_ons_with_minutes_and_prices(self):
        page = BeautifulSoup(self.client.get("/book/drip/").content, "html.parser")
        drips = [label.get_text() for label in page.select("fieldset label[for^=id_drip]")]
        assert drips == ["Hydration: 45 minutes, $149", "NAD+: 120 minutes, $399"]
        add_ons = [label.get_text() for label in page.select("label[for^=id_add]")]
        assert add_ons == ["Anti-nausea medicine: $34.50", "Extra fluids: $45, 15 more minutes"]

    def test_the_chosen_drip_travels_to_the_calendar_in_the_address(self):
        response = self.client.get(
            "/book/drip/", {"place": "midtown", **self.choice("NAD+", "Extra fluids")}
        )
        nad, extra = self.menu["NAD+"].pk, self.menu["Extra fluids"].pk
        assert response["Location"] == f"/book/drip/midtown/?drip={nad}&add={extra}"

    def test_no_drip_chosen_is_a_clear_error_with_the_place_kept(self):
        response = self.client.get("/book/drip/", {"place": "midtown"})
        assert response.status_code == 400
        assert "Which drip would you like?: Please choose a drip from the menu." in text(response)
        page = BeautifulSoup(response.content, "html.parser")
        assert page.find("input", {"name": "place", "value": "midtown"}).has_attr("checked")

    def test_a_step_without_a_drip_sends_the_person_back_to_choose_one(self):
        response = self.client.get("/book/drip/midtown/")
        assert response.status_code == 400
        assert "Please choose a drip from the menu." in text(response)

    def test_the_times_offered_leave_room_for_the_drips_minutes(self):
        def last_time(**choice):
            page = self.client.get(f"/book/drip/midtown/{DAY}/", choice)
            times = BeautifulSoup(page.content, "html.parser").select("a[href*='/details/']")
            return times[-1].get_text()

        # Open until 18:00: a 45-minute drip can start at 17:15, NAD+ with extra fluids
        # (135 minutes) no later than 15:45.
        assert last_time(**self.choice("Hydration")) == "5:15 PM"
        assert last_time(**self.choice("NAD+", "Extra fluids")) == "3:45 PM"

    def review(self, place="midtown", zip_code="", *add_ons, drip="NAD+"):
        url = f"/book/drip/{place}/details/"
        start = self.clinic.at(DAY, 10).isoformat()
        query = {"start": start, **self.choice(drip, *add_ons)}
        if zip_code:
            query["zip"] = zip_code
        page = self.client.get(url, query)
        assert page.status_code == 200, text(page)
        data = {"csrfmiddlewaretoken": csrf_token(page), **query, **DETAILS}
        if place == "home":
            data["home_address"] = "12 Oak Street, Sacramento"
        return url, self.client.post(url, data)

    def test_review_and_confirmation_show_the_drip_add_ons_fee_and_total(self):
        url, review = self.review("home", "95816", "Anti-nausea medicine")
        shown = summary(review)
        assert shown["Drip"] == "NAD+, 120 minutes, $399"
        assert shown["Add-ons"] == "Anti-nausea medicine, $34.50"
        assert shown["Home-visit dispatch fee"] == "$50"
        assert shown["Total"] == "$483.50"
        with self.captureOnCommitCallbacks(execute=True):
            booked = self.client.post(url, {**hidden_fields(review), "confirm": "1"})
        assert booked.status_code == 302
        visit = Appointment.objects.get()
        assert visit.variant == self.menu["NAD+"]
        assert list(visit.add_ons.all()) == [self.menu["Anti-nausea medicine"]]
        assert (visit.price, visit.dispatch_fee) == (Decimal("433.50"), Decimal("50.00"))
        assert visit.ends_at - visit.starts_at == datetime.timedelta(minutes=120)
        assert visit.booked_service.duration_minutes == 120
        confirmation = summary(self.client.get(booked["Location"]))
        assert confirmation["Drip"] == "NAD+"
        assert confirmation["Add-ons"] == "Anti-nausea medicine"
        assert confirmation["Home-visit dispatch fee"] == "$50"
        assert confirmation["Total"] == "$483.50"

    def test_the_price_booked_stays_when_the_menu_changes_later(self):
        url, review = self.review()
        self.client.post(url, {**hidden_fields(review), "confirm": "1"})
        self.menu["NAD+"].price = Decimal("450")
        self.menu["NAD+"].save()
        visit = Appointment.objects.get()
        assert (visit.price, visit.total) == (Decimal("399.00"), Decimal("399.00"))

    def test_a_drip_taken_off_the_menu_while_booking_is_refused_at_confirm(self):
        url, review = self.review()
        self.menu["NAD+"].active = False
        self.menu["NAD+"].save()
        response = self.client.post(url, {**hidden_fields(review), "confirm": "1"})
        assert response.status_code == 400
        assert "Please choose a drip from the menu." in text(response)
        assert not Appointment.objects.exists()


BEFORE_MENU = [
    ("booking", "0007_service_variants_and_good_faith_exam"),
    ("pages", "0004_phone_and_zip_rules"),
]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


class MenuMigrationTests(TransactionTestCase):
    serialized_rollback = True  # keep Wagtail's root page and default site for other tests

    def tearDown(self):
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    def test_each_pages_drips_become_variants_of_its_service_and_none_is_lost(self):
        root = Page.get_first_root_node()
        linked = root.add_child(
            instance=ServicePage(title="IV hydration", slug="drips", summary="x")
        )
        alone = root.add_child(instance=ServicePage(title="Spa drips", slug="spa", summary="x"))
        service = make_service(slug="iv-hydration", info_page=linked)
        migrate(BEFORE_MENU)
        apps = MigrationExecutor(connection).loader.project_state(BEFORE_MENU).apps
        drip = apps.get_model("pages", "Drip")
        drip.objects.create(
            service_id=linked.pk,
            name="NAD+",
            contents="NAD+",
            minutes=120,
            price="399.00",
            sort_order=1,
        )
        drip.objects.create(
            service_id=linked.pk,
            name="Hydration",
            contents="Saline",
            minutes=45,
            price="149.00",
            sort_order=0,
        )
        drip.objects.create(
            service_id=alone.pk,
            name="Glow",
            contents="Biotin",
            minutes=30,
            price="99.50",
            sort_order=0,
        )
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        menu_of = {
            v.name: (v.service_id, v.kind, v.description, v.minutes, v.price)
            for v in ServiceVariant.objects.order_by("sort_order")
        }
        assert menu_of["Hydration"] == (service.pk, "drip", "Saline", 45, Decimal("149.00"))
        assert menu_of["NAD+"][0::3] == (service.pk, 120)
        kept = Service.objects.get(variants__name="Glow")
        assert (kept.info_page_id, kept.active, kept.online_booking) == (alone.pk, False, "staff")


class MenuEditingTests(TestCase):
    def test_the_clinic_edits_the_menu_on_the_service(self):
        clinic = make_clinic(slug="midtown")
        add_menu(clinic.service)
        client = Client()
        sign_in(client, staff(is_superuser=True))
        response = client.get(f"/admin/snippets/booking/service/edit/{clinic.service.pk}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "Drips and add-ons" in page
        assert 'value="NAD+"' in page
