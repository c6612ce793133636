"""Growing the demo clinic to a size: rows copied from the demo's own, or built with the
tests' factories, inserted in bulk and dated back over the past years."""

import copy
import datetime

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


def size_counts(size: str) -> dict[str, int]:
    return {name: round(count * FRACTIONS[size]) for name, count in LARGE.items()}


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
        refresh_statistics()

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


def refresh_statistics() -> None:
    """On PostgreSQL, ANALYZE: a clinic's database gathers its rows over years, and autovacuum
    keeps the planner's statistics current all along; rows inserted in bulk a moment ago have
    none yet, and the planner would choose as for empty tables. SQLite keeps no statistics
    unless asked, and a clinic's SQLite file is never analyzed, so it is left as it is."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
