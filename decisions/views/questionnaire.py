"""The questionnaire: one step per criterion, saved at every step, and the review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from decisions import questionnaire, selectors, services
from decisions.forms import NOT_SURE, StepForm, add_service_error
from decisions.models import FunctionAssessment
from decisions.views.common import AuthenticatedHttpRequest

ACTIONS = {"back", "continue", "exit"}


@login_required
@require_safe
def function_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Resume: go to the first unanswered step, or the review when all are answered."""
    function = selectors.get_function_to_answer(request.user, pk)
    answered = selectors.answered_question_ids(function, request.user)
    for question in questionnaire.current().questions:
        if question.id not in answered:
            return redirect("decisions:function-step", pk=function.pk, step=question.number)
    return redirect("decisions:function-review", pk=function.pk)


@login_required
@require_http_methods(["GET", "POST"])
def function_step(request: AuthenticatedHttpRequest, pk: int, step: int) -> HttpResponse:
    function = selectors.get_function_to_answer(request.user, pk)
    walkthrough = questionnaire.current()
    question = walkthrough.step(step)
    if question is None:
        raise Http404("No such step.")
    return_to_review = request.GET.get("from") == "review"

    if request.method == "POST":
        action = request.POST.get("action", "continue")
        if action not in ACTIONS:
            action = "continue"
        form = StepForm(request.POST, question=question)
        if action != "continue" and not request.POST.get("option"):
            # Back or exit without choosing anything: nothing to save.
            return _leave(function, step, action, request.user)
        if form.is_valid():
            try:
                services.answer_save(
                    function=function,
                    question=question,
                    option_id=form.cleaned_data["option"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                    walkthrough=walkthrough,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                if action == "continue":
                    if return_to_review or step == len(walkthrough):
                        return redirect("decisions:function-review", pk=function.pk)
                    return redirect("decisions:function-step", pk=function.pk, step=step + 1)
                return _leave(function, step, action, request.user)
    answers = {
        answer.question_id: answer
        for answer in selectors.own_answers(function, request.user).only(
            "question_id", "option_id", "note"
        )
    }
    if request.method != "POST":
        current = answers.get(question.id)
        initial = {"option": current.option_id or NOT_SURE, "note": current.note} if current else {}
        form = StepForm(initial=initial, question=question)

    answered = sum(1 for q in walkthrough.questions if q.id in answers)
    return render(
        request,
        "decisions/function_step.html",
        {
            "function": function,
            "assessment": function.assessment,
            "question": question,
            "criterion": question.criterion,
            "form": form,
            "step": step,
            "step_count": len(walkthrough),
            "percent": round(100 * answered / len(walkthrough)),
            "answered_count": answered,
            "return_to_review": return_to_review,
            "guest": not selectors.is_member(request.user, function),
            "steps": [
                {"number": q.number, "name": q.criterion.name, "answered": q.id in answers}
                for q in walkthrough.questions
            ],
        },
    )


def _leave(
    function: FunctionAssessment, step: int, action: str, user: object = None
) -> HttpResponse:
    if user is not None and not selectors.is_member(user, function):  # type: ignore[arg-type]
        # A colleague invited to answer sees their functions on the dashboard only.
        if action == "back" and step > 1:
            return redirect("decisions:function-step", pk=function.pk, step=step - 1)
        return redirect("decisions:dashboard")
    if action == "back":
        if step > 1:
            return redirect("decisions:function-step", pk=function.pk, step=step - 1)
        return redirect("decisions:assessment-detail", pk=function.assessment_id)
    return redirect(
        reverse("decisions:assessment-detail", kwargs={"pk": function.assessment_id})
        + f"#function-{function.pk}"
    )


@login_required
@require_safe
def function_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    function = selectors.get_function_to_answer(request.user, pk)
    rows, contradictions = selectors.review_rows(function, questionnaire.current(), request.user)
    complete = all(row.answer is not None for row in rows)
    if request.GET.get("saved"):
        messages.success(request, _("Saved."))
    return render(
        request,
        "decisions/function_review.html",
        {
            "function": function,
            "assessment": function.assessment,
            "rows": rows,
            "contradictions": contradictions,
            "complete": complete,
            "guest": not selectors.is_member(request.user, function),
        },
    )
