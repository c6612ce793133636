"""Appointments, induction series, invitations, the form tokens and the e-mail outbox."""

import datetime
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from klearmind.encryption.fields import EncryptedCharField, EncryptedTextField, LookupHashField
from klearmind.encryption.keys import keyed_hash

from .. import hooks
from .setup import (
    GOOD_FAITH_EXAM_VALID_DAYS,
    DepositRule,
    Location,
    Provider,
    Service,
    ServiceKind,
    ServiceVariant,
)

FORM_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")

NAME_MAX_LENGTH = 120
EMAIL_MAX_LENGTH = 254
PHONE_MAX_LENGTH = 30
ADDRESS_MAX_LENGTH = 300
INVITATION_DAYS = 30
# How long before its start a visit can be marked arrived (a patient early for a visit).
ARRIVAL_OPENS = datetime.timedelta(hours=1)
NOTICE_REFUSALS = {
    "cancel": ngettext_lazy(
        "This visit is less than %(hours)s hour away, so it can no longer be cancelled online.",
        "This visit is less than %(hours)s hours away, so it can no longer be cancelled online.",
        "hours",
    ),
    "move": ngettext_lazy(
        "Your visit is less than %(hours)s hour away, so it can no longer be changed online. "
        "Please call the clinic.",
        "Your visit is less than %(hours)s hours away, so it can no longer be changed online. "
        "Please call the clinic.",
        "hours",
    ),
}


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ARRIVED = "arrived", _("Arrived")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


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

    def occupying(
        self, start: datetime.datetime, end: datetime.datetime, *, longest: datetime.timedelta
    ):
        """Active appointments whose time, with buffers and travel, overlaps [start, end).
        `longest` is the longest time one visit can hold: no visit that began before
        `start - longest` can reach `start`, so the read is bounded on both sides and an index
        on `occupied_from` finds only the visits near the window, however long the history."""
        return self.active().filter(
            occupied_from__gte=start - longest,
            occupied_from__lt=end,
            occupied_until__gt=start,
        )

    def for_calendar(self):
        return self.select_related("service", "provider", "location__page").with_exam_due()

    def with_exam_due(self):
        """Annotates `exam_due`: an IV hydration visit with no good-faith exam booked or held
        for the same person in the year before it (see docs/decisions/030)."""
        exam = Appointment.objects.active().filter(
            service__kind=ServiceKind.GOOD_FAITH_EXAM,
            patient_email_hash=models.OuterRef("patient_email_hash"),
            starts_at__lte=models.OuterRef("starts_at"),
            starts_at__gt=models.OuterRef("starts_at")
            - datetime.timedelta(days=GOOD_FAITH_EXAM_VALID_DAYS),
        )
        return self.annotate(
            exam_due=models.Case(
                models.When(
                    models.Q(service__kind=ServiceKind.HYDRATION) & ~models.Exists(exam),
                    then=True,
                ),
                default=False,
                output_field=models.BooleanField(),
            )
        )

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
    # The desk's finder looks an earlier caller up by whole name or phone (decisions/038).
    patient_name_hash = LookupHashField(
        source="patient_name", purpose="name", normalise="name", db_index=False
    )
    patient_phone_hash = LookupHashField(
        source="patient_phone", purpose="phone", normalise="phone", db_index=False
    )
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
    # What a service with drips was booked as, and its price then (docs/decisions/030).
    variant = models.ForeignKey(
        ServiceVariant, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    add_ons = models.ManyToManyField(ServiceVariant, blank=True, related_name="+")
    price = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The drip and its add-ons at their prices when booked.",
    )
    dispatch_fee = models.DecimalField(
        max_digits=7, decimal_places=2, default=0, help_text="The home-visit fee when booked."
    )
    # The calendar event's SEQUENCE (RFC 5545): one more on every change of time or status,
    # so a calendar app takes the newest e-mailed .ics over an older one.
    sequence = models.PositiveIntegerField(default=0, editable=False)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["location", "occupied_from"]),
            models.Index(fields=["provider", "occupied_from"]),
            models.Index(fields=["patient_email_hash"]),
            models.Index(fields=["patient_name_hash"], name="appointment_name_hash"),
            models.Index(fields=["patient_phone_hash"], name="appointment_phone_hash"),
            # A location's day and week calendars, and the reminder sweep (docs/decisions/036).
            models.Index(fields=["location", "starts_at"], name="appointment_location_start"),
            models.Index(fields=["starts_at"], name="appointment_start"),
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

    @property
    def booked_service(self) -> Service:
        """The service as booked: for a drip, lasting the drip's and add-ons' minutes."""
        if self.variant_id is None:
            return self.service
        minutes = int((self.ends_at - self.starts_at).total_seconds() // 60)
        return self.service.lasting(minutes)

    @property
    def total(self):
        """The price when booked with the home-visit fee; None when no price was recorded."""
        return None if self.price is None else self.price + self.dispatch_fee

    @property
    def exam_due(self) -> bool:
        """Whether this drip still waits for its good-faith exam (queried when the row was
        not read through `with_exam_due`)."""
        if "exam_due" in self.__dict__:
            return self.__dict__["exam_due"]
        if self.pk is None:
            return False
        return Appointment.objects.filter(pk=self.pk).with_exam_due().get().exam_due

    @exam_due.setter
    def exam_due(self, value: bool) -> None:
        self.__dict__["exam_due"] = value

    @property
    def by_phone(self) -> bool:
        """A phone consultation: the clinic calls the patient, nobody comes to a place."""
        return self.service.kind == ServiceKind.CONSULTATION

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

    def arrival_refusal(self, *, now: datetime.datetime | None = None) -> ValidationError | None:
        """Why the visit cannot be marked arrived now, or None: only on its own day in the
        location's time, from ARRIVAL_OPENS before its start, so a visit days away cannot be."""
        now = now or timezone.now()
        today = now.astimezone(self.location.zone).date()
        if today > self.local_start.date():
            return ValidationError(
                "This visit's day is over; it can no longer be marked arrived.", code="day_over"
            )
        if today < self.local_start.date() or now < self.starts_at - ARRIVAL_OPENS:
            return ValidationError(
                "A visit can be marked arrived only on its day, from an hour before it starts.",
                code="too_early",
            )
        return None

    def no_show_refusal(self, *, now: datetime.datetime | None = None) -> ValidationError | None:
        """Why the visit cannot be marked a no-show now, or None: only once it has started."""
        if self.starts_at > (now or timezone.now()):
            return ValidationError(
                "A visit that has not started yet cannot be a no-show.", code="not_started"
            )
        return None

    def mark_arrived(self, *, by) -> None:
        if refusal := self.arrival_refusal():
            raise refusal
        self._change_status(AppointmentStatus.ARRIVED, by=by, allowed=(AppointmentStatus.BOOKED,))

    def mark_completed(self, *, by) -> None:
        self._change_status(
            AppointmentStatus.COMPLETED,
            by=by,
            allowed=(AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED),
        )

    def mark_no_show(self, *, by) -> None:
        if refusal := self.no_show_refusal():
            raise refusal
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
        old_status = self.status
        self.status = status
        self.status_changed_at = timezone.now()
        self.status_changed_by = by
        self.sequence += 1
        fields = ["status", "status_changed_at", "status_changed_by", "sequence", *extra]
        self.save(update_fields=fields)
        hooks.status_changed(self, old_status)


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
