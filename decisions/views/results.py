"""A function's recommendation: the result page, recompute, and the final decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from decisions import selectors, services
from decisions.advice import snapshot_changes
from decisions.forms import DecisionForm
from decisions.models import FunctionAssessment
from decisions.presentation import FunctionSummary, summarise_function
from decisions.views.common import AuthenticatedHttpRequest
from decisions.vocabulary import DeliveryKind


def _comparison(summary: FunctionSummary, previous: dict[str, Any]) -> dict[str, Any]:
    """The previous stored result next to the current one, for "What changed"."""
    before = previous.get("scores") or {}
    rows = [
        {
            "label": line.abbreviation,
            "slug": line.slug,
            "before": round(before[line.slug] * 100) if line.slug in before else None,
            "now": line.percent,
        }
        for line in summary.ranking
    ]
    return {
        "model_slug": previous.get("recommended"),
        "model": summary.abbreviation(previous.get("recommended")),
        "changed": previous.get("recommended") != summary.recommended.slug,
        "rows": rows,
        "criteria_version": previous.get("criteria_version", ""),
        "computed_at": parse_datetime(previous["computed_at"])
        if previous.get("computed_at")
        else None,
    }


def _result_context(function: FunctionAssessment, form: DecisionForm) -> dict[str, object]:
    summary = summarise_function(function)
    assert summary is not None
    previous = function.previous or None
    # What the profile answers ask of a provider ("onshore, back office"); "No preference"
    # and "Both" ask nothing.
    wanted = selectors.profile_delivery_options([function])[function.pk]
    return {
        "function": function,
        "assessment": function.assessment,
        "summary": summary,
        "form": form,
        "refinement": [option.name.lower() for option in wanted],
        "location_label": next(
            (option.name for option in wanted if option.kind == DeliveryKind.LOCATION), ""
        ),
        "comparison": _comparison(summary, previous) if previous else None,
        "shortlist": selectors.provider_shortlist(
            model_slug=summary.recommended.slug,
            activity_id=function.activity_id,
            wanted=wanted,
        ),
        "stale": selectors.catalogue_version() != function.criteria_version,
        "previous": previous,
        "changes": snapshot_changes(previous["snapshot"], function.snapshot)
        if previous and previous.get("snapshot") and function.snapshot
        else [],
    }


@login_required
@require_http_methods(["GET", "POST"])
def function_result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    function = selectors.get_function_for_user(request.user, pk)
    if function.result is None:
        messages.info(request, _("Answer every question to see the recommendation."))
        return redirect("decisions:function-start", pk=function.pk)
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.decision_record(
                    function=function,
                    final_model=form.cleaned_data["final_model"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        for e in errors:
                            form.add_error(field if field in form.fields else None, e)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("Final decision recorded."))
                return redirect("decisions:function-result", pk=function.pk)
    else:
        initial_model = function.final_model_id or function.recommended_model_id
        form = DecisionForm(initial={"final_model": initial_model, "reason": function.final_reason})
    return render(request, "decisions/function_result.html", _result_context(function, form))


@login_required
@require_POST
def function_recompute(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    function = selectors.get_function_for_user(request.user, pk)
    if function.result is None:
        return redirect("decisions:function-start", pk=function.pk)
    try:
        services.recommendation_recompute(function=function)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Recomputed with the current criteria."))
    return redirect("decisions:function-result", pk=function.pk)
