"""Care models: patients and their plans and scores; infusion charts; check-in questionnaires;
the controlled-substance register."""

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
from .register import (
    AppendOnlyError,
    Container,
    EntryKind,
    Product,
    RegisterEntry,
    StockReceipt,
    register_entry_missing,
)
from .register_counts import CountLine, DiscrepancyReview, InventoryCount

__all__ = [
    "Addendum",
    "AppendOnlyError",
    "AttentionReview",
    "CareSettings",
    "ChartAlert",
    "ChartEvent",
    "ChartStatus",
    "CheckIn",
    "CheckInReason",
    "ConcomitantMedicine",
    "Container",
    "CountLine",
    "DiscrepancyReview",
    "EntryKind",
    "EventKind",
    "InfusionChart",
    "InventoryCount",
    "Measurement",
    "MeasurementSource",
    "Medicine",
    "Patient",
    "PatientNote",
    "PatientStatus",
    "Phase",
    "PlanStatus",
    "Product",
    "Protocol",
    "RegisterEntry",
    "RemsRecord",
    "StockReceipt",
    "TreatmentPlan",
    "VitalSign",
    "YesNo",
    "register_entry_missing",
]
