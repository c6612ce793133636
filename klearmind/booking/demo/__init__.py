"""The demo clinic's booking setup: services, the two locations' chairs, providers and their
hours, holidays, a few bookings in the coming days and a patient half-way through an
induction series, all dated from today so the demo never goes stale."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from klearmind.accounts import roles
from klearmind.accounts.demo import demo_user
from klearmind.clinic.hours import WORKDAYS
from klearmind.encryption.keys import email_lookup_hash
from klearmind.pages.models import LocationPage, ServicePage

from ..availability import Place, load_schedule, occupied_span
from ..menu import DripChoice, has_menu, read_choice
from ..models import (
    Appointment,
    AppointmentStatus,
    Closure,
    DepositRule,
    Invitation,
    Location,
    OnlineBooking,
    Provider,
    ProviderHours,
    Series,
    Service,
    ServiceKind,
    ServiceVariant,
    TimeOff,
    VariantKind,
)
from ..series import SERIES_INFUSIONS
from ..services import Patient, issue_invitation, lock, reserve_slot
from .team import ensure_team

CHAIRS = {"sacramento": 4, "roseville": 3}
INVITED_EMAIL = "alex.rivera@example.com"
WEEKDAYS = WORKDAYS

SERVICES = [
    {
        "slug": "free-consultation",
        "name": "Free phone consultation",
        "kind": ServiceKind.CONSULTATION,
        "summary": "Twenty minutes on the phone with a clinician: your questions, your history, "
        "and whether ketamine therapy could suit you.",
        "duration_minutes": 20,
        "price": Decimal("0"),
        "needs_chair": False,
        "online_booking": OnlineBooking.ANYONE,
        "cancellation_notice_hours": 2,
        "where": ["sacramento", "roseville"],
        "page": None,
    },
    {
        "slug": "iv-ketamine-infusion",
        "name": "IV ketamine infusion",
        "kind": ServiceKind.KETAMINE,
        "summary": "A 40-minute infusion in a private room, then quiet recovery with a nurse.",
        "duration_minutes": 90,
        "buffer_before_minutes": 15,
        "buffer_after_minutes": 15,
        "price": Decimal("450"),
        "deposit_rule": DepositRule.FIXED,
        "deposit_amount": Decimal("100"),
        "at_home": True,
        "online_booking": OnlineBooking.INVITED,
        "fasting_hours": 6,
        "clear_liquids_hours": 2,
        "driver_required": True,
        "no_driving_until_next_day": True,
        "preparation_notes": "Wear comfortable clothes; bring headphones if you like music.",
        "where": ["sacramento", "roseville"],
        "page": "iv-ketamine-infusion",
    },
    {
        "slug": "spravato-session",
        "name": "Spravato session",
        "kind": ServiceKind.SPRAVATO,
        "summary": "Esketamine nasal spray under supervision, with at least two hours of "
        "observation afterwards, as the REMS program requires.",
        "duration_minutes": 135,
        "buffer_before_minutes": 15,
        "buffer_after_minutes": 15,
        "price": Decimal("350"),
        "online_booking": OnlineBooking.INVITED,
        "fasting_hours": 2,
        "driver_required": True,
        "no_driving_until_next_day": True,
        "where": ["sacramento", "roseville"],
        "page": "spravato-esketamine",
    },
    {
        "slug": "iv-hydration",
        "name": "IV hydration drip",
        "kind": ServiceKind.HYDRATION,
        "summary": "Fluids, vitamins and electrolytes from our drip menu, in clinic or at home.",
        "duration_minutes": 45,
        "buffer_before_minutes": 10,
        "buffer_after_minutes": 10,
        "price": Decimal("149"),
        "deposit_rule": DepositRule.FIXED,
        "deposit_amount": Decimal("25"),
        "at_home": True,
        "online_booking": OnlineBooking.ANYONE,
        "preparation_notes": "Eat a light meal and drink water beforehand.",
        "where": ["sacramento", "roseville"],
        "page": "iv-hydration",
    },
    {
        "slug": "ketamine-booster",
        "name": "Ketamine booster infusion",
        "kind": ServiceKind.BOOSTER,
        "summary": "A single infusion to keep the benefit of a completed induction series.",
        "duration_minutes": 90,
        "buffer_before_minutes": 15,
        "buffer_after_minutes": 15,
        "price": Decimal("425"),
        "online_booking": OnlineBooking.INVITED,
        "fasting_hours": 6,
        "clear_liquids_hours": 2,
        "driver_required": True,
        "no_driving_until_next_day": True,
        "where": ["sacramento", "roseville"],
        "page": "iv-ketamine-infusion",
    },
    {
        "slug": "good-faith-exam",
        "name": "Good-faith exam",
        "kind": ServiceKind.GOOD_FAITH_EXAM,
        "summary": "A short, free call with a clinician that California requires before your "
        "first IV hydration drip, once a year after that, and when your health changes.",
        "duration_minutes": 15,
        "price": Decimal("0"),
        "needs_chair": False,
        "online_booking": OnlineBooking.ANYONE,
        "cancellation_notice_hours": 2,
        "where": ["sacramento", "roseville"],
        "page": "iv-hydration",
    },
]

# The IV hydration menu: the one price list the booking and the service page show.
DRIP_MENU = [
    (VariantKind.DRIP, "Hydration", "1 L of normal saline or lactated Ringer's solution", 45, 149),
    (
        VariantKind.DRIP,
        "Myers' cocktail",
        "1 L of fluids with magnesium, calcium, B-complex vitamins, vitamin B12 and vitamin C",
        45,
        199,
    ),
    (
        VariantKind.DRIP,
        "Immunity",
        "1 L of fluids with vitamin C, zinc and B-complex vitamins",
        45,
        219,
    ),
    (
        VariantKind.DRIP,
        "Recovery",
        "1 L of lactated Ringer's with B-complex vitamins, magnesium and, if needed, "
        "anti-nausea medicine",
        60,
        229,
    ),
    (VariantKind.DRIP, "NAD+", "250 mg of NAD+ in 500 mL of saline, given slowly", 120, 399),
    (
        VariantKind.ADD_ON,
        "Anti-nausea medicine",
        "Ondansetron in the line, for a queasy stomach",
        0,
        "34.50",
    ),
    (VariantKind.ADD_ON, "Vitamin B12 shot", "A quick injection in the arm", 0, 25),
    (VariantKind.ADD_ON, "Extra half liter of fluids", "For a long day in the heat", 15, 45),
]
DRIP_MENU_SERVICE = "iv-hydration"
EXAM_SERVICE = "good-faith-exam"
# The demo clinician (Daniel Okafor, accounts.demo) is the provider Dr. Daniel Okafor: a
# provider's name is the name of the person whose login it is linked to.
CLINICIAN_PROVIDER = "Dr. Daniel Okafor, MD"
CLINICIANS = [CLINICIAN_PROVIDER, "Jordan Reyes, NP"]
# What the demo's drip visits were booked as: Morgan had the exam first, Avery has not yet.
DEMO_DRIPS = {
    "morgan.lee@example.com": ("Myers' cocktail", []),
    "avery.patel@example.com": ("NAD+", ["Anti-nausea medicine"]),
}

TREATMENT = [
    "free-consultation",
    "iv-ketamine-infusion",
    "spravato-session",
    "ketamine-booster",
    "good-faith-exam",
]
NURSING = ["free-consultation", "iv-hydration", "iv-ketamine-infusion"]
PROVIDERS = [
    (CLINICIAN_PROVIDER, TREATMENT, {"sacramento": [0, 2, 4], "roseville": [1, 3]}, []),
    ("Jordan Reyes, NP", TREATMENT, {"roseville": [0, 2, 4], "sacramento": [1, 3, 5]}, []),
    ("Priya Natarajan, RN", NURSING, {"sacramento": WEEKDAYS}, [1, 3]),
    ("Lena Park, RN", NURSING, {"roseville": WEEKDAYS}, [0, 2, 4]),
]

PROVIDER_LOGINS = {CLINICIAN_PROVIDER: roles.CLINICIAN}

UPCOMING = [  # days from today, location, service, patient
    (1, "sacramento", "good-faith-exam", ("Morgan Lee", "morgan.lee@example.com")),
    (1, "sacramento", "iv-hydration", ("Morgan Lee", "morgan.lee@example.com")),
    (1, "roseville", "free-consultation", ("Casey Brooks", "casey.brooks@example.com")),
    (2, "sacramento", "spravato-session", ("Riley Chen", "riley.chen@example.com")),
    (2, "home", "iv-hydration", ("Avery Patel", "avery.patel@example.com")),
    (3, "roseville", "iv-ketamine-infusion", ("Quinn Harper", "quinn.harper@example.com")),
]


@dataclass
class BookingDemoReport:
    created: list[str] = field(default_factory=list)
    invitation_url: str = ""

    def summary(self) -> str:
        made = "; ".join(self.created) if self.created else "nothing new"
        return f"Booking: {made}. Demo invitation link: {self.invitation_url}"


def ensure_demo_booking() -> BookingDemoReport:
    """Create whatever part of the booking demo is missing; never change what is there."""
    report = BookingDemoReport()
    with transaction.atomic():
        locations = ensure_locations(report)
        if not locations:
            return report
        services = ensure_services(report, locations)
        ensure_drip_menu(report, services.get(DRIP_MENU_SERVICE))
        ensure_providers(report, locations, services)
        ensure_exam_clinicians(services.get(EXAM_SERVICE))
        ensure_team(report)
        ensure_closures(report, locations)
        if not Appointment.objects.exists():
            book_demo_visits(report, locations, services)
        report.invitation_url = ensure_invitation(report, services).get_url()
    return report


def ensure_locations(report) -> dict[str, Location]:
    locations = {}
    for page in LocationPage.objects.filter(slug__in=CHAIRS):
        location, created = Location.objects.get_or_create(
            page=page, defaults={"chairs": CHAIRS[page.slug]}
        )
        locations[page.slug] = location
        if created:
            report.created.append(f"{page.title} with {location.chairs} chairs")
    return locations


def ensure_services(report, locations) -> dict[str, Service]:
    services = {}
    for spec in SERVICES:
        data = dict(spec)
        where, page_slug = data.pop("where"), data.pop("page")
        service = Service.objects.filter(slug=data["slug"]).first()
        if service is None:
            data["info_page"] = ServicePage.objects.filter(slug=page_slug).first()
            service = Service.objects.create(sort_order=len(services), **data)
            service.locations.set([locations[key] for key in where if key in locations])
            service.save()  # a cluster's many-to-many is written on save
            report.created.append(f"service “{service.name}”")
        services[service.slug] = service
    return services


def ensure_drip_menu(report, service: Service | None) -> None:
    """The IV hydration menu, on a drip service that has none yet (one the database copied
    from the old service page keeps its rows)."""
    if service is None or service.variants.exists():
        return
    for order, (kind, name, description, minutes, price) in enumerate(DRIP_MENU):
        ServiceVariant.objects.create(
            service=service,
            kind=kind,
            name=name,
            description=description,
            minutes=minutes,
            price=Decimal(price),
            sort_order=order,
        )
    report.created.append(f"a menu of {len(DRIP_MENU)} drips and add-ons")


def ensure_exam_clinicians(service: Service | None) -> None:
    """The clinicians give the good-faith exam, in a demo loaded before it existed too."""
    if service is not None and not service.providers.exists():
        for provider in Provider.objects.filter(name__in=CLINICIANS):
            provider.services.add(service)


def ensure_providers(report, locations, services) -> None:
    for name, offered, clinic_days, home_days in PROVIDERS:
        if Provider.objects.filter(name=name).exists():
            continue
        provider = Provider.objects.create(name=name)
        provider.services.set([services[slug] for slug in offered])
        provider.save()
        for key, days in clinic_days.items():
            for day in days:
                starts, ends = ("08:00", "18:00") if day < 5 else ("09:00", "14:00")
                ProviderHours.objects.create(
                    provider=provider,
                    location=locations[key],
                    weekday=day,
                    starts=starts,
                    ends=ends,
                )
        for day in home_days:
            ProviderHours.objects.create(
                provider=provider, weekday=day, starts="10:00", ends="17:00"
            )
        report.created.append(f"provider {name}")
    link_demo_logins(report)
    reyes = Provider.objects.filter(name="Jordan Reyes, NP").first()
    if reyes and not reyes.time_off.exists():
        day = timezone.localdate() + datetime.timedelta(days=8)
        zone = locations["sacramento"].zone
        TimeOff.objects.create(
            provider=reyes,
            starts_at=datetime.datetime.combine(day, datetime.time(0), tzinfo=zone),
            ends_at=datetime.datetime.combine(day, datetime.time(23, 59), tzinfo=zone),
            reason="Conference",
        )
        report.created.append("one day of time off")


def link_demo_logins(report) -> None:
    """Providers are staff: the demo clinician's login is their own provider, the one who
    gives the demo's series, so "My schedule" and the charts' "given by" show their visits.
    A login an earlier demo linked to another person's provider is moved to its own."""
    for name, role in PROVIDER_LOGINS.items():
        user = demo_user(role)
        if user is None:
            continue
        linked = Provider.objects.filter(user=user).first()
        if linked is not None and linked.name == name:
            continue
        if linked is not None:
            Provider.objects.filter(pk=linked.pk).update(user=None)
            report.created.append(f"{linked.name} unlinked from the login {user.get_username()}")
        if Provider.objects.filter(name=name, user__isnull=True).update(user=user):
            report.created.append(f"{name} linked to the login {user.get_username()}")


def clinicians_provider() -> Provider:
    """The demo clinician's own provider (by their login, or by name before logins exist)."""
    user = demo_user(roles.CLINICIAN)
    own = Provider.objects.filter(user=user).first() if user is not None else None
    return own or Provider.objects.get(name=CLINICIAN_PROVIDER)


def ensure_closures(report, locations) -> None:
    today = timezone.localdate()
    christmas = datetime.date(today.year, 12, 25)
    christmas = christmas if christmas >= today else christmas.replace(year=today.year + 1)
    new_year = datetime.date(christmas.year + 1, 1, 1)
    for location in locations.values():
        for day, reason in ((christmas, "Christmas Day"), (new_year, "New Year's Day")):
            _, created = Closure.objects.get_or_create(
                location=location, starts_on=day, defaults={"reason": reason}
            )
            if created:
                report.created.append(f"{location} closed on {reason}")


def book_demo_visits(report, locations, services) -> None:
    desk = demo_user(roles.FRONT_DESK)
    today = timezone.localdate()
    booked = book_series_in_progress(locations["sacramento"], services["iv-ketamine-infusion"])
    for offset, key, slug, (name, email) in UPCOMING:
        service = services[slug]
        if key == "home":
            area = locations["sacramento"].page.service_area
            place = Place(locations["sacramento"], at_home=True)
            address = f"2400 J Street, Sacramento, CA {area[0] if area else '95816'}"
        else:
            place, address = Place(locations[key]), ""
        choice = demo_drip(service, email, at_home=place.at_home)
        service = service.lasting(choice.minutes) if choice else service
        after = datetime.time(8 if service.is_good_faith_exam else 10)
        slot = first_free(service, place, next_weekday(today, offset), after=after)
        if slot is None:
            continue
        lock(place.location, service=service)
        patient = Patient(name, email, "(916) 555-0100", address)
        visit = reserve_slot(service=service, place=place, starts_at=slot, patient=patient, by=desk)
        if choice is not None:
            choice.record(visit)
        booked += 1
    report.created.append(f"{booked} appointments")


def demo_drip(service: Service, email: str, *, at_home: bool) -> DripChoice | None:
    if email not in DEMO_DRIPS or not has_menu(service):
        return None
    drip, add_ons = DEMO_DRIPS[email]
    menu = {variant.name: str(variant.pk) for variant in service.variants.active()}
    picked = [menu[name] for name in add_ons if name in menu]
    return read_choice(service, menu.get(drip), picked, at_home=at_home)


def next_weekday(day: datetime.date, offset: int) -> datetime.date:
    day += datetime.timedelta(days=offset)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def first_free(service, place, day, *, after: datetime.time):
    schedule = load_schedule(service=service, place=place, first=day, last=day)
    wanted = datetime.datetime.combine(day, after, tzinfo=place.location.zone)
    slots = [slot for slot in schedule.slots_on(day) if slot.starts_at >= wanted]
    return slots[0].starts_at if slots else None


def book_series_in_progress(location: Location, service: Service) -> int:
    """Jamie, half-way through an induction series: three infusions done, three to come."""
    provider = clinicians_provider()
    series = Series.objects.create(service=service)
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    days = [monday - datetime.timedelta(days=7) + datetime.timedelta(days=d) for d in (0, 2, 4)]
    days += [monday + datetime.timedelta(days=7 + d) for d in (0, 2, 4)]
    for number, day in enumerate(days[:SERIES_INFUSIONS], start=1):
        starts_at = datetime.datetime.combine(day, datetime.time(9), tzinfo=location.zone)
        ends_at, occupied_from, occupied_until = occupied_span(
            service=service, place=Place(location), starts_at=starts_at
        )
        done = number <= 3
        Appointment.objects.create(
            service=service,
            location=location,
            provider=provider,
            chair=1,
            starts_at=starts_at,
            ends_at=ends_at,
            occupied_from=occupied_from,
            occupied_until=occupied_until,
            status=AppointmentStatus.COMPLETED if done else AppointmentStatus.BOOKED,
            sequence=1 if done else 0,  # marked completed: its calendar event changed once
            patient_name="Jamie Fox",
            patient_email="jamie.fox@example.com",
            patient_phone="(916) 555-0133",
            series=series,
        )
    return SERIES_INFUSIONS


def ensure_invitation(report, services) -> Invitation:
    invitation = (
        Invitation.objects.usable().filter(email_hash=email_lookup_hash(INVITED_EMAIL)).first()
    )
    if invitation is None:
        owner = demo_user(roles.CLINICIAN)
        invitation = issue_invitation(name="Alex Rivera", email=INVITED_EMAIL, by=owner)
        report.created.append("a demo invitation")
    return invitation
