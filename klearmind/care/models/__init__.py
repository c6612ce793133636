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
    "ChartEvent",
    "ChartStatus",
    "ConcomitantMedicine",
    "EventKind",
    "InfusionChart",
    "Phase",
    "RemsRecord",
    "VitalSign",
    "YesNo",
    "CareSettings",
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
