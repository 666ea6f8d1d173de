"""The assessment report: a decision memo an executive signs, as PDF bytes.

Rendered by WeasyPrint from ``templates/decisions/assessment_report.html`` (and
its includes under ``templates/decisions/report/``) with the one print
stylesheet ``static/css/report.css``. What it says is built in
:mod:`decisions.reports.memo` from the stored results (``decisions.presentation``),
so the report reads the same after admins re-weight the criteria.

Page 1 is the memo; then at most a page per function, the contract shapes, the
method, assumptions and sources. Charts, answers and shortlists are the analyst's
appendix, rendered only when asked (``include_appendix``): they are most of the
cost of a report. The PDF is tagged (``pdf_tags``) and carries its title, author,
language and creation date. Assets load through :class:`AssetFetcher`: from disk,
never over the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from decisions import selectors
from decisions.models import Assessment, FunctionAssessment
from decisions.presentation import AssessmentView, FunctionView, SensitivityRow
from decisions.reports.common import export_filename
from decisions.reports.document import DocumentControl, draft_control
from decisions.reports.fetcher import AssetFetcher
from decisions.reports.memo import Memo

TEMPLATE = "decisions/assessment_report.html"


class ReportAssetError(RuntimeError):
    """The report needed an asset the fetcher could not or would not load."""


@dataclass(frozen=True)
class Section:
    """One function's appendix: its view, the five most sensitive criteria, its shortlist."""

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
        self,
        assessment: Assessment,
        functions: Sequence[FunctionAssessment],
        *,
        document: DocumentControl | None = None,
        include_appendix: bool = False,
    ) -> dict[str, Any]:
        """What the template renders: the memo and, when asked, the appendix's sections."""
        if document is None:
            document = draft_control(assessment, include_appendix=include_appendix)
        overview = AssessmentView(assessment, functions)
        memo = Memo(overview, document, include_appendix=include_appendix)
        sections = []
        if include_appendix:
            providers = selectors.providers_with_offer()
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
        # Read everything the template shows now, so rendering it runs no query.
        for page in memo.pages:
            page.view.risks  # noqa: B018
            page.view.business_case  # noqa: B018
            page.group  # noqa: B018 (several respondents, once the group branch adds them)
        memo.sources  # noqa: B018
        return {
            "assessment": assessment,
            "organization": assessment.organization,
            "author": document.prepared_by,
            "document": document,
            "memo": memo,
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
        context = self.context(
            assessment, functions, document=document, include_appendix=include_appendix
        )
        html = render_to_string(TEMPLATE, context)
        weasy = HTML(
            string=html,
            base_url=str(self.asset_dirs[0]) + "/",
            url_fetcher=AssetFetcher(self.asset_dirs),
            media_type="print",
        )
        try:
            pdf = weasy.write_pdf(pdf_tags=True)
        except FatalURLFetchingError as error:
            # WeasyPrint's fatal error is a BaseException, which would slip past
            # Django's error handling: turn it into an ordinary, logged 500.
            raise ReportAssetError(f"{error}: {error.__cause__}") from error
        assert pdf is not None
        return export_filename(assessment, "pdf"), self.content_type, pdf
