"""Reshaping an assessment after it was created: rename, delete, add, import and remove
functions, and recompute every result stored under older criteria."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from decisions import assessment_editing, function_import, selectors
from decisions.editing_forms import AssessmentRenameForm, FunctionAddForm, FunctionImportForm
from decisions.forms import add_service_error
from decisions.models import Assessment
from decisions.views.common import AuthenticatedHttpRequest

RECOMPUTE_SESSION_KEY = "recompute_summary"


def _edit_page(
    request: AuthenticatedHttpRequest,
    assessment: Assessment,
    *,
    rename: AssessmentRenameForm | None = None,
    add: FunctionAddForm | None = None,
    upload: FunctionImportForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "decisions/assessment_edit.html",
        {
            "assessment": assessment,
            "functions": list(assessment.functions.only("pk", "name", "answered_count")),
            "rename_form": rename or AssessmentRenameForm(initial={"title": assessment.title}),
            "add_form": add or FunctionAddForm(),
            "import_form": upload or FunctionImportForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The edit page; a POST renames the assessment."""
    assessment = selectors.get_assessment_for_user(request.user, pk)
    if request.method == "POST":
        form = AssessmentRenameForm(request.POST)
        if form.is_valid():
            try:
                assessment_editing.assessment_rename(
                    assessment=assessment, title=form.cleaned_data["title"]
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Assessment renamed."))
                return redirect("decisions:assessment-edit", pk=assessment.pk)
        return _edit_page(request, assessment, rename=form)
    return _edit_page(request, assessment)


@login_required
@require_POST
def functions_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.get_assessment_for_user(request.user, pk)
    form = FunctionAddForm(request.POST)
    if form.is_valid():
        name, activity = form.function()
        try:
            assessment_editing.functions_add(assessment=assessment, names=[(name, activity)])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("“%(name)s” added.") % {"name": name})
            return redirect("decisions:assessment-edit", pk=assessment.pk)
    return _edit_page(request, assessment, add=form)


@login_required
@require_POST
def functions_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.get_assessment_for_user(request.user, pk)
    form = FunctionImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            names = function_import.read_function_names(upload, upload.name or "", upload.size)
            added = assessment_editing.functions_add(
                assessment=assessment, names=[(name, None) for name in names]
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d function imported.", "%(count)d functions imported.", len(added)
                )
                % {"count": len(added)},
            )
            return redirect("decisions:assessment-edit", pk=assessment.pk)
    return _edit_page(request, assessment, upload=form)


@login_required
@require_http_methods(["GET", "POST"])
def function_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Remove a function: one with answers is removed only once confirmed."""
    function = selectors.get_function_for_user(request.user, pk)
    confirmed = request.POST.get("confirm") == "yes"
    if request.method == "POST" and (confirmed or not function.answered_count):
        assessment_editing.function_remove(function=function)
        messages.success(request, _("“%(name)s” removed.") % {"name": function.name})
        return redirect("decisions:assessment-edit", pk=function.assessment_id)
    return render(
        request,
        "decisions/function_remove.html",
        {"function": function, "assessment": function.assessment},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.get_assessment_for_user(request.user, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        title = assessment.title
        assessment_editing.assessment_delete(assessment=assessment)
        messages.success(request, _("“%(title)s” deleted.") % {"title": title})
        return redirect("decisions:dashboard")
    return render(
        request,
        "decisions/assessment_delete.html",
        {"assessment": assessment, "function_count": assessment.functions.count()},
    )


@login_required
@require_POST
def assessment_recompute(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Recompute every stale result; the summary of what flipped shows atop the overview."""
    assessment = selectors.get_assessment_for_user(request.user, pk)
    try:
        summary = assessment_editing.assessment_recompute(assessment=assessment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        request.session[RECOMPUTE_SESSION_KEY] = {
            "assessment": assessment.pk,
            "recomputed": summary.recomputed,
            "flips": [
                {"id": f.function_id, "name": f.name, "before": f.before, "after": f.after}
                for f in summary.flips
            ],
        }
    return redirect(reverse("decisions:assessment-detail", kwargs={"pk": assessment.pk}))


def take_recompute_summary(request: AuthenticatedHttpRequest, assessment_pk: int) -> dict | None:  # type: ignore[type-arg]
    """The summary of the recompute just done on this assessment, once."""
    summary = request.session.get(RECOMPUTE_SESSION_KEY)
    if not isinstance(summary, dict) or summary.get("assessment") != assessment_pk:
        return None
    del request.session[RECOMPUTE_SESSION_KEY]
    return summary
