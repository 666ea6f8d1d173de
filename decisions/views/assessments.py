"""Dashboard, new assessment and the assessment overview (portfolio)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from decisions import questionnaire, selectors, services
from decisions.editing_forms import FunctionListFileForm
from decisions.forms import AssessmentCreateForm, CustomFunctionFormSet, check_function_list
from decisions.presentation import AssessmentView, dashboard_cards
from decisions.views.common import AuthenticatedHttpRequest
from decisions.views.editing import take_recompute_summary


@login_required
@require_safe
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    assessments, counts, next_functions = selectors.dashboard_assessments(request.user)
    return render(
        request,
        "decisions/dashboard.html",
        {
            "cards": dashboard_cards(assessments, counts, next_functions),
            "has_organization": selectors.organizations_for(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organizations = selectors.organizations_for(request.user)
    if not organizations.exists():
        messages.error(request, _("You are not a member of any organisation yet: ask an admin."))
        return redirect("decisions:dashboard")
    form = AssessmentCreateForm(request.POST or None, organizations=organizations)
    formset = CustomFunctionFormSet(request.POST or None, prefix="custom")
    list_file = FunctionListFileForm(request.POST or None, request.FILES or None, prefix="list")
    imported: list[str] = []
    if request.method == "POST":
        imported = list_file.names()
        # Every error at once: the list of functions too, even when a field is wrong.
        check_function_list(form, formset, imported)
    if request.method == "POST" and form.is_valid() and formset.is_valid() and not list_file.errors:
        custom = [
            (row["name"], row.get("activity"))
            for row in formset.cleaned_data
            if row and (row.get("name") or "").strip()
        ] + [(name, None) for name in imported]
        try:
            assessment = services.assessment_create(
                user=request.user,
                organization=form.cleaned_data["organization"],
                title=form.cleaned_data["title"],
                activities=list(form.cleaned_data["activities"]),
                custom_functions=custom,
                request_token=form.cleaned_data["request_token"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Assessment created. Pick a function to start."))
            return redirect("decisions:assessment-detail", pk=assessment.pk)
    return render(
        request,
        "decisions/assessment_create.html",
        {"form": form, "formset": formset, "list_file": list_file},
    )


@login_required
@require_safe
def assessment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.get_assessment_for_user(request.user, pk)
    walkthrough = questionnaire.current()
    overview = AssessmentView(
        assessment, selectors.assessment_functions(assessment), walkthrough=walkthrough
    )
    undecided = next(
        (view for view in overview.with_result if view.function.final_model_id is None), None
    )
    return render(
        request,
        "decisions/assessment_detail.html",
        {
            "assessment": assessment,
            "overview": overview,
            "question_count": len(walkthrough),
            "catalogue_token": walkthrough.token,
            "undecided": undecided,
            "recompute_summary": take_recompute_summary(request, assessment.pk),
        },
    )
