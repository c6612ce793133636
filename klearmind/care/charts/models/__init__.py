"""Infusion charts: the chart of one session, what is recorded on it, and the checks it reads
from its own record."""

from .charts import ChartStatus, InfusionChart, Phase
from .parts import (
    Addendum,
    ChartAlert,
    ChartEvent,
    ConcomitantMedicine,
    EventKind,
    RemsRecord,
    VitalSign,
    YesNo,
)

__all__ = [
    "Addendum",
    "ChartAlert",
    "ChartEvent",
    "ChartStatus",
    "ConcomitantMedicine",
    "EventKind",
    "InfusionChart",
    "Phase",
    "RemsRecord",
    "VitalSign",
    "YesNo",
]
