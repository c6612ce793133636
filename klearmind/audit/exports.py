"""A CSV download sent as it is written, row by row, so a long export never sits whole in
memory and its first bytes leave at once. Cells a person typed are defused as in
`klearmind.clinic.exports`."""

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse


class _Line:
    """A file-like object whose write() returns the line, for csv.writer to hand back."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence], *, header: Sequence = ()) -> Iterator[str]:
    writer = csv.writer(_Line())
    if header:
        yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def streamed_csv_download(
    name: str, rows: Iterable[Sequence], *, header: Sequence = ()
) -> StreamingHttpResponse:
    """A CSV attachment called `name`, its header first (when given), then `rows`, produced
    while it is sent: pass a generator over `QuerySet.iterator()`."""
    response = StreamingHttpResponse(
        csv_lines(rows, header=header), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
