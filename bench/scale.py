"""Years of data: every staff screen and periodic job timed on a small and a large clinic.

`python -m bench.scale` builds a throwaway clinic for each database (SQLite, and PostgreSQL
when it answers at 127.0.0.1:5432 as user postgres), grows it from the demo clinic to the
"small" size and then to the "large" one, and after each step times every screen (as the
role that uses it, with Django's test client in this process) and every periodic job with
nothing due, and one booking of a free slot. It prints one table and exits 1 on any FAIL.
See bench/README.md.
"""

import argparse
import copy
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field

SCREEN_BUDGET_MS = 150
JOB_BUDGET_MS = 100
BOOKING_BUDGET_MS = 15
RUNS = int(os.environ.get("BENCH_RUNS", "7"))

# The clinic after a few years, "large"; the other sizes are fractions of it.
LARGE = {
    "patients": 3_000,
    "appointments": 40_000,
    "scores": 29_000,
    "charts": 15_000,
    "vitals": 66_000,
    "questionnaires": 2_000,
    "audit events": 100_000,
    "comments": 50_000,
}
FRACTIONS = {"none": 0, "tiny": 1 / 1000, "small": 1 / 100, "large": 1}
YEARS = 3
BATCH = 2_000

OWNER, CLINICIAN, FRONT_DESK, MODERATOR = (
    "olivia.marsh",
    "daniel.okafor",
    "rosa.delgado",
    "sam.whitfield",
)


def size_counts(size: str) -> dict[str, int]:
    return {name: round(count * FRACTIONS[size]) for name, count in LARGE.items()}


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


# Growing the clinic: rows cloned from the demo's own, in bulk, spread over the past years.
# Encrypted fields are encrypted and lookup hashes computed on insert, as for any save.


def clone(obj, **changes):
    from django.db.models.base import ModelState

    new = copy.copy(obj)
    new._state = ModelState()
    new.pk = None
    for name, value in changes.items():
        setattr(new, name, value)
    return new


def ago(number: int, total: int) -> datetime.timedelta:
    """Spread `total` rows evenly over the past YEARS, at whole weeks (the same weekday and
    wall-clock time as their template), a week ago at the latest."""
    weeks = 1 + (number * YEARS * 52) // max(total, 1)
    return datetime.timedelta(weeks=weeks)


def bulk(model, rows) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


def missing(model, target: int, baseline: int, **filters) -> int:
    return max(0, baseline + target - model.objects.filter(**filters).count())


class Grower:
    """Adds rows until the clinic holds `counts` more than the demo did (the baseline)."""

    def __init__(self):
        from klearmind.audit.models import AuditEvent
        from klearmind.booking.models import Appointment
        from klearmind.care.models import InfusionChart, Measurement, Patient, VitalSign
        from klearmind.comments.models import Comment
        from klearmind.intake.models import Submission

        self.article = seed_article()
        self.models = {
            "patients": (Patient, {}),
            "appointments": (Appointment, {}),
            "scores": (Measurement, {}),
            "charts": (InfusionChart, {}),
            "vitals": (VitalSign, {}),
            "questionnaires": (Submission, {}),
            "audit events": (AuditEvent, {}),
            "comments": (Comment, {"page": self.article}),
        }
        self.baseline = {
            name: model.objects.filter(**filters).count()
            for name, (model, filters) in self.models.items()
        }

    def needed(self, name: str, target: int) -> int:
        model, filters = self.models[name]
        return missing(model, target, self.baseline[name], **filters)

    def grow(self, counts: dict[str, int]) -> None:
        from django.db import transaction

        with transaction.atomic():
            self.patients(self.needed("patients", counts["patients"]))
            self.appointments(self.needed("appointments", counts["appointments"]))
            self.scores(self.needed("scores", counts["scores"]))
            self.charts(
                self.needed("charts", counts["charts"]), self.needed("vitals", counts["vitals"])
            )
            self.questionnaires(self.needed("questionnaires", counts["questionnaires"]))
            self.audit_events(self.needed("audit events", counts["audit events"]))
            self.comments(self.needed("comments", counts["comments"]))

    def patients(self, number: int) -> None:
        from klearmind.care.models import Patient

        template = Patient.objects.order_by("pk").first()
        start = Patient.objects.count()
        bulk(
            Patient,
            [
                clone(
                    template,
                    full_name=f"Bench Patient {start + n}",
                    email=f"bench.patient{start + n}@example.org",
                    submission=None,
                    created_at=template.created_at - ago(n, number),
                )
                for n in range(number)
            ],
        )

    def appointments(self, number: int) -> None:
        from django.utils import timezone

        from klearmind.booking.models import Appointment

        templates = list(Appointment.objects.filter(starts_at__lt=timezone.now()).order_by("pk"))
        templates = templates or list(Appointment.objects.order_by("pk"))
        rows = []
        for n in range(number):
            template = templates[n % len(templates)]
            # Far enough back that no template (some are days ahead) lands in the future.
            back = ago(n, number) + datetime.timedelta(weeks=4)
            rows.append(
                clone(
                    template,
                    starts_at=template.starts_at - back,
                    ends_at=template.ends_at - back,
                    occupied_from=template.occupied_from - back,
                    occupied_until=template.occupied_until - back,
                    created_at=template.created_at - back,
                    patient_email=f"bench.patient{n % LARGE['patients']}@example.org",
                    series=None,
                    invitation=None,
                )
            )
        bulk(Appointment, rows)

    def scores(self, number: int) -> None:
        from klearmind.care.models import Measurement, Patient

        templates = list(Measurement.objects.order_by("pk")[:50])
        patients = list(Patient.objects.order_by("-pk").values_list("pk", flat=True)[:3000])
        bulk(
            Measurement,
            [
                clone(
                    templates[n % len(templates)],
                    patient_id=patients[n % len(patients)],
                    taken_at=templates[n % len(templates)].taken_at - ago(n, number),
                    urgent=False,
                )
                for n in range(number)
            ],
        )

    def charts(self, number: int, vitals: int) -> None:
        from klearmind.care.models import ChartStatus, InfusionChart, Patient, VitalSign

        template = InfusionChart.objects.filter(status=ChartStatus.SIGNED).order_by("pk").first()
        template = template or InfusionChart.objects.order_by("pk").first()
        vital = VitalSign.objects.order_by("pk").first()
        patients = list(Patient.objects.order_by("-pk").values_list("pk", flat=True)[:3000])
        made = bulk(
            InfusionChart,
            [
                clone(
                    template,
                    patient_id=patients[n % len(patients)],
                    appointment=None,
                    plan=None,
                    session_date=template.session_date - ago(n, number),
                    opened_at=template.opened_at - ago(n, number),
                )
                for n in range(number)
            ],
        )
        if not made:
            made = list(InfusionChart.objects.order_by("-pk")[:1000])
        # Straight to the table: a part of a signed chart refuses save(), not an insert.
        bulk(
            VitalSign,
            [
                clone(
                    vital, chart_id=made[n % len(made)].pk, taken_at=vital.taken_at - ago(n, vitals)
                )
                for n in range(vitals)
            ],
        )

    def questionnaires(self, number: int) -> None:
        import secrets

        from klearmind.intake.models import Submission

        template = Submission.objects.filter(urgent=False).order_by("pk").first()
        start = Submission.objects.count()
        bulk(
            Submission,
            [
                clone(
                    template,
                    draft_key=secrets.token_hex(32),
                    email=f"bench.candidate{start + n}@example.org",
                    submitted_at=template.submitted_at - ago(n, number),
                    status="declined" if n % 3 else "accepted",
                )
                for n in range(number)
            ],
        )

    def audit_events(self, number: int) -> None:
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from klearmind.audit.models import AuditEvent
        from klearmind.audit.tests.factories import AuditEventFactory

        staff = list(get_user_model().objects.order_by("pk"))
        now = timezone.now()
        events = AuditEventFactory.build_batch(number, actor=None)
        for n, event in enumerate(events):
            person = staff[n % len(staff)]
            event.actor, event.actor_label = person, person.get_username()
            event.target_id = str(n % LARGE["patients"])
            event.occurred_at = now - datetime.timedelta(
                minutes=(n * YEARS * 365 * 24 * 60) // max(number, 1) + 1
            )
        bulk(AuditEvent, events)

    def comments(self, number: int) -> None:
        from django.db.models import F
        from django.utils import timezone

        from klearmind.comments.models import Comment
        from klearmind.comments.tests.factories import CommentFactory

        now = timezone.now()
        comments = CommentFactory.build_batch(number, page=self.article)
        for n, comment in enumerate(comments):
            comment.submitted_at = now - ago(n, number)
            comment.thread_root = None  # itself, set once it has a key
        made = bulk(Comment, comments)
        if made and made[0].pk is None:  # a backend that does not return the new keys
            made = Comment.objects.filter(page=self.article, thread_root=None)
            made.update(thread_root=F("pk"))
        else:
            Comment.objects.filter(pk__in=[c.pk for c in made]).update(thread_root=F("pk"))


def seed_article():
    from klearmind.pages.models import ArticlePage

    article = ArticlePage.objects.live().filter(title__istartswith="Ketamine therapy").first()
    if article is None:
        raise SystemExit("bench: the demo has no seed article.")
    return article


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
    return service, place, starts[-number:]


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


# Running: one throwaway site per database; the measuring in a child process with its settings.


POSTGRES = "postgres://postgres@127.0.0.1:5432/"


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES + "postgres", connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001 - not there, not used
        return False


def postgres_database(name: str, *, drop: bool) -> None:
    import psycopg

    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop:
            connection.execute(f'CREATE DATABASE "{name}"')


def run_on(database: str, sizes: list[str], runs: int) -> list[Row]:
    from bench import throwaway

    with throwaway.site(keep=os.environ.get("BENCH_KEEP") == "1") as site:
        name = f"klearmind_bench_{site.run_dir.name.replace('.', '_').lower()}"
        if database == "postgresql":
            postgres_database(name, drop=False)
            site.env["DATABASE_URL"] = POSTGRES + name
        site.env |= {"PAGE_CACHE_SECONDS": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"}
        try:
            with throwaway.reporting_failures(site):
                site.manage("migrate", "--no-input")
                site.manage("load_demo")
                site.manage("collectstatic", "--no-input")
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.scale",
                    "--child",
                    "--sizes",
                    ",".join(sizes),
                    "--runs",
                    str(runs),
                ],
                cwd=throwaway.ROOT,
                env=site.env,
                stdout=subprocess.PIPE,
                check=False,
            )
        finally:
            if database == "postgresql":
                postgres_database(name, drop=True)
    if done.returncode:
        raise SystemExit(f"bench: measuring on {database} failed")
    return [Row(**row) for row in json.loads(done.stdout)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--databases", default="auto", help="sqlite, postgresql or auto")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    sizes = options.sizes.split(",")
    if options.child:
        import django

        django.setup()
        rows = measure(sizes, options.runs)
        print(json.dumps([asdict(row) for row in rows]))
        return 0
    databases = options.databases.split(",")
    if databases == ["auto"]:
        databases = ["sqlite"] + (["postgresql"] if postgres_reachable() else [])
    load = os.getloadavg()[0]
    results = {database: run_on(database, sizes, options.runs) for database in databases}
    print(
        f"Staff screens and periodic jobs: medians of {options.runs} runs; {os.cpu_count()} "
        f"CPUs, load average {load:.2f} before the run"
    )
    print(
        f"budgets: screens <= {SCREEN_BUDGET_MS} ms, jobs with nothing due <= {JOB_BUDGET_MS} "
        f"ms, one booking <= {BOOKING_BUDGET_MS} ms at the {sizes[-1]} size; queries equal at "
        "every size"
    )
    for database, rows in results.items():
        print(table(rows, sizes, database))
    failed = any(row.verdict(sizes[-1]) == "FAIL" for rows in results.values() for row in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
