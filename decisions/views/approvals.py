"""Roles, the report page (background renders) and the approval workflow.

Every view fetches through the user's organisations (a foreign id is a 404), then calls
a service in :mod:`decisions.approvals`; a refused step comes back as a message on the
page it came from, never as an error page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from decisions import approvals, selectors
from decisions.models import (
    Assessment,
    AssessmentVersion,
    FrozenReport,
    Membership,
    Organization,
    ReportRender,
    VersionTransition,
)
from decisions.views.common import AuthenticatedHttpRequest

COMMENT_MAX = 2000


class RoleForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Membership.Role.choices)


class SubmitForm(forms.Form):
    approver = forms.TypedChoiceField(
        label=gettext_lazy("Approver"),
        coerce=int,
        choices=(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    include_appendix = forms.BooleanField(
        label=gettext_lazy("Include the appendix (answers and charts) in the report"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: object, approvers: list, **kwargs: object) -> None:  # type: ignore[type-arg]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["approver"]
        field.choices = [  # type: ignore[attr-defined]
            (u.pk, u.get_full_name() or u.get_username()) for u in approvers
        ]


class DecideForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", "approve"), ("return", "return")])
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=gettext_lazy("Required when you return it: say what has to change."),
    )


def _refused(request: AuthenticatedHttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _back(assessment: Assessment) -> HttpResponseRedirect:
    return redirect("decisions:report-detail", pk=assessment.pk)


def _pdf(filename: str, content: bytes | memoryview) -> HttpResponse:
    response = HttpResponse(
        bytes(content),
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(False, filename)},
    )
    # Confidential: never kept by a shared cache or the browser's disk cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- Roles --------------------------------------------------------------------------------


def _owned_organization(request: AuthenticatedHttpRequest, pk: int) -> Organization:
    organization = selectors.get_organization_for_user(request.user, pk)
    if approvals.role_of(request.user, organization) != Membership.Role.OWNER:
        raise Http404("No such organisation.")
    return organization


@login_required
@require_http_methods(["GET", "POST"])
def organization_members(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organization = _owned_organization(request, pk)
    memberships = organization.memberships.select_related("user").order_by(
        "user__first_name", "user__last_name", "user__username"
    )
    if request.method == "POST":
        form = RoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of the roles offered."))
            return redirect("decisions:organization-members", pk=organization.pk)
        membership = memberships.filter(pk=form.cleaned_data["membership"]).first()
        if membership is None:
            raise Http404("No such member.")
        try:
            approvals.membership_role_set(membership=membership, role=form.cleaned_data["role"])
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {
                    "name": membership.user.get_full_name() or membership.user.get_username(),
                    "role": membership.get_role_display().lower(),
                },
            )
        return redirect("decisions:organization-members", pk=organization.pk)
    return render(
        request,
        "decisions/organization_members.html",
        {
            "organization": organization,
            "memberships": memberships,
            "roles": Membership.Role.choices,
        },
    )


# --- The report page ----------------------------------------------------------------------


@login_required
@require_safe
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.get_assessment_for_user(request.user, pk)
    report = approvals.current_report(assessment)
    choices = [
        (False, _("Report"), report.renders[False]),
        (True, _("Report with the appendix"), report.renders[True]),
    ]
    in_flight = any(
        r is not None and r.state in ReportRender.IN_FLIGHT and not approvals.is_stale(r)
        for _appendix, _label, r in choices
    )
    context = {
        "assessment": assessment,
        "report": report,
        "choices": choices,
        "in_flight": in_flight,
        "stale_ids": {r.pk for _a, _l, r in choices if r is not None and approvals.is_stale(r)},
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "decisions/includes/report_status.html", context)
    organization = assessment.organization
    role = approvals.role_of(request.user, organization)
    version = report.state.version
    approver_list = [u for u in approvals.approvers(organization) if u.pk != request.user.pk]
    is_author = assessment.owner_id == request.user.pk
    can_submit = is_author and not (version and version.state in ("submitted", "approved"))
    can_decide = (
        version is not None
        and version.state == AssessmentVersion.State.SUBMITTED
        and role == Membership.Role.APPROVER
        and version.submitted_by_id != request.user.pk
    )
    versions = list(
        AssessmentVersion.objects.filter(assessment=assessment)
        .select_related("submitted_by", "submitted_to", "decided_by")
        .order_by("-number")
    )
    frozen = {
        f.version_id: f
        for f in FrozenReport.objects.filter(version__assessment=assessment).defer("content")
    }
    history = (
        VersionTransition.objects.filter(version__assessment=assessment)
        .select_related("version", "actor")
        .order_by("-at", "-pk")
    )
    context.update(
        {
            "organization": organization,
            "role": role,
            "version": version,
            "can_submit": can_submit,
            "submit_form": SubmitForm(approvers=approver_list) if can_submit else None,
            "no_approvers": not approver_list,
            "can_decide": can_decide,
            "decide_form": DecideForm() if can_decide else None,
            "approved": [(v, frozen.get(v.pk)) for v in versions if v.state == "approved"],
            "history": history,
        }
    )
    return render(request, "decisions/report_detail.html", context)


def _assessment_for_post(request: AuthenticatedHttpRequest, pk: int) -> Assessment:
    return selectors.get_assessment_for_user(request.user, pk)


@login_required
@require_POST
def report_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_for_post(request, pk)
    include_appendix = request.POST.get("include_appendix") == "1"
    try:
        approvals.report_request(
            assessment=assessment, user=request.user, include_appendix=include_appendix
        )
    except ValidationError as error:
        _refused(request, error)
    return _back(assessment)


def _render_for(request: AuthenticatedHttpRequest, pk: int, render_id: int) -> ReportRender:
    assessment = selectors.get_assessment_for_user(request.user, pk)
    found = ReportRender.objects.filter(assessment=assessment, pk=render_id)
    render_row = found.defer("content").first()
    if render_row is None:
        raise Http404("No such report.")
    return render_row


@login_required
@require_POST
def report_retry(request: AuthenticatedHttpRequest, pk: int, render_id: int) -> HttpResponse:
    render_row = _render_for(request, pk, render_id)
    try:
        approvals.report_retry(render=render_row, user=request.user)
    except ValidationError as error:
        _refused(request, error)
    return _back(render_row.assessment)


@login_required
@require_safe
def report_download(request: AuthenticatedHttpRequest, pk: int, render_id: int) -> HttpResponse:
    """A rendered report's bytes: two queries, no rendering (HEAD included)."""
    assessment = selectors.get_assessment_for_user(request.user, pk)
    render_row = ReportRender.objects.filter(assessment=assessment, pk=render_id).first()
    if render_row is None:
        raise Http404("No such report.")
    if render_row.state != ReportRender.State.READY or render_row.content is None:
        messages.info(request, _("That report is not ready yet."))
        return _back(assessment)
    return _pdf(render_row.filename, render_row.content)


# --- Approval -----------------------------------------------------------------------------


@login_required
@require_POST
def approval_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_for_post(request, pk)
    try:
        version = approvals.version_submit(
            assessment=assessment,
            user=request.user,
            approver_id=request.POST.get("approver", ""),
            include_appendix=request.POST.get("include_appendix") in ("1", "on"),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("Version %(number)d is submitted for approval.") % {"number": version.number},
        )
    return _back(assessment)


def _version_for(request: AuthenticatedHttpRequest, pk: int, version_id: int) -> AssessmentVersion:
    assessment = selectors.get_assessment_for_user(request.user, pk)
    version = (
        AssessmentVersion.objects.filter(assessment=assessment, pk=version_id)
        .select_related("assessment__organization")
        .first()
    )
    if version is None:
        raise Http404("No such version.")
    return version


@login_required
@require_POST
def version_decide(request: AuthenticatedHttpRequest, pk: int, version_id: int) -> HttpResponse:
    version = _version_for(request, pk, version_id)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to return it, with a short comment."))
        return _back(version.assessment)
    action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
    try:
        if action == "approve":
            approvals.version_approve(version=version, user=request.user, comment=comment)
            messages.success(
                request,
                _("Version %(number)d is approved: its report is frozen.")
                % {"number": version.number},
            )
        else:
            approvals.version_return(version=version, user=request.user, comment=comment)
            messages.success(
                request,
                _("Version %(number)d is returned to its author.") % {"number": version.number},
            )
    except ValidationError as error:
        _refused(request, error)
    return _back(version.assessment)


@login_required
@require_POST
def version_freeze(request: AuthenticatedHttpRequest, pk: int, version_id: int) -> HttpResponse:
    version = _version_for(request, pk, version_id)
    try:
        approvals.freeze_retry(version=version)
    except ValidationError as error:
        _refused(request, error)
    return _back(version.assessment)


@login_required
@require_safe
def version_report(request: AuthenticatedHttpRequest, pk: int, version_id: int) -> HttpResponse:
    """The frozen PDF of an approved version, byte for byte."""
    version = _version_for(request, pk, version_id)
    frozen = FrozenReport.objects.filter(version=version).first()
    if frozen is None:
        raise Http404("No frozen report.")
    return _pdf(frozen.filename, frozen.content)
