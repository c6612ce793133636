"""Booking models: the clinic's setup, and the appointments made against it."""

from .appointments import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    BookingRequest,
    EmailKind,
    Invitation,
    Series,
)
from .public import PricesPage, TeamPage
from .setup import (
    TREATMENT_KINDS,
    BookingSettings,
    Closure,
    DepositRule,
    Location,
    OnlineBooking,
    Provider,
    ProviderHours,
    Service,
    ServiceKind,
    ServiceVariant,
    TimeOff,
    VariantKind,
)

__all__ = [
    "ACTIVE_STATUSES",
    "TREATMENT_KINDS",
    "Appointment",
    "AppointmentStatus",
    "BookingRequest",
    "BookingSettings",
    "Closure",
    "DepositRule",
    "EmailKind",
    "Invitation",
    "Location",
    "OnlineBooking",
    "PricesPage",
    "Provider",
    "ProviderHours",
    "Series",
    "Service",
    "ServiceKind",
    "ServiceVariant",
    "TeamPage",
    "TimeOff",
    "VariantKind",
]
