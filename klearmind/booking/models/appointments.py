"""Appointments, induction series, invitations, the form tokens and the e-mail outbox."""

import datetime
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from klearmind.encryption.fields import EncryptedCharField, EncryptedTextField, LookupHashField
from klearmind.encryption.keys import keyed_hash

from .setup import DepositRule, Location, Provider, Service

FORM_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")

NAME_MAX_LENGTH = 120
EMAIL_MAX_LENGTH = 254
PHONE_MAX_LENGTH = 30
ADDRESS_MAX_LENGTH = 300
INVITATION_DAYS = 30
NOTICE_REFUSALS = {
    "cancel": "This visit is less than %(hours)s hours away, so it can no longer be cancelled "
    "online.",
    "move": "Your visit is less than %(hours)s hours away, so it can no longer be changed "
    "online. Please call the clinic.",
}


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"
    CANCELLED = "cancelled", "Cancelled"


# Appointments that hold a chair and a provider.
ACTIVE_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.COMPLETED,
)


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def at(self, location):
        return self.filter(location=location)

    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at")

    def occupying(self, start: datetime.datetime, end: datetime.datetime):
        """Active appointments whose time, with buffers and travel, overlaps [start, end)."""
        return self.active().filter(occupied_from__lt=end, occupied_until__gt=start)

    def for_calendar(self):
        return self.select_related("service", "provider", "location__page")

    def today_at(self, locations, *, now: datetime.datetime | None = None):
        """Those starting today at these locations, each location's today in its own zone."""
        now = now or timezone.now()
        days = models.Q(pk__in=[])
        for location in locations:
            day = now.astimezone(location.zone).date()
            start, end = (
                datetime.datetime.combine(d, datetime.time(0), tzinfo=location.zone)
                for d in (day, day + datetime.timedelta(days=1))
            )
            days |= models.Q(location=location, starts_at__gte=start, starts_at__lt=end)
        return self.filter(days)

    def unconfirmed(self):
        """Booked online, not started yet, for a service with a deposit: the front desk calls
        to confirm the visit and take the deposit."""
        return self.filter(
            status=AppointmentStatus.BOOKED,
            booked_by__isnull=True,
            starts_at__gte=timezone.now(),
        ).exclude(service__deposit_rule=DepositRule.NONE)

    def due_reminders(self, *, now: datetime.datetime, ahead: datetime.timedelta):
        return self.filter(
            status=AppointmentStatus.BOOKED,
            reminder_sent_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + ahead,
        )


class Series(models.Model):
    """An induction series booked as one plan: all its appointments or none."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "series"

    def __str__(self):
        return f"Series {self.pk} ({self.service})"


class InvitationQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


def invitation_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=INVITATION_DAYS)


class Invitation(models.Model):
    """A clinician's go-ahead: unlocks online booking of the invited services, once."""

    name = EncryptedCharField(max_length=NAME_MAX_LENGTH)
    email = EncryptedCharField(max_length=EMAIL_MAX_LENGTH)
    email_hash = LookupHashField(source="email", purpose="email", normalise=True)
    services = models.ManyToManyField(
        Service,
        blank=True,
        related_name="+",
        help_text="Leave empty for every service that needs an invitation.",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=invitation_expiry)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation {self.pk}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()

    def unlocks(self, service: Service) -> bool:
        if not self.is_usable or not service.needs_invitation:
            return False
        chosen = list(self.services.all())
        return not chosen or service in chosen

    def get_url(self) -> str:
        from ..links import invitation_url

        return invitation_url(self)

    def use(self) -> None:
        """Spend the invitation on one booking; ValidationError once it was used or expired.
        One conditional UPDATE, so of two bookings racing with it only one succeeds."""
        now = timezone.now()
        if not Invitation.objects.usable().filter(pk=self.pk).update(used_at=now):
            raise ValidationError(
                "This invitation has been used or has expired.", code="invitation_used"
            )
        self.used_at = now


class Appointment(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="appointments",
        help_text="Where it happens, or the location that sends someone for a home visit.",
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="appointments")
    at_home = models.BooleanField(default=False)
    chair = models.PositiveSmallIntegerField(null=True, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The time the chair and the provider are taken: with buffers, and travel for home visits.
    occupied_from = models.DateTimeField()
    occupied_until = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    patient_name = EncryptedCharField(max_length=NAME_MAX_LENGTH)
    patient_email = EncryptedCharField(max_length=EMAIL_MAX_LENGTH)
    patient_email_hash = LookupHashField(source="patient_email", purpose="email", normalise=True)
    patient_phone = EncryptedCharField(max_length=PHONE_MAX_LENGTH)
    home_address = EncryptedTextField(blank=True)
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff member who booked it; empty when the patient booked online.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(max_length=200, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["location", "occupied_from"]),
            models.Index(fields=["provider", "occupied_from"]),
            models.Index(fields=["patient_email_hash"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(occupied_from__lte=models.F("starts_at"))
                & models.Q(occupied_until__gte=models.F("ends_at")),
                name="appointment_occupies_its_time",
            ),
            models.CheckConstraint(
                condition=models.Q(at_home=False) | models.Q(chair__isnull=True),
                name="appointment_chair_only_in_clinic",
            ),
        ]

    def __str__(self):
        return f"{self.service} on {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def local_start(self) -> datetime.datetime:
        return self.starts_at.astimezone(self.location.zone)

    @property
    def local_end(self) -> datetime.datetime:
        return self.ends_at.astimezone(self.location.zone)

    @property
    def is_open(self) -> bool:
        return self.status == AppointmentStatus.BOOKED

    def notice_deadline(self) -> datetime.datetime:
        return self.starts_at - datetime.timedelta(hours=self.service.cancellation_notice_hours)

    def inside_notice_window(self, *, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.notice_deadline()

    def check_notice(self, *, by, change: str) -> None:
        """The notice rule: a patient (no `by`) may not make a `change` ("cancel" or "move")
        inside the service's cancellation notice window; the clinic may."""
        if by is None and self.inside_notice_window():
            raise ValidationError(
                NOTICE_REFUSALS[change],
                code="inside_notice",
                params={"hours": self.service.cancellation_notice_hours},
            )

    def mark_arrived(self, *, by) -> None:
        self._change_status(AppointmentStatus.ARRIVED, by=by, allowed=(AppointmentStatus.BOOKED,))

    def mark_completed(self, *, by) -> None:
        self._change_status(
            AppointmentStatus.COMPLETED,
            by=by,
            allowed=(AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED),
        )

    def mark_no_show(self, *, by) -> None:
        if self.starts_at > timezone.now():
            raise ValidationError(
                "A visit that has not started yet cannot be a no-show.", code="not_started"
            )
        self._change_status(AppointmentStatus.NO_SHOW, by=by, allowed=(AppointmentStatus.BOOKED,))

    def cancel(self, *, by=None, reason: str = "") -> None:
        """Cancel a booked visit. A patient (no `by`) may not inside the notice window."""
        if self.is_open:
            self.check_notice(by=by, change="cancel")
        self.cancel_reason = reason[:200]
        self._change_status(
            AppointmentStatus.CANCELLED,
            by=by,
            allowed=(AppointmentStatus.BOOKED,),
            extra=["cancel_reason"],
        )

    def _change_status(self, status, *, by, allowed, extra=()) -> None:
        if self.status not in allowed:
            raise ValidationError(
                "This visit is %(status)s; it cannot be marked %(new)s.",
                code="wrong_status",
                params={"status": self.get_status_display().lower(), "new": status.label.lower()},
            )
        self.status = status
        self.status_changed_at = timezone.now()
        self.status_changed_by = by
        self.save(update_fields=["status", "status_changed_at", "status_changed_by", *extra])


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def posted_form_token(data) -> str:
    """The confirm form's token as posted, or "" if it is not one `new_form_token` could
    have made (a tampered form: a null byte in it would fail the query on PostgreSQL)."""
    token = data.get("token", "")
    return token if FORM_TOKEN.fullmatch(token) else ""


def form_token_hash(token: str) -> str:
    return keyed_hash(token, purpose="booking-request")


class BookingRequestQuerySet(models.QuerySet):
    def for_token(self, token: str):
        return self.filter(token_hash=form_token_hash(token))

    def record(self, *, token: str, appointment: "Appointment") -> "BookingRequest":
        return self.create(token_hash=form_token_hash(token), appointment=appointment)


class BookingRequest(models.Model):
    """One confirm form sent: its token is unique, so a second click books nothing more. Only
    the token's keyed hash is stored: it gives back the visit it booked."""

    token_hash = models.CharField(max_length=64, unique=True)
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = BookingRequestQuerySet.as_manager()

    def __str__(self):
        return f"Booking request for appointment {self.appointment_id}"


class EmailKind(models.TextChoices):
    """The e-mails about a visit, sent through the outbox as kinds `booking.<value>`."""

    CONFIRMATION = "confirmation", "Confirmation"
    MOVED = "moved", "Moved"
    CANCELLED = "cancelled", "Cancelled"
