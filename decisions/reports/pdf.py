"""The assessment report: a PDF an executive can sign off and an auditor can check.

Rendered by WeasyPrint from ``templates/decisions/assessment_report.html`` with
the print stylesheet ``static/css/report.css``. Everything a function's section
says comes from its stored result and criteria snapshot (see
``decisions.presentation``), so the report reads the same after admins
re-weight the criteria. Charts are the same SVG templates as on the web pages
(``{% load charts %}``) and stay vector in the PDF. Assets load through :class:`AssetFetcher`: from
disk, never over the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from decisions import selectors
from decisions.models import Assessment, FunctionAssessment
from decisions.presentation import AssessmentView, FunctionView, SensitivityRow
from decisions.reports.common import export_filename
from decisions.reports.document import DocumentControl, draft_control
from decisions.reports.fetcher import AssetFetcher

TEMPLATE = "decisions/assessment_report.html"


class ReportAssetError(RuntimeError):
    """The report needed an asset the fetcher could not or would not load."""


@dataclass(frozen=True)
class Section:
    """One function's pages: its view, the five most sensitive criteria, its shortlist."""

    view: FunctionView
    sensitivity: list[SensitivityRow]
    sensitivity_hidden: int
    shortlist: list[selectors.ShortlistEntry]


class PDFReport:
    """The assessment report as PDF bytes."""

    identifier = "pdf"
    content_type = "application/pdf"

    def __init__(self, asset_dirs: Sequence[str | Path] | None = None) -> None:
        dirs = settings.REPORT_ASSET_DIRS if asset_dirs is None else asset_dirs
        self.asset_dirs = [Path(d) for d in dirs]

    def context(
        self, assessment: Assessment, functions: Sequence[FunctionAssessment]
    ) -> dict[str, Any]:
        """What the template renders: the assessment's view model and a section per result."""
        overview = AssessmentView(assessment, functions)
        providers = selectors.providers_with_offer()
        sections = []
        for view in overview.with_result:
            sensitive = view.sensitive_criteria()
            sections.append(
                Section(
                    view=view,
                    sensitivity=sensitive,
                    sensitivity_hidden=len(view.sensitivity) - len(sensitive),
                    shortlist=view.shortlist(providers),
                )
            )
        return {
            "assessment": assessment,
            "organization": assessment.organization,
            "author": _author(assessment),
            "printed_on": timezone.localdate(),
            "overview": overview,
            "sections": sections,
        }

    def render(
        self,
        assessment: Assessment,
        functions: Sequence[FunctionAssessment],
        *,
        document: DocumentControl | None = None,
        include_appendix: bool = False,
    ) -> tuple[str, str, bytes]:
        context = self.context(assessment, functions)
        context["document"] = document or draft_control(
            assessment, include_appendix=include_appendix
        )
        context["include_appendix"] = include_appendix
        html = render_to_string(TEMPLATE, context)
        weasy = HTML(
            string=html,
            base_url=str(self.asset_dirs[0]) + "/",
            url_fetcher=AssetFetcher(self.asset_dirs),
            media_type="print",
        )
        try:
            pdf = weasy.write_pdf()
        except FatalURLFetchingError as error:
            # WeasyPrint's fatal error is a BaseException, which would slip past
            # Django's error handling: turn it into an ordinary, logged 500.
            raise ReportAssetError(f"{error}: {error.__cause__}") from error
        assert pdf is not None
        return export_filename(assessment, "pdf"), self.content_type, pdf


def _author(assessment: Assessment) -> str:
    owner = assessment.owner
    if owner is None:
        return ""
    return owner.get_full_name() or owner.get_username()  # type: ignore[attr-defined]
