"""Care models: patients and their plans and scores; infusion charts; check-in questionnaires."""

from .attention import AttentionReview
from .chart_parts import (
    Addendum,
    ChartAlert,
    ChartEvent,
    ConcomitantMedicine,
    EventKind,
    RemsRecord,
    VitalSign,
    YesNo,
)
from .charts import ChartStatus, InfusionChart, Phase
from .check_ins import CheckIn, CheckInReason
from .patients import (
    Measurement,
    MeasurementSource,
    Patient,
    PatientNote,
    PatientStatus,
    PlanStatus,
    TreatmentPlan,
)
from .protocols import CareSettings, Medicine, Protocol

__all__ = [
    "Addendum",
    "AttentionReview",
    "CareSettings",
    "ChartAlert",
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
