"""The assessment report (PDF) and its CSV and JSON exports: fetch, render, wrap."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from decisions import selectors
from decisions.reports.pdf import PDFReport
from decisions.reports.tabular import CSVExport, JSONExport
from decisions.views.common import AuthenticatedHttpRequest


def _respond(
    request: HttpRequest,
    pk: int,
    exporter: PDFReport | CSVExport | JSONExport,
    *,
    inline: bool,
    include_appendix: bool = False,
) -> HttpResponse:
    assessment = selectors.get_assessment_for_user(request.user, pk)
    functions = selectors.assessment_functions(assessment, full=True)
    if isinstance(exporter, PDFReport):
        filename, content_type, content = exporter.render(
            assessment, functions, include_appendix=include_appendix
        )
    else:
        filename, content_type, content = exporter.render(assessment, functions)
    response = HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(not inline, filename)},
    )
    # Confidential: never kept by a shared cache or the browser's disk cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_safe
def assessment_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # ``?appendix=1`` adds the analyst's appendix (answers, charts, shortlists).
    appendix = request.GET.get("appendix") == "1"
    return _respond(request, pk, PDFReport(), inline=True, include_appendix=appendix)


@login_required
@require_safe
def assessment_export_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _respond(request, pk, CSVExport(), inline=False)


@login_required
@require_safe
def assessment_export_json(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _respond(request, pk, JSONExport(), inline=False)
