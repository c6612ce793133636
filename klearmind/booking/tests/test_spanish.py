"""The patient's booking screens in Spanish under /es/book/, and the English ones unchanged."""

import datetime

import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client, TestCase

from klearmind.booking.models import Appointment

from .factories import book, make_clinic, make_provider, open_visit

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)  # Tuesday 8:00 in Sacramento
DAY = datetime.date(2026, 12, 3)  # a Thursday
DETAILS = {"name": "Dana Reyes", "email": "dana@example.org", "phone": "(916) 555-0199"}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text(response) -> str:
    return " ".join(soup(response).get_text().split())


def links(response) -> list[str]:
    return [a["href"] for a in soup(response).find_all("a", href=True)]


def summary(response) -> dict[str, str]:
    """The visit's summary list: each term and what it says."""
    terms = soup(response).select(".booking-summary dt")
    return {dt.get_text(): " ".join(dt.find_next("dd").get_text().split()) for dt in terms}


def csrf_token(response) -> str:
    return soup(response).find("input", {"name": "csrfmiddlewaretoken"})["value"]


def hidden_fields(response) -> dict[str, list[str]]:
    form = soup(response).find("form", class_="booking-confirm")
    fields: dict[str, list[str]] = {}
    for field in form.find_all("input", type="hidden"):
        fields.setdefault(field["name"], []).append(field.get("value", ""))
    return fields


def booking_links(response) -> list[str]:
    """The links of the booking pages themselves (the site's header offers the other language)."""
    content = soup(response).find(class_="booking")
    return [a["href"] for a in content.find_all("a", href=True) if "/book/" in a["href"]]


@time_machine.travel(NOW, tick=False)
class SpanishBookingTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(chairs=1, slug="midtown", fasting_hours=6, at_home=True)
        make_provider("Home nurse", [self.clinic.service], location=None)
        self.client = Client(enforce_csrf_checks=True)
        self.start = self.clinic.at(DAY, 10).isoformat()
        self.details_url = "/es/book/drip/midtown/details/"

    def review(self, **data):
        page = self.client.get(self.details_url, {"start": self.start})
        return self.client.post(
            self.details_url,
            {"csrfmiddlewaretoken": csrf_token(page), "start": self.start, **DETAILS, **data},
        )

    def test_the_service_list_is_in_spanish_and_links_stay_under_es(self):
        response = self.client.get("/es/book/")
        assert response.status_code == 200
        assert soup(response).h1.get_text() == "Reservar una cita"
        assert "Reservar Drip" in text(response)
        assert "Paso 1 de 6. Servicio" in text(response)
        assert "/es/book/drip/" in links(response)
        assert all(href.startswith("/es/") for href in booking_links(response))

    def test_the_place_step_asks_in_spanish_and_redirects_under_es(self):
        page = self.client.get("/es/book/drip/")
        assert "¿Dónde prefiere su cita?" in text(page)
        assert "Clínica Midtown" in text(page)
        assert soup(page).find("button", type="submit").get_text() == "Ver días libres"
        assert soup(page).find("form")["action"] == "/es/book/drip/"
        chosen = self.client.get("/es/book/drip/", {"place": "midtown"})
        assert chosen.status_code == 302
        assert chosen["Location"] == "/es/book/drip/midtown/"

    def test_a_spanish_refusal_of_the_place_step_keeps_what_was_typed(self):
        page = self.client.get("/es/book/drip/", {"place": "home", "zip": "1234"})
        assert page.status_code == 400
        assert "Revise el formulario" in text(page)
        assert "escriba su código postal de cinco dígitos" in text(page)
        assert soup(page).find("input", {"name": "zip"})["value"] == "1234"

    def test_the_month_shows_spanish_month_and_day_names(self):
        month = self.client.get("/es/book/drip/midtown/", {"month": "2026-12"})
        assert soup(month).h1.get_text() == "Elija un día"
        assert soup(month).find("caption").get_text() == "diciembre de 2026"
        assert [abbr["title"] for abbr in soup(month).find_all("abbr")][:2] == ["lunes", "martes"]
        day_link = soup(month).find("a", href="/es/book/drip/midtown/2026-12-03/")
        assert day_link["aria-label"] == "jueves 3 de diciembre: hay horas libres"
        assert "enero →" in text(month)
        assert all(href.startswith("/es/") for href in booking_links(month))

    def test_the_day_shows_spanish_times_that_lead_on_under_es(self):
        day = self.client.get("/es/book/drip/midtown/2026-12-03/")
        assert soup(day).h1.get_text() == "Elija una hora el jueves 3 de diciembre"
        assert "10:00 a.m." in text(day)
        assert "Volver al calendario" in text(day)
        assert any(href.startswith(self.details_url + "?start=") for href in links(day))

    def test_a_spanish_validation_error_keeps_what_was_typed(self):
        response = self.review(email="not-an-address", phone="12")
        assert response.status_code == 400
        page = soup(response)
        assert "Revise el formulario" in page.find(id="form-errors").get_text()
        assert "nombre@ejemplo.com" in page.find(id="id_email_error").get_text()
        assert "código de área" in page.find(id="id_phone_error").get_text()
        assert page.find("input", {"name": "email"})["value"] == "not-an-address"
        assert page.find("input", {"name": "name"})["value"] == "Dana Reyes"
        assert page.find("label", {"for": "id_email"}).get_text().startswith("Correo electrónico")
        assert page.find("form", method="post")["action"] == self.details_url

    def test_review_confirm_and_the_visit_page_are_in_spanish(self):
        details = self.client.get(self.details_url, {"start": self.start})
        assert soup(details).h1.get_text() == "Sus datos"
        assert soup(details).find("button", type="submit").get_text() == "Continuar"
        review = self.review()
        assert review.status_code == 200
        assert soup(review).h1.get_text() == "Revise y confirme"
        assert "jueves 3 de diciembre de 2026, 10:00 a.m." in text(review)
        assert "No coma alimentos sólidos durante 6 horas antes de su cita." in text(review)
        assert "Confirmar la reserva" in text(review)
        assert soup(review).find("form", class_="booking-confirm")["action"] == self.details_url
        with self.captureOnCommitCallbacks(execute=True):
            confirmed = self.client.post(
                self.details_url, {**hidden_fields(review), "confirm": "1"}
            )
        appointment = Appointment.objects.get()
        assert confirmed["Location"] == f"/es/book/my-visit/{appointment.pk}/?booked=1"
        visit = self.client.get(confirmed["Location"])
        assert soup(visit).h1.get_text() == "Su cita está reservada"
        assert summary(visit)["Cuándo"] == "jueves 3 de diciembre de 2026, 10:00 a.m. (PST)"
        assert summary(visit)["Estado"] == "Reservada"
        assert f"/es/book/my-visit/{appointment.pk}/reschedule/" in links(visit)
        assert f"/es/book/my-visit/{appointment.pk}/cancel/" in links(visit)
        assert all(href.startswith("/es/") for href in booking_links(visit))

    def test_the_confirmation_e_mail_stays_english(self):
        review = self.review()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.details_url, {**hidden_fields(review), "confirm": "1"})
        (message,) = mail.outbox
        assert message.subject == "Your visit is booked: Thursday 3 December 2026, 10:00 AM (PST)"
        assert "No solid food for 6 hours before your visit." in message.body
        assert "/es/" not in message.body

    def test_a_time_just_taken_is_refused_in_spanish_with_a_way_back_under_es(self):
        book(self.clinic, self.clinic.at(DAY, 10))
        response = self.client.get(self.details_url, {"start": self.start})
        assert response.status_code == 409
        assert soup(response).h1.get_text() == "No pudimos continuar"
        assert "alguien acaba de reservar esa hora" in text(response)
        assert "/es/book/drip/midtown/2026-12-03/" in links(response)

    def test_cancelling_in_spanish_returns_to_the_spanish_visit_page(self):
        appointment = book(self.clinic, self.clinic.at(DAY, 10))
        open_visit(self.client, appointment)
        cancel_url = f"/es/book/my-visit/{appointment.pk}/cancel/"
        page = self.client.get(cancel_url)
        assert soup(page).h1.get_text() == "Cancelar su cita"
        assert "Sí, cancelar mi cita" in text(page)
        response = self.client.post(cancel_url, {"csrfmiddlewaretoken": csrf_token(page)})
        assert response["Location"] == f"/es/book/my-visit/{appointment.pk}/"
        assert summary(self.client.get(response["Location"]))["Estado"] == "Cancelada"

    def test_a_bad_link_is_refused_in_spanish_with_a_way_back_under_es(self):
        response = self.client.get("/es/book/my-visit/999/")
        assert response.status_code == 404
        assert "vuelva a abrir el enlace privado" in text(response)
        assert "/es/book/" in links(response)

    def test_the_english_pages_are_unchanged(self):
        start = self.client.get("/book/")
        assert soup(start).h1.get_text() == "Book a visit"
        assert "/book/drip/" in links(start)
        month = self.client.get("/book/drip/midtown/", {"month": "2026-12"})
        assert soup(month).find("caption").get_text() == "December 2026"
        day = self.client.get("/book/drip/midtown/2026-12-03/")
        assert soup(day).h1.get_text() == "Choose a time on Thursday 3 December"
        assert "10:00 AM" in text(day)
        assert not any("/es/" in href for href in booking_links(day))
        appointment = book(self.clinic, self.clinic.at(DAY, 10))
        visit = self.client.get(open_visit(self.client, appointment))
        assert summary(visit)["When"] == "Thursday 3 December 2026, 10:00 AM (PST)"
        assert summary(visit)["Status"] == "Booked"
