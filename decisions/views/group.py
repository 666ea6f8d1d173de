"""Deciding together: who answers (ask, invite), settling a criterion, using an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from decisions import questionnaire, respondents, selectors
from decisions.forms import NOT_SURE, add_service_error
from decisions.group import person_name
from decisions.group_forms import AcceptForm, AskForm, InviteForm, SettleForm
from decisions.models import Assessment, FunctionAssessment, Invitation, Respondent
from decisions.presentation import FunctionView
from decisions.views.common import AuthenticatedHttpRequest

SIGNED_IN_AS_OTHER = _("You are signed in as someone else: sign out first to use this invitation.")


def _forms(assessment: Assessment, data: object = None) -> tuple[AskForm, InviteForm]:
    functions = assessment.functions.defer("result", "snapshot", "previous").order_by("order", "pk")
    members = (
        User.objects.filter(memberships__organization=assessment.organization)
        .exclude(pk=assessment.owner_id or 0)
        .order_by("username")
    )
    ask_data = data if data is not None and "ask-member" in data else None  # type: ignore[operator]
    invite_data = data if data is not None and "invite-email" in data else None  # type: ignore[operator]
    return (
        AskForm(ask_data, members=members, functions=functions),
        InviteForm(invite_data, functions=functions),
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_respondents(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Who answers which function: the owner asks members and invites colleagues by link."""
    assessment = selectors.get_assessment_for_user(request.user, pk)
    owner = respondents.is_owner(assessment, request.user)
    ask, invite = _forms(assessment, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        form = ask if ask.is_bound else invite if invite.is_bound else None
        if form is None or not owner:
            messages.error(
                request, str(respondents.OWNER_ONLY if not owner else _("Nothing to send."))
            )
            return redirect("decisions:assessment-respondents", pk=assessment.pk)
        if form.is_valid():
            try:
                if form is ask:
                    respondents.respondents_ask(
                        assessment=assessment,
                        functions=list(form.cleaned_data["functions"]),
                        member=form.cleaned_data["member"],
                        asked_by=request.user,
                        link=request.build_absolute_uri(reverse("decisions:dashboard")),
                    )
                    messages.success(
                        request, _("Asked. They see the functions on their dashboard.")
                    )
                else:
                    respondents.invitation_create(
                        assessment=assessment,
                        functions=list(form.cleaned_data["functions"]),
                        email=form.cleaned_data["email"],
                        created_by=request.user,
                        link_for=lambda token: request.build_absolute_uri(
                            reverse("decisions:invitation-accept", kwargs={"token": token})
                        ),
                    )
                    messages.success(request, _("Invitation sent. The link works once."))
            except ValidationError as error:
                add_service_error(form, error)
            else:
                return redirect("decisions:assessment-respondents", pk=assessment.pk)
    functions = selectors.assessment_functions(assessment)
    by_function = selectors.assessment_respondents(assessment)
    return render(
        request,
        "decisions/assessment_respondents.html",
        {
            "assessment": assessment,
            "is_owner": owner,
            "rows": [(f, by_function.get(f.pk, [])) for f in functions],
            "ask_form": ask,
            "invite_form": invite,
            "invitations": Invitation.objects.filter(assessment=assessment).order_by("-created_at")[
                :20
            ],
        },
    )


@login_required
@require_POST
def function_settle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The owner settles (or takes back) one criterion; the result is recomputed."""
    function = selectors.get_function_for_user(request.user, pk)
    target = reverse("decisions:function-result", kwargs={"pk": function.pk}) + "#together"
    try:
        question_id = int(request.POST.get("question", ""))
    except ValueError:
        question_id = 0
    question = questionnaire.current().by_id.get(question_id)
    if question is None:
        messages.error(request, _("This question no longer exists: reload the page."))
        return redirect(target)
    try:
        if request.POST.get("action") == "unsettle":
            respondents.criterion_unsettle(
                function=function, question_id=question.id, user=request.user
            )
            messages.success(request, _("Settlement taken back: the answers count again."))
            return redirect(target)
        form = SettleForm(request.POST, question=question)
        if not form.is_valid():
            messages.error(
                request, " ".join(str(e) for errors in form.errors.values() for e in errors)
            )
            return redirect(target)
        respondents.criterion_settle(
            function=function,
            question=question,
            option_id=form.cleaned_data["option"],
            note=form.cleaned_data["note"],
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Settled %(criterion)s: the recommendation is recomputed.")
            % {"criterion": question.criterion.name},
        )
    return redirect(target)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """A colleague without an account uses their invitation link once."""
    invitation = respondents.invitation_open(token)
    if request.user.is_authenticated:
        if invitation is None and _just_used_by(token, request.user):
            return redirect("decisions:dashboard")
        return render(
            request,
            "decisions/invitation_accept.html",
            {"problem": SIGNED_IN_AS_OTHER},
            status=403,
        )
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = respondents.invitation_accept(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            # A double click: the first submit created this very account.
            again = authenticate(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
            if again is not None and _just_used_by(token, again):
                login(request, again)
                return redirect("decisions:dashboard")
            if invitation is None:
                return render(
                    request,
                    "decisions/invitation_accept.html",
                    {"problem": respondents.INVITATION_INVALID},
                    status=404,
                )
            add_service_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome. Here are the functions you were asked to answer.")
            )
            return redirect("decisions:dashboard")
    if invitation is None:
        return render(
            request,
            "decisions/invitation_accept.html",
            {"problem": respondents.INVITATION_INVALID},
            status=404,
        )
    return render(
        request,
        "decisions/invitation_accept.html",
        {"invitation": invitation, "form": form, "functions": invitation.functions.all()},
    )


def _just_used_by(token: str, user: object) -> bool:
    return Invitation.objects.filter(
        token_hash=respondents.token_hash(token), used_by_id=getattr(user, "pk", None)
    ).exists()


def group_context(
    function: FunctionAssessment,
    view: FunctionView,
    walkthrough: questionnaire.Questionnaire,
    user: object,
) -> dict[str, object]:
    """What the result page shows of deciding together (the rest is ``view.group``)."""
    owner = respondents.is_owner(function.assessment, user)
    people = [
        (person_name(r.user), r.submitted)
        for r in Respondent.objects.filter(function=function).select_related("user")
    ]
    rows: list[tuple[object, SettleForm | None]] = []
    group = view.group
    if group is not None:
        for row in group.criteria:
            question = walkthrough.by_id.get(row.question_id or 0)
            form = None
            if owner and question is not None and question.criterion.is_scored:
                initial = {}
                if row.settled is not None:
                    option = next(
                        (o for o in question.options if o.code == row.settled.option_code), None
                    )
                    initial = {
                        "option": option.id if option else NOT_SURE,
                        "note": row.settled.note,
                    }
                form = SettleForm(initial=initial, question=question)
            rows.append((row, form))
    return {
        "together": group,
        "together_rows": rows,
        "together_people": people if len(people) > 1 else [],
        "is_owner": owner,
    }
