"""CSV that spreadsheets open as data: no cell, nor any piece of one, runs as a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``,
``-`` or ``@`` (OWASP "CSV injection"), and they fold the fullwidth and other
compatibility forms (a fullwidth equals sign, U+FF1D) to the same characters.
A cell is not always read as one cell either: where the list separator is
``;`` (German, French, Dutch locales) ``Payroll;=1+2`` opens as two cells, the
second a live formula; pasting splits on tabs and some importers on line
breaks. So every piece that could start a cell — the start of the value and
whatever follows ``,`` ``;`` tab, CR or LF, after any spaces — gets an
apostrophe before a formula character, which spreadsheets read as "this is
text". Every cell is quoted.

The maintained ``defusedcsv`` package checks only the first character of a
cell, which is the hole this module closes. No Django import.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

# "= + - @" and every character whose NFKC form starts with one of them (fullwidth,
# small, superscript and subscript forms...): tests/test_safe_csv.py checks the list
# against the whole of Unicode.
FORMULA_STARTS = (
    "=+-@\u207a\u207c\u208a\u208c\u2a75\u2a76\ufb29\ufe62\ufe63\ufe66\ufe6b\uff0b\uff0d\uff1d\uff20"
)
SEPARATORS = ",;\t\r\n"
# Characters that make some spreadsheets treat what follows as a formula (OWASP).
LEADING_CONTROLS = ("\t", "\r", "\n")

_FORMULA_PIECE = re.compile(
    rf"(?:^|(?<=[{re.escape(SEPARATORS)}]))"  # where a cell could begin...
    r"([^\S\t\r\n]*)"  # ...after any spaces an importer might trim...
    rf"(?=[{re.escape(FORMULA_STARTS)}])"  # ...a formula would start
)


def neutralise(value: str) -> str:
    """The text with an apostrophe before every piece that would start a formula."""
    value = _FORMULA_PIECE.sub(r"\1'", value)
    if value.startswith(LEADING_CONTROLS):
        value = "'" + value
    return value


class _Stream(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeWriter:
    """A ``csv.writer`` that quotes every cell and neutralises every text cell."""

    def __init__(self, stream: _Stream) -> None:
        self._writer = csv.writer(stream, quoting=csv.QUOTE_ALL)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(cell) if isinstance(cell, str) else cell for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: _Stream) -> SafeWriter:
    """The safe counterpart of ``csv.writer(stream)``."""
    return SafeWriter(stream)
