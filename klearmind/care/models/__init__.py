"""Care models: patients and their plans and scores; infusion charts; check-in questionnaires."""

from .check_ins import CheckIn, CheckInReason
from .patients import (
    CareSettings,
    Measurement,
    MeasurementSource,
    Medicine,
    Patient,
    PatientNote,
    PatientStatus,
    PlanStatus,
    Protocol,
    TreatmentPlan,
)

__all__ = [
    "CareSettings",
    "CheckIn",
    "CheckInReason",
    "Measurement",
    "MeasurementSource",
    "Medicine",
    "Patient",
    "PatientNote",
    "PatientStatus",
    "PlanStatus",
    "Protocol",
    "TreatmentPlan",
]
