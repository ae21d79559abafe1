"""CSV downloads: every CSV the product writes goes through `csv_response` (issue 15).

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (CSV injection,
OWASP). defusedcsv, a drop-in for the standard `csv` module, prefixes such a cell with an
apostrophe, which spreadsheets hide; numbers, and text that is a number like "-5", stay numbers.
OWASP also names a leading tab or carriage return: defusedcsv looks only at the first character,
so leading whitespace is trimmed first and the library sees the character a spreadsheet would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from defusedcsv import csv
from django.http import HttpResponse


def csv_cell(value):
    """Return a value as a CSV cell: None empty, text without leading whitespace."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.lstrip()
    return value


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """Answer a CSV download whose cells a spreadsheet shows as text, never runs."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([csv_cell(h) for h in headers])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return response
