"""Spreadsheet downloads of the staff screens: every CSV is sent the same way, and no cell
that a person typed runs as a formula when the file is opened (OWASP, CSV injection)."""

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value) -> str:
    """`value` as text a spreadsheet shows as typed: a leading apostrophe defuses a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_download(name: str, rows: Iterable[Sequence], *, header: Sequence = ()) -> HttpResponse:
    """A CSV attachment called `name`, its header first (when given), then `rows`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return response
