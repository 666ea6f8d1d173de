"""A function's recommendation: the result page, recompute, and the final decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from decisions import questionnaire, selectors, services
from decisions.forms import DecisionForm, add_service_error
from decisions.models import FunctionAssessment
from decisions.presentation import FunctionView
from decisions.views.common import AuthenticatedHttpRequest


def _result_context(
    function: FunctionAssessment, form: DecisionForm, *, recomputed: bool = False
) -> dict[str, object]:
    walkthrough = questionnaire.current()
    view = FunctionView(function, walkthrough=walkthrough)
    next_function, next_decision = selectors.next_steps(function)
    return {
        "next_function": next_function,
        "next_decision": next_decision,
        "recomputed": recomputed,
        "function": function,
        "assessment": function.assessment,
        "view": view,
        "form": form,
        "stale": view.is_stale(walkthrough.version),
        # Keys the cached analysis: the shortlist reads the live provider profiles.
        "catalogue_token": walkthrough.token,
    }


@login_required
@require_http_methods(["GET", "POST"])
def function_result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    function = selectors.get_function_for_user(request.user, pk, with_result=True)
    if not FunctionView(function).has_result:
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
                add_service_error(form, error)
            else:
                messages.success(request, _("Final decision recorded."))
                return redirect("decisions:function-result", pk=function.pk)
    else:
        initial_model = function.final_model_id or function.recommended_model_id
        form = DecisionForm(initial={"final_model": initial_model, "reason": function.final_reason})
    recomputed = request.GET.get("recomputed") == "1"
    return render(
        request,
        "decisions/function_result.html",
        _result_context(function, form, recomputed=recomputed),
    )


@login_required
@require_POST
def function_recompute(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    function = selectors.get_function_for_user(request.user, pk)
    if not FunctionView(function).has_result:
        return redirect("decisions:function-start", pk=function.pk)
    try:
        services.recommendation_recompute(function=function)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Recomputed with the current criteria."))
        return redirect(reverse("decisions:function-result", args=[function.pk]) + "?recomputed=1")
    return redirect("decisions:function-result", pk=function.pk)
