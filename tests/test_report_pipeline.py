"""What the PDF exporter costs is its context, its template and WeasyPrint: nothing else.

`make bench` used to time the exporter against WeasyPrint alone on the same
HTML. That comparison holds only if the exporter hands WeasyPrint exactly the
HTML its context and template render, lays it out once, and returns those
bytes; and if the template reads nothing the context did not already load.
These tests pin that down, so the cost of a report is the sum of its parts.
"""

from __future__ import annotations

from typing import Any

import pytest
import weasyprint
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from decisions import selectors
from decisions.reports.document import draft_control
from decisions.reports.pdf import TEMPLATE, PDFReport
from tests import factories
from tests.conftest import add_archetype

pytestmark = pytest.mark.django_db

ARCHETYPE_NAMES = (
    "Payroll processing",
    "Market research",
    "Contract review and legal research",
    "Product research and development",
)


@pytest.fixture
def report_assessment(organization, manager):
    assessment = factories.AssessmentFactory(organization=organization, owner=manager)
    for order, name in enumerate(ARCHETYPE_NAMES):
        add_archetype(assessment, manager, name, order=order)
    factories.FunctionAssessmentFactory(assessment=assessment, name="Not started", order=9)
    return assessment


@pytest.fixture
def weasyprint_calls(monkeypatch) -> list[tuple[str, Any]]:
    """Every WeasyPrint document made and every PDF written, in order."""
    calls: list[tuple[str, Any]] = []
    real_init, real_write = weasyprint.HTML.__init__, weasyprint.HTML.write_pdf

    def init(self, *args, **kwargs):
        calls.append(("document", kwargs.get("string")))
        real_init(self, *args, **kwargs)

    def write_pdf(self, *args, **kwargs):
        pdf = real_write(self, *args, **kwargs)
        calls.append(("pdf", pdf))
        return pdf

    monkeypatch.setattr(weasyprint.HTML, "__init__", init)
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", write_pdf)
    return calls


def test_exporter_lays_out_exactly_the_html_its_context_and_template_render(
    report_assessment, weasyprint_calls
):
    functions = selectors.assessment_functions(report_assessment, full=True)
    exporter = PDFReport()
    # One document control for both: it carries the time the report was generated.
    document = draft_control(report_assessment)
    html = render_to_string(
        TEMPLATE, exporter.context(report_assessment, functions, document=document)
    )
    assert "Product research and development" in html

    _filename, content_type, content = exporter.render(
        report_assessment, functions, document=document
    )

    assert content_type == "application/pdf"
    assert weasyprint_calls == [("document", html), ("pdf", content)]


def test_template_reads_nothing_the_context_did_not_load(report_assessment):
    functions = selectors.assessment_functions(report_assessment, full=True)
    with CaptureQueriesContext(connection) as context_queries:
        context = PDFReport().context(report_assessment, functions)
    with CaptureQueriesContext(connection) as template_queries:
        html = render_to_string(TEMPLATE, context)

    assert "Contract review and legal research" in html
    assert len(context_queries) > 0
    assert len(template_queries) == 0
