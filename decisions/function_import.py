"""Read a list of business-function names from a CSV or XLSX file a manager uploads.

Only names are read: the first column of each row, the first sheet of a workbook.
A first row reading "name", "function" or "business function" is taken as a
heading. Empty rows are skipped. Anything else wrong — a file that is neither CSV
nor XLSX, text that is not UTF-8, a name longer than a function name may be, the
same name twice, too many rows, a file too large — is refused with a message that
names the row, and nothing is added. Formulas are not evaluated (openpyxl's
``data_only`` reads the value a spreadsheet saved, if any); since nothing read here
is ever written back to a spreadsheet unescaped, formula injection does not arise.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from decisions.models.assessments import NAME_MAX

MAX_BYTES = 1024 * 1024  # a list of names is a few kilobytes
MAX_ROWS = 200  # as many as an assessment holds (services.MAX_FUNCTIONS)
HEADINGS = {"name", "names", "function", "functions", "business function", "business functions"}

TOO_LARGE = _("The file is larger than %(max)d kB: a list of function names is far smaller.")
NOT_A_LIST = _("Upload a CSV file (.csv) or an Excel workbook (.xlsx).")
NOT_UTF8 = _("Row %(row)d is not readable text: save the CSV file as UTF-8 and upload it again.")
NOT_XLSX = _("This file could not be read as an Excel workbook (.xlsx): save it again as .xlsx.")
NAME_TOO_LONG = _("Row %(row)d: the name is longer than %(max)d characters.")
DUPLICATE = _("Row %(row)d: “%(name)s” is already in the list (row %(first)d).")
TOO_MANY_ROWS = _("The file has more than %(max)d rows: an assessment holds at most %(max)d.")
EMPTY = _("The file holds no function names: put one name per row in the first column.")
BROKEN_CSV = _("Row %(row)d could not be read: %(problem)s")


def read_function_names(upload: IO[bytes], filename: str, size: int) -> list[str]:
    """The names in the file, in order; a ``ValidationError`` naming the row otherwise."""
    if size > MAX_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large", params={"max": MAX_BYTES // 1024})
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large", params={"max": MAX_BYTES // 1024})
    lowered = filename.lower()
    if lowered.endswith(".csv"):
        rows = _csv_rows(data)
    elif lowered.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    else:
        raise ValidationError(NOT_A_LIST, code="not_a_list")
    return _names(rows)


def _csv_rows(data: bytes) -> Iterator[tuple[int, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        raise ValidationError(NOT_UTF8, code="not_utf8", params={"row": row}) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for cells in reader:
            yield reader.line_num, (cells[0] if cells else "")
    except csv.Error as error:
        raise ValidationError(
            BROKEN_CSV, code="broken_csv", params={"row": reader.line_num, "problem": str(error)}
        ) from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, str]]:
    from openpyxl import load_workbook  # imported here: only an upload needs it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ValidationError(NOT_XLSX, code="not_xlsx") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return
        for number, row in enumerate(sheet.iter_rows(max_col=1, values_only=True), start=1):
            if number > MAX_ROWS + 1:  # a heading row and MAX_ROWS names
                raise ValidationError(TOO_MANY_ROWS, code="too_many", params={"max": MAX_ROWS})
            value = row[0] if row else None
            yield number, "" if value is None else str(value)
    finally:
        workbook.close()


def _names(rows: Iterator[tuple[int, str]]) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for row, raw in rows:
        name = " ".join(raw.split())
        if not name:
            continue
        if not names and not seen and name.casefold() in HEADINGS:
            continue
        if len(name) > NAME_MAX:
            raise ValidationError(
                NAME_TOO_LONG, code="too_long", params={"row": row, "max": NAME_MAX}
            )
        key = name.casefold()
        if key in seen:
            raise ValidationError(
                DUPLICATE,
                code="duplicate",
                params={"row": row, "name": name, "first": seen[key]},
            )
        seen[key] = row
        names.append(name)
        if len(names) > MAX_ROWS:
            raise ValidationError(TOO_MANY_ROWS, code="too_many", params={"max": MAX_ROWS})
    if not names:
        raise ValidationError(EMPTY, code="empty")
    return names
