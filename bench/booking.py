"""Booking benchmark: a month of availability for one service at both locations with six
providers and 300 existing bookings (median ms), and booking throughput with 20 clients.

Run by bench/run.sh after load_demo, with the server's settings in the environment; it adds
its providers and bookings to the throwaway database and prints a few lines.
"""

import datetime
import random
import statistics
import threading
import time

import django

PROVIDERS = 6
BOOKINGS = 300
MONTH_DAYS = 31
RUNS = 15
CLIENTS = 20
ATTEMPTS_PER_CLIENT = 10
BUDGET_MS = 100


def setting_up():
    from klearmind.booking.models import Location, Provider, ProviderHours, Service

    service = Service.objects.get(slug="iv-hydration")
    locations = list(Location.objects.select_related("page").order_by("pk"))
    providers = list(Provider.objects.filter(services=service))
    for number in range(len(providers), PROVIDERS):
        provider = Provider.objects.create(name=f"Bench nurse {number}")
        provider.services.set([service])
        provider.save()
        for location in locations:
            for day in range(6):
                ProviderHours.objects.create(
                    provider=provider, location=location, weekday=day, starts="08:00", ends="18:00"
                )
    return service, locations


def fill(service, locations, first: datetime.date) -> int:
    """Book up to BOOKINGS visits spread over the month, the way the front desk would."""
    from django.db import transaction

    from klearmind.booking.availability import Place, load_schedule
    from klearmind.booking.services import Patient, lock, reserve_slot

    rng = random.Random(7)  # noqa: S311 - a repeatable spread, not a secret
    last = first + datetime.timedelta(days=MONTH_DAYS - 1)
    made = 0
    for location in locations:
        place = Place(location)
        days = load_schedule(service=service, place=place, first=first, last=last).days(first, last)
        starts = [slot.starts_at for slots in days.values() for slot in slots]
        rng.shuffle(starts)
        for starts_at in starts:
            if made >= BOOKINGS * (locations.index(location) + 1) // len(locations):
                break
            patient = Patient("Bench patient", f"bench{made}@example.org", "9165550100")
            try:
                with transaction.atomic():
                    lock(location, service=service)
                    reserve_slot(
                        service=service, place=place, starts_at=starts_at, patient=patient, by=None
                    )
                made += 1
            except Exception:  # noqa: BLE001, S112 - a slot taken by an earlier booking
                continue
    return made


def month_of_availability_ms(service, locations, first: datetime.date) -> list[float]:
    from klearmind.booking.availability import Place, load_schedule

    last = first + datetime.timedelta(days=MONTH_DAYS - 1)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        for location in locations:
            schedule = load_schedule(service=service, place=Place(location), first=first, last=last)
            schedule.days(first, last)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def throughput(service, locations, first: datetime.date) -> tuple[int, int, float]:
    from django.db import connections

    from klearmind.booking.availability import Place, load_schedule
    from klearmind.booking.services import Patient, SlotUnavailable, book_appointment

    last = first + datetime.timedelta(days=MONTH_DAYS - 1)
    free = []
    for location in locations:
        place = Place(location)
        days = load_schedule(service=service, place=place, first=first, last=last).days(first, last)
        free += [(place, slot.starts_at) for slots in days.values() for slot in slots]
    counts = {"booked": 0, "refused": 0}
    guard = threading.Lock()
    barrier = threading.Barrier(CLIENTS)

    def client(number: int) -> None:
        rng = random.Random(number)  # noqa: S311 - a repeatable spread, not a secret
        barrier.wait()
        for attempt in range(ATTEMPTS_PER_CLIENT):
            place, starts_at = rng.choice(free)
            patient = Patient("Client", f"client{number}-{attempt}@example.org", "9165550100")
            try:
                book_appointment(service=service, place=place, starts_at=starts_at, patient=patient)
                outcome = "booked"
            except SlotUnavailable:
                outcome = "refused"
            with guard:
                counts[outcome] += 1
        connections.close_all()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts["booked"], counts["refused"], time.perf_counter() - started


def main() -> None:
    django.setup()
    from django.utils import timezone

    from klearmind.booking.models import Appointment

    service, locations = setting_up()
    first = timezone.localdate() + datetime.timedelta(days=1)
    fill(service, locations, first)
    existing = Appointment.objects.active().count()
    timings = month_of_availability_ms(service, locations, first)
    median = statistics.median(timings)
    verdict = "PASS" if median < BUDGET_MS else "FAIL"
    print(
        f"booking: a month of availability, one service at {len(locations)} locations, "
        f"{PROVIDERS} providers, {existing} bookings: median {median:.1f} ms "
        f"(min {min(timings):.1f}, max {max(timings):.1f}, {RUNS} runs); "
        f"budget {BUDGET_MS} ms {verdict}"
    )
    booked, refused, seconds = throughput(service, locations, first)
    attempts = booked + refused
    print(
        f"booking: {CLIENTS} concurrent clients, {attempts} attempts in {seconds:.2f} s: "
        f"{attempts / seconds:.1f} attempts/s, {booked} booked, {refused} refused as taken, "
        f"{Appointment.objects.active().count() - existing - booked} double bookings"
    )


if __name__ == "__main__":
    main()
