"""The assessment report (PDF) and its CSV and JSON exports: fetch, render, wrap."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from decisions import approvals, selectors
from decisions.models import ReportRender
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
    """The current report: served when rendered, else asked for and shown in progress.

    Rendering happens in a background worker (``decisions.approvals``), never here;
    a HEAD request only looks.
    """
    # ``?appendix=1`` adds the analyst's appendix (answers, charts, shortlists).
    appendix = request.GET.get("appendix") == "1"
    assessment = selectors.get_assessment_for_user(request.user, pk)
    current = approvals.current_report(assessment)
    if current.state.is_approved:
        # The approved version's report is its frozen one, once it is frozen.
        return redirect("decisions:report-detail", pk=assessment.pk)
    render = current.renders[appendix]
    if render is None and request.method == "GET":
        try:
            render = approvals.report_request(
                assessment=assessment, user=request.user, include_appendix=appendix, key=current.key
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    if render is not None and render.state == ReportRender.State.READY:
        ready = ReportRender.objects.only("filename", "content").get(pk=render.pk)
        response = HttpResponse(
            bytes(ready.content or b""),
            content_type=PDFReport.content_type,
            headers={"Content-Disposition": content_disposition_header(False, ready.filename)},
        )
        patch_cache_control(response, private=True, no_store=True)
        return response
    return redirect("decisions:report-detail", pk=assessment.pk)


@login_required
@require_safe
def assessment_export_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _respond(request, pk, CSVExport(), inline=False)


@login_required
@require_safe
def assessment_export_json(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _respond(request, pk, JSONExport(), inline=False)
