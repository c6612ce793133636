"""Drill: 100 people book the same three visit times at once, through the public booking
pages over HTTP, against gunicorn. Exactly the capacity of each time is booked; everyone
else is told plainly that the time was just taken; nothing else goes wrong.

Each client opens the details step, fills in its name and reaches the review page; then all
press "Confirm" together. Runs on SQLite, then on PostgreSQL when one answers on
127.0.0.1:5432 (in a private database, created and dropped by the drill).

    python -m drills.booking_storm            # both databases
    python -m drills.booking_storm sqlite     # one of them
"""

import datetime
import subprocess
import sys
import threading
from collections import Counter

from .browser import Browser, Response
from .site import Site, check, main
from .visits import free_times

CLIENTS = 100
TIMES = 3
SERVICE = "iv-hydration"
TAKEN = "Sorry, that time was just taken. Please choose another."
POSTGRES = "postgres://postgres@127.0.0.1:5432/klearmind_drill_storm"


def add_nurses(service, location, count: int = 3) -> None:
    """More nurses than the demo's, so a time takes several visits, up to the chairs."""
    from klearmind.booking.models import Provider, ProviderHours

    for number in range(count):
        nurse = Provider.objects.create(name=f"Storm nurse {number}")
        nurse.services.set([service])
        nurse.save()  # a parental many-to-many is written on save
        for weekday in range(7):
            ProviderHours.objects.create(
                provider=nurse, location=location, weekday=weekday, starts="07:00", ends="20:00"
            )


def capacity(service, place, starts: list[datetime.datetime]) -> dict[str, int]:
    """How many visits each time takes, booked one after another and then rolled back."""
    from django.db import transaction

    from klearmind.booking.services import Patient, SlotUnavailable, book_appointment

    taken = {}
    with transaction.atomic():
        for starts_at in starts:
            count = 0
            while True:
                patient = Patient("Probe", f"probe{count}@example.org", "9165550100")
                try:
                    book_appointment(
                        service=service, place=place, starts_at=starts_at, patient=patient
                    )
                except SlotUnavailable:
                    break
                count += 1
            taken[starts_at.isoformat()] = count
        transaction.set_rollback(True)
    return taken


class Client(threading.Thread):
    def __init__(self, number: int, url: str, path: str, start: str, go: threading.Barrier):
        super().__init__()
        self.number, self.path, self.start_value, self.go = number, path, start, go
        self.browser = Browser(url)
        self.outcome = "error: did not run"

    def run(self) -> None:
        try:
            review = self.review()
            self.go.wait(timeout=120)
            if review is not None:
                fields = [*review.hidden_fields("form.booking-confirm"), ("confirm", "1")]
                review = self.browser.post(self.path, fields)
            self.outcome = outcome(review)
        except Exception as failure:  # noqa: BLE001 - counted and printed as an error
            self.outcome = f"error: {type(failure).__name__}: {failure}"

    def review(self) -> Response | None:
        """Details filled in, on the review page; None if the time was gone already."""
        details = self.browser.get(self.path, {"start": self.start_value})
        if details.status != 200:
            self.outcome = outcome(details)
            return None
        fields = [
            *details.hidden_fields("form"),
            ("start", self.start_value),
            ("name", f"Storm client {self.number}"),
            ("email", f"storm{self.number}@example.org"),
            ("phone", "(916) 555-0100"),
        ]
        return self.browser.post(self.path, fields)


def outcome(response: Response | None) -> str:
    if response is None:
        return "refused"  # told at the details step, see review()
    if response.status == 302 and "/book/my-visit/" in response.headers.get("Location", ""):
        return "booked"
    if response.status == 409 and TAKEN in response.text:
        return "refused"
    return f"error: HTTP {response.status}"


def storm(site: Site) -> None:
    from klearmind.booking.availability import Place
    from klearmind.booking.models import Appointment, Service

    service = Service.objects.get(slug=SERVICE)
    place = Place(service.locations.select_related("page").order_by("pk").first())
    add_nurses(service, place.location)
    starts = free_times(service, place, TIMES)
    check(len(starts) == TIMES, f"three free times for {service.name} at {place.label}")
    expected = capacity(service, place, starts)
    print(f"      capacity of each time: {sorted(expected.values())}")

    path = f"/book/{service.slug}/{place.key}/details/"
    go = threading.Barrier(CLIENTS)
    clients = [Client(n, site.url, path, starts[n % TIMES].isoformat(), go) for n in range(CLIENTS)]
    outcomes = {}
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=300)
        outcomes[client.number] = client.outcome
    tally = Counter(
        "error" if result.startswith("error") else result for result in outcomes.values()
    )
    print(f"      booked {tally['booked']} / refused {tally['refused']} / errors {tally['error']}")
    for result in sorted({r for r in outcomes.values() if r.startswith("error")})[:5]:
        print(f"      {result}")
    booked = Counter(
        appointment.starts_at.isoformat()
        for appointment in Appointment.objects.active().filter(starts_at__in=starts)
    )
    check(tally["error"] == 0, "no client got an error")
    check(booked == Counter(expected), f"exactly the capacity was booked: {dict(booked)}")
    check(tally["booked"] == sum(expected.values()), "every booked client was sent to its visit")
    check(
        tally["refused"] == CLIENTS - sum(expected.values()),
        f'everyone else was told "{TAKEN}"',
    )
    check(no_double_booking(starts), "no chair and no provider is booked twice at a time")


def no_double_booking(starts) -> bool:
    from klearmind.booking.models import Appointment

    visits = list(Appointment.objects.active().filter(starts_at__in=starts))
    chairs = [(v.location_id, v.starts_at, v.chair) for v in visits if v.chair]
    providers = [(v.provider_id, v.starts_at) for v in visits]
    return len(set(chairs)) == len(chairs) and len(set(providers)) == len(providers)


def on(database: str) -> None:
    """The drill on one database, in this process."""
    site = Site("storm", database_url=POSTGRES if database == "postgres" else "")
    try:
        if database == "postgres":
            recreate_database(drop_only=False)
        print(f"{database}: preparing a throwaway site in {site.folder}", flush=True)
        site.prepare()
        site.serve(workers=4)
        site.use_here()
        storm(site)
    finally:
        site.close()
        if database == "postgres":
            recreate_database(drop_only=True)


def recreate_database(*, drop_only: bool) -> None:
    import psycopg

    with psycopg.connect(POSTGRES.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS klearmind_drill_storm WITH (FORCE)")
        if not drop_only:
            admin.execute("CREATE DATABASE klearmind_drill_storm")


def postgres_answers() -> bool:
    import psycopg

    try:
        psycopg.connect(POSTGRES.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


def drill() -> None:
    """Each database in its own process: Django is set up once per process."""
    databases = sys.argv[1:] or ["sqlite", *(["postgres"] if postgres_answers() else [])]
    if "postgres" not in databases:
        print("postgres: no server on 127.0.0.1:5432, skipped")
    for database in databases:
        subprocess.run([sys.executable, "-m", "drills.booking_storm", database], check=True)


if __name__ == "__main__":
    if len(sys.argv) == 2:
        main(lambda: on(sys.argv[1]), timeout=600)
    else:
        main(drill, timeout=1200)
