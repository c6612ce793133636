"""Test data for booking: a clinic with opening hours, chairs, services and providers."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from wagtail.models import Page

from klearmind.booking.availability import Place
from klearmind.booking.links import appointment_path
from klearmind.booking.models import (
    TREATMENT_KINDS,
    Appointment,
    Location,
    OnlineBooking,
    Provider,
    ProviderHours,
    Service,
    ServiceKind,
)
from klearmind.booking.services import Patient, lock, reserve_slot
from klearmind.pages.models import LocationPage, OpeningHours

ALL_WEEK = range(7)
PATIENT = Patient("Dana Reyes", "dana@example.org", "(916) 555-0199", "12 Oak Street, Sacramento")


def location_page(slug: str, *, zips: str = "", opens="08:00", closes="18:00", days=ALL_WEEK):
    root = Page.get_first_root_node()
    page = root.add_child(
        instance=LocationPage(
            title=slug.title(),
            slug=slug,
            street_address="1 Test Street",
            city="Sacramento",
            postal_code="95811",
            phone="(916) 555-0142",
            service_area_zip_codes=zips,
        )
    )
    for day in days:
        OpeningHours.objects.create(location=page, weekday=day, opens=opens, closes=closes)
    return page


def make_location(slug="midtown", *, chairs=2, zips="95816", travel=30, **hours) -> Location:
    page = location_page(slug, zips=zips, **hours)
    return Location.objects.create(page=page, chairs=chairs, travel_buffer_minutes=travel)


def make_service(*locations, slug="drip", **fields) -> Service:
    kind = fields.pop("kind", ServiceKind.HYDRATION)
    # A treatment is never open to anyone online (CLINICAL.md; the database refuses it).
    open_to = OnlineBooking.INVITED if kind in TREATMENT_KINDS else OnlineBooking.ANYONE
    values = {
        "name": slug.replace("-", " ").title(),
        "kind": kind,
        "duration_minutes": 60,
        "price": 100,
        "online_booking": open_to,
        **fields,
    }
    service = Service.objects.create(slug=slug, **values)
    service.locations.set(locations)
    service.save()  # a cluster's many-to-many is written on save
    return service


def make_provider(
    name, services, *, location=None, starts="08:00", ends="18:00", days=ALL_WEEK
) -> Provider:
    provider = Provider.objects.create(name=name)
    provider.services.set(services)
    provider.save()
    for day in days:
        ProviderHours.objects.create(
            provider=provider, location=location, weekday=day, starts=starts, ends=ends
        )
    return provider


@dataclass
class Clinic:
    location: Location
    service: Service
    providers: list[Provider] = field(default_factory=list)

    @property
    def place(self) -> Place:
        return Place(self.location)

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        """A wall-clock time at this location."""
        return datetime.datetime.combine(
            day, datetime.time(hour, minute), tzinfo=self.location.zone
        )


def make_clinic(*, chairs=2, providers=1, slug="midtown", **service_fields) -> Clinic:
    location = make_location(slug, chairs=chairs)
    service = make_service(location, **service_fields)
    staff = [make_provider(f"Provider {n}", [service], location=location) for n in range(providers)]
    return Clinic(location, service, staff)


def book(clinic: Clinic, starts_at, *, place=None, by=None, patient=PATIENT) -> Appointment:
    """An appointment taken the way the front desk takes one, without any e-mail."""
    place = place or clinic.place
    with transaction.atomic():
        lock(place.location, service=clinic.service)
        return reserve_slot(
            service=clinic.service, place=place, starts_at=starts_at, patient=patient, by=by
        )


def open_visit(client, appointment: Appointment) -> str:
    """Open the e-mailed link in `client`, as the patient does; the visit's own address."""
    response = client.get(appointment_path(appointment))
    assert response.status_code == 302, response.content.decode()
    return response["Location"]
