"""Measuring the grown clinic: every screen as its role, every periodic job with nothing
due, a booking of a free slot; and the table of the results with their verdicts."""

import datetime
import os
import statistics
import sys
import time
from dataclasses import dataclass, field

from .grow import Grower, seed_article, size_counts

SCREEN_BUDGET_MS = 150
JOB_BUDGET_MS = 100
BOOKING_BUDGET_MS = 15
RUNS = int(os.environ.get("BENCH_RUNS", "7"))

OWNER, CLINICIAN, FRONT_DESK, MODERATOR = (
    "olivia.marsh",
    "daniel.okafor",
    "rosa.delgado",
    "sam.whitfield",
)


@dataclass
class Row:
    kind: str  # screen, job or booking
    name: str
    budget_ms: float
    ms: dict[str, float] = field(default_factory=dict)  # size -> median
    queries: dict[str, int] = field(default_factory=dict)  # size -> queries of one run
    error: str = ""

    def verdict(self, largest: str) -> str:
        if self.error or largest not in self.ms:
            return "FAIL"
        if self.ms[largest] > self.budget_ms:
            return "FAIL"
        return "PASS" if len(set(self.queries.values())) <= 1 else "FAIL"


# Measuring.


def signed_in(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def screens() -> list[tuple[str, str, str]]:
    """(name, role's username or "" for a reader, path) of every screen measured."""
    from django.urls import reverse

    from klearmind.booking.models import Location
    from klearmind.care.models import Patient

    patient = Patient.objects.with_email("jamie.fox@example.com").first()
    patient = patient or Patient.objects.order_by("pk").first()
    location = Location.objects.order_by("pk").first()
    calendar = reverse("booking_admin:calendar")
    return [
        ("patient record", CLINICIAN, reverse("care_admin:patient", args=[patient.pk])),
        ("progress page", CLINICIAN, reverse("care_admin:progress", args=[patient.pk])),
        ("patient list", CLINICIAN, reverse("care_admin:patients")),
        ("today's treatments", CLINICIAN, reverse("care_admin:today")),
        ("REMS forms due", CLINICIAN, reverse("care_admin:rems_due")),
        ("outcomes dashboard", OWNER, reverse("care_admin:dashboard")),
        ("outcomes CSV", OWNER, reverse("care_admin:dashboard_csv")),
        ("triage queue", CLINICIAN, reverse("intake_admin:queue")),
        ("audit list", OWNER, reverse("audit:report")),
        ("calendar, day", FRONT_DESK, f"{calendar}?location={location.pk}&view=day"),
        ("calendar, week", FRONT_DESK, f"{calendar}?location={location.pk}&view=week"),
        ("moderation queue", MODERATOR, reverse("comments_admin:queue")),
        ("article page", "", seed_article().url),
        ("article page after a new comment", "", seed_article().url),
        ("sitemap", "", "/sitemap.xml"),
    ]


def fetch(client, path: str) -> int:
    response = client.get(path)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response.status_code


def count_queries(action) -> int:
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    # Django empties the query log at the start of every request; keep this one's.
    request_started.disconnect(reset_queries)
    try:
        with CaptureQueriesContext(connection) as queries:
            action()
        return len(queries)
    finally:
        request_started.connect(reset_queries)


def timed(action, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure_screens(rows: dict, size: str, runs: int) -> None:
    from django.test import Client

    from klearmind.comments import caching

    clients = {"": Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)}
    for name, role, path in screens():
        row = rows.setdefault(name, Row("screen", name, SCREEN_BUDGET_MS))
        client = clients.get(role) or clients.setdefault(role, signed_in(role))

        def get(c=client, p=path, afresh="new comment" in name):
            if afresh:  # what a new or moderated comment does: the threads are built again
                caching.invalidate()
            return fetch(c, p)

        status = get()  # the warm-up
        if status != 200:
            row.error = f"{path} answered {status} at the {size} size"
            continue
        row.queries[size] = count_queries(get)
        row.ms[size] = timed(get, runs)


def measure_jobs(rows: dict, size: str, runs: int) -> None:
    from klearmind.scheduler.jobs import enabled_jobs

    for job in enabled_jobs():
        row = rows.setdefault(job.name, Row("job", job.name, JOB_BUDGET_MS))
        task = job.task
        try:
            task.call()
            row.queries[size] = count_queries(task.call)
            row.ms[size] = timed(task.call, runs)
        except Exception as error:  # noqa: BLE001 - reported as the row's failure
            row.error = f"{type(error).__name__}: {error}"


def free_slots(number: int):
    """(service, place, starts_at) of free slots a few weeks ahead, for online booking."""
    from django.utils import timezone

    from klearmind.booking.availability import Place, load_schedule
    from klearmind.booking.models import Location, OnlineBooking, Service

    service = Service.objects.filter(online_booking=OnlineBooking.ANYONE).order_by("pk").first()
    location = Location.objects.filter(services=service).order_by("pk").first()
    place = Place(location)
    first = timezone.localdate() + datetime.timedelta(days=21)
    last = first + datetime.timedelta(days=13)
    days = load_schedule(service=service, place=place, first=first, last=last).days(first, last)
    starts = [slot.starts_at for slots in days.values() for slot in slots]
    # From the latest back, slots that do not overlap: booking one cannot take the next.
    span = datetime.timedelta(
        minutes=service.duration_minutes
        + service.buffer_before_minutes
        + service.buffer_after_minutes
    )
    chosen: list[datetime.datetime] = []
    for starts_at in reversed(starts):
        if len(chosen) == number:
            break
        if not chosen or starts_at + span <= chosen[-1]:
            chosen.append(starts_at)
    return service, place, chosen[::-1]


def measure_booking(rows: dict, size: str, runs: int) -> None:
    from klearmind.booking.services import Patient, book_appointment

    row = rows.setdefault("one booking", Row("booking", "one booking", BOOKING_BUDGET_MS))
    service, place, starts = free_slots(runs + 1)
    if len(starts) < runs + 1:
        row.error = "too few free slots to book"
        return
    timings, queries = [], []
    for n, starts_at in enumerate(starts):
        patient = Patient("Bench Booker", f"bench.booker.{size}.{n}@example.org", "9165550100")

        def book(s=starts_at, p=patient):
            book_appointment(service=service, place=place, starts_at=s, patient=p)

        if n == 0:
            queries.append(count_queries(book))
            continue
        timings.append(timed(book, 1))
    row.queries[size] = queries[0]
    row.ms[size] = statistics.median(timings)


def measure(sizes: list[str], runs: int) -> list[Row]:
    """Grow the clinic to each size in turn and measure it; Django must be set up."""
    grower = Grower()
    rows: dict[str, Row] = {}
    for size in sizes:
        started = time.perf_counter()
        grower.grow(size_counts(size))
        print(
            f"bench: {size} clinic built in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        measure_screens(rows, size, runs)
        measure_jobs(rows, size, runs)
        measure_booking(rows, size, runs)
    return list(rows.values())


def table(rows: list[Row], sizes: list[str], database: str) -> str:
    largest = sizes[-1]
    header = ["database", "what", "kind"]
    for size in sizes:
        header += [f"{size} ms", f"{size} queries"]
    header += ["budget ms", "verdict"]
    lines = [header]
    for row in rows:
        cells = [database, row.name, row.kind]
        for size in sizes:
            ms = row.ms.get(size)
            cells += ["-" if ms is None else f"{ms:.1f}", str(row.queries.get(size, "-"))]
        cells += [f"{row.budget_ms:g}", row.verdict(largest)]
        lines.append(cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = [
        " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in lines
    ]
    out.insert(1, "-+-".join("-" * width for width in widths))
    out += [f"{database}: {row.name}: {row.error}" for row in rows if row.error]
    return "\n".join(out)
