"""Care models: patients and their plans and scores; infusion charts; check-in questionnaires."""

from .charts import (
    Addendum,
    ChartEvent,
    ChartStatus,
    ConcomitantMedicine,
    EventKind,
    InfusionChart,
    Phase,
    RemsRecord,
    VitalSign,
    YesNo,
)
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
    "Addendum",
    "CareSettings",
    "ChartEvent",
    "ChartStatus",
    "CheckIn",
    "CheckInReason",
    "ConcomitantMedicine",
    "EventKind",
    "InfusionChart",
    "Measurement",
    "MeasurementSource",
    "Medicine",
    "Patient",
    "PatientNote",
    "PatientStatus",
    "Phase",
    "PlanStatus",
    "Protocol",
    "RemsRecord",
    "TreatmentPlan",
    "VitalSign",
    "YesNo",
]
