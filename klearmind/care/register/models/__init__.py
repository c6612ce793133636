"""The controlled-substance register: containers and their entries, and inventory counts."""

from .counts import CountLine, DiscrepancyReview, InventoryCount
from .entries import (
    AppendOnlyError,
    Container,
    EntryKind,
    Product,
    RegisterEntry,
    StockReceipt,
    register_entry_missing,
)

__all__ = [
    "AppendOnlyError",
    "Container",
    "CountLine",
    "DiscrepancyReview",
    "EntryKind",
    "InventoryCount",
    "Product",
    "RegisterEntry",
    "StockReceipt",
    "register_entry_missing",
]
