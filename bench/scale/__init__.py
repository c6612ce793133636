"""Years of data: every staff screen and periodic job timed on a small and a large clinic.

`python -m bench.scale` builds a throwaway clinic for each database (SQLite, and PostgreSQL
when it answers at 127.0.0.1:5432 as user postgres), grows it from the demo clinic to the
"small" size and then to the "large" one, and after each step times every screen (as the
role that uses it, with Django's test client in this process) and every periodic job with
nothing due, and one booking of a free slot. It prints one table and exits 1 on any FAIL.
See bench/README.md.
"""

from .grow import FRACTIONS, LARGE, Grower, clone, seed_article, size_counts
from .measure import (
    BOOKING_BUDGET_MS,
    JOB_BUDGET_MS,
    SCREEN_BUDGET_MS,
    Row,
    measure,
    screens,
    table,
)

__all__ = [
    "BOOKING_BUDGET_MS",
    "FRACTIONS",
    "JOB_BUDGET_MS",
    "LARGE",
    "SCREEN_BUDGET_MS",
    "Grower",
    "Row",
    "clone",
    "measure",
    "screens",
    "seed_article",
    "size_counts",
    "table",
]
