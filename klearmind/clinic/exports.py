"""Spreadsheet downloads of the staff screens: every CSV is sent the same way, and no cell
that a person typed runs as a formula when the file is opened (OWASP, CSV injection).

`csv_download` builds the file in memory, for a short one; `csv_stream` sends a long one
row by row as its rows are read, so an export of years of records holds one row at a time."""

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import HttpResponse, StreamingHttpResponse

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


class _Line:
    """A file for csv.writer that hands back each line written instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence], *, header: Sequence = ()) -> Iterator[str]:
    writer = csv.writer(_Line())
    if header:
        yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_stream(
    name: str, rows: Iterable[Sequence], *, header: Sequence = ()
) -> StreamingHttpResponse:
    """`csv_download` sent as it is written: `rows` is read lazily, one row at a time. The
    cells are made formula-safe by whoever builds the rows, with `text_cell`, as for
    `csv_download`."""
    response = StreamingHttpResponse(
        csv_lines(rows, header=header), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
