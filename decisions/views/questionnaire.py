"""The questionnaire: one step per criterion, saved at every step, and the review."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from decisions import questionnaire, selectors, services, step_drafts
from decisions.forms import StepForm, add_service_error
from decisions.models import FunctionAssessment
from decisions.views.common import AuthenticatedHttpRequest

ACTIONS = {"back", "continue", "exit"}
QUESTION_ANCHOR = "#question"  # the step page scrolls (and app.js moves focus) to the question


@login_required
@require_safe
def function_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Resume: go to the first unanswered step, or the review when all are answered."""
    function = selectors.get_function_for_user(request.user, pk)
    answered = selectors.answered_question_ids(function)
    for question in questionnaire.current().questions:
        if question.id not in answered:
            return redirect("decisions:function-step", pk=function.pk, step=question.number)
    return redirect("decisions:function-review", pk=function.pk)


def _keeping_expired_submissions(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """A step posted after the session expired: keep the answer and ask to sign in again."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method == "POST" and not request.user.is_authenticated:
            step_drafts.keep_expired_post(
                request.session,
                path=request.path,
                option=str(request.POST.get("option", "")),
                note=str(request.POST.get("note", "")),
            )
            messages.warning(
                request,
                _(
                    "Your session expired, so your answer was not saved yet. Sign in again: "
                    "you will return to the question with your answer filled in, ready to save."
                ),
            )
            return redirect_to_login(request.path)
        return view(request, *args, **kwargs)

    return wrapper


@_keeping_expired_submissions
@login_required
@require_http_methods(["GET", "POST"])
def function_step(request: AuthenticatedHttpRequest, pk: int, step: int) -> HttpResponse:
    function = selectors.get_function_for_user(request.user, pk)
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
            # Back or exit without choosing anything: no answer to save, but a note typed
            # is kept until an answer is (never dropped silently).
            note = str(request.POST.get("note", "")).strip()
            if note:
                step_drafts.keep_note(
                    request.session, function_id=function.pk, question_id=question.id, note=note
                )
                messages.info(
                    request,
                    _(
                        "Your note on “%(question)s” is kept, but no answer is saved yet: "
                        "choose one when you return."
                    )
                    % {"question": question.criterion.name},
                )
            return _leave(function, step, action)
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
                step_drafts.drop_note(
                    request.session, function_id=function.pk, question_id=question.id
                )
                if action == "continue":
                    if return_to_review or step == len(walkthrough):
                        return redirect("decisions:function-review", pk=function.pk)
                    return redirect(_step_url(function, step + 1))
                if action == "exit":
                    messages.success(
                        request,
                        _("Saved. Resume “%(function)s” from here or from the dashboard.")
                        % {"function": function.name},
                    )
                return _leave(function, step, action)
    answers = {
        answer.question_id: answer
        for answer in function.answers.only("question_id", "option_id", "note")
    }
    restored = False
    if request.method != "POST":
        current = answers.get(question.id)
        initial: dict[str, object] = (
            {"option": current.option_id, "note": current.note} if current else {}
        )
        draft = step_drafts.kept_note(
            request.session, function_id=function.pk, question_id=question.id
        )
        if draft is not None:
            initial["note"] = draft
        expired = step_drafts.take_expired_post(
            request.session, path=request.path, user=request.user
        )
        restored = expired is not None
        if expired is not None:
            if expired.option.isdigit() and question.option(int(expired.option)) is not None:
                initial["option"] = int(expired.option)
            initial["note"] = expired.note
            messages.info(
                request,
                _("This is the answer you submitted before your session expired: save it now."),
            )
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
            # An answer restored after a session expiry is not saved yet: warn before leaving.
            "restored": restored,
            "steps": [
                {"number": q.number, "name": q.criterion.name, "answered": q.id in answers}
                for q in walkthrough.questions
            ],
        },
    )


def _step_url(function: FunctionAssessment, step: int) -> str:
    return (
        reverse("decisions:function-step", kwargs={"pk": function.pk, "step": step})
        + QUESTION_ANCHOR
    )


def _leave(function: FunctionAssessment, step: int, action: str) -> HttpResponse:
    if action == "back":
        if step > 1:
            return redirect(_step_url(function, step - 1))
        return redirect("decisions:assessment-detail", pk=function.assessment_id)
    return redirect(
        reverse("decisions:assessment-detail", kwargs={"pk": function.assessment_id})
        + f"#function-{function.pk}"
    )


@login_required
@require_safe
def function_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    function = selectors.get_function_for_user(request.user, pk)
    rows, contradictions = selectors.review_rows(function, questionnaire.current())
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
        },
    )
