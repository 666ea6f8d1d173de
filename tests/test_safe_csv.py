"""CSV that a spreadsheet opens as data: no cell, nor any piece of one, runs as a formula.

A spreadsheet may split a cell again on import: on `;` where that is the list
separator (German, French, Dutch locales), on tabs when pasted, on line breaks.
Every piece that could start a cell is checked, not only the first character.
"""

from __future__ import annotations

import csv
import io
import sys
import unicodedata
from http import HTTPStatus

import pytest
from django.urls import reverse

from decisions import questionnaire, services
from decisions.reports.safe_csv import FORMULA_STARTS, neutralise, writer
from tests import factories
from tests.conftest import answer_all

pytestmark = pytest.mark.django_db

SEPARATORS = [",", ";", "\t", "\r", "\n"]

PAYLOADS = [
    ("=1+1", "'=1+1"),
    ("+1", "'+1"),
    ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ("Payroll;=1+2", "Payroll;'=1+2"),
    ("Payroll,=1+2", "Payroll,'=1+2"),
    ("Payroll\t+1", "Payroll\t'+1"),
    ("a\n=1", "a\n'=1"),
    ("a\r\n=1", "a\r\n'=1"),
    ("x,@SUM(1)", "x,'@SUM(1)"),
    ("x; =1", "x; '=1"),  # an importer that trims spaces would see "=1"
    ("\uff1d1+2", "'\uff1d1+2"),  # fullwidth equals sign
    ("\uff0b1", "'\uff0b1"),  # fullwidth plus sign
    ("\uff0d1", "'\uff0d1"),  # fullwidth hyphen-minus
    ("\uff20SUM(1)", "'\uff20SUM(1)"),  # fullwidth commercial at
    ("Payroll;\uff1d1+2", "Payroll;'\uff1d1+2"),
    ("a;=1;b;+2", "a;'=1;b;'+2"),
    ("Payroll = people", "Payroll = people"),
    ("x-ray; e-mail @ work", "x-ray; e-mail @ work"),
    ("", ""),
]


@pytest.mark.parametrize(("value", "expected"), PAYLOADS)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_every_character_that_normalises_to_a_formula_start_is_caught():
    """Spreadsheets fold compatibility characters (fullwidth, small, superscript forms)."""
    folding = {
        chr(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.normalize("NFKC", chr(code))[:1] in {"=", "+", "-", "@"}
    }

    assert folding <= set(FORMULA_STARTS)
    for char in folding:
        for separator in SEPARATORS:
            assert neutralise(f"a{separator}{char}1") == f"a{separator}'{char}1"


def spreadsheet_pieces(cell: str) -> list[str]:
    """Every piece a spreadsheet could turn into a cell of its own, leading spaces trimmed."""
    pieces = [cell]
    for separator in SEPARATORS:
        pieces = [piece for part in pieces for piece in part.split(separator)]
    return [piece.lstrip() for piece in pieces]


def starts_a_formula(piece: str) -> bool:
    return unicodedata.normalize("NFKC", piece[:1]) in {"=", "+", "-", "@"}


def test_the_piece_check_finds_live_formulas():
    """The tests below can fail: the old first-character rule lets these through."""
    assert [starts_a_formula(p) for p in spreadsheet_pieces("'Payroll;=1+2")] == [False, True]
    assert starts_a_formula("\uff1d1+2")


def test_the_writer_quotes_every_cell_and_leaves_no_piece_that_starts_a_formula():
    buffer = io.StringIO()
    rows = [["name", "score", "empty"], *([payload, 3.5, None] for payload, _ in PAYLOADS)]

    writer(buffer).writerows(rows)

    text = buffer.getvalue()
    lines = text.split("\r\n")
    assert lines[0] == '"name","score","empty"'
    assert lines[1] == '"\'=1+1","3.5",""'
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not any(starts_a_formula(piece) for piece in spreadsheet_pieces(cell)), cell


def test_the_csv_export_has_no_piece_that_starts_a_formula(manager_client, manager, assessment):
    function = factories.FunctionAssessmentFactory(assessment=assessment, name="Payroll;=1+2")
    factories.FunctionAssessmentFactory(assessment=assessment, name="\uff1d1+2")
    answer_all(function, manager)
    question = questionnaire.current().questions[0]
    services.answer_save(
        function=function,
        question=question,
        option_id=question.options[0].id,
        note='fine\n=HYPERLINK("http://evil.example")',
        user=manager,
    )
    function.refresh_from_db()
    services.decision_record(
        function=function,
        final_model=function.recommended_model,
        reason="x,@SUM(1)",
        user=manager,
    )

    response = manager_client.get(reverse("decisions:assessment-export-csv", args=[assessment.pk]))

    assert response.status_code == HTTPStatus.OK
    text = response.content.decode("utf-8-sig")
    assert text.startswith('"number","id","function",')  # every cell quoted
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["function"] for row in rows] == ["Payroll;'=1+2", "'\uff1d1+2"]
    assert rows[0]["final_reason"] == "x,'@SUM(1)"
    assert rows[0][f"{question.criterion.slug}.note"] == 'fine\n\'=HYPERLINK("http://evil.example")'
    for row in rows:
        for cell in row.values():
            assert not any(starts_a_formula(piece) for piece in spreadsheet_pieces(cell)), cell
