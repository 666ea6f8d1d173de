"""The business case, the risk register and the organisation's settings for them.

Both steps are optional and come after the questionnaire: the result page and the
overview link to them, and either can be skipped or edited later.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from decisions import approvals, selectors, services
from decisions.forms import (
    BaselineForm,
    OrganizationSettingsForm,
    PriceForm,
    RiskForm,
    add_prefixed_errors,
    add_service_error,
)
from decisions.models import FunctionAssessment, SourcingModel
from decisions.presentation import FunctionView
from decisions.views.common import AuthenticatedHttpRequest


def _result_anchor(function: FunctionAssessment, anchor: str) -> HttpResponse:
    return redirect(reverse("decisions:function-result", kwargs={"pk": function.pk}) + anchor)


def _function_with_result(
    request: AuthenticatedHttpRequest, pk: int
) -> tuple[FunctionAssessment, FunctionView | None]:
    """The member's function and its view; the view is None while it has no result."""
    function = selectors.get_function_for_user(request.user, pk, with_result=True)
    view = FunctionView(function)
    if not view.has_result:
        messages.info(request, _("Answer every question first: the recommendation comes first."))
        return function, None
    return function, view


@login_required
@require_http_methods(["GET", "POST"])
def organization_settings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organization = selectors.get_organization_for_user(request.user, pk)
    form = OrganizationSettingsForm(
        request.POST or None,
        initial={
            "currency": organization.currency,
            "discount_rate_percent": organization.discount_rate_percent,
            "contract_term_months": organization.contract_term_months,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_settings_save(
                organization=organization, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Organisation settings saved."))
            return redirect("decisions:organization-settings", pk=organization.pk)
    return render(
        request,
        "decisions/organization_settings.html",
        {
            "organization": organization,
            "form": form,
            "is_owner": approvals.role_of(request.user, organization) == "owner",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def function_business_case(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    function, view = _function_with_result(request, pk)
    if view is None:
        return redirect("decisions:function-start", pk=function.pk)
    organization = function.assessment.organization
    case = getattr(function, "business_case", None)
    initial = {}
    if case is not None:
        initial = {
            "annual_cost": case.annual_cost,
            "ftes": case.ftes,
            "cost_per_fte": case.cost_per_fte,
            "yearly_volume": case.yearly_volume,
        }
    form = BaselineForm(request.POST or None, initial=initial, currency=organization.currency)
    if request.method == "POST" and form.is_valid():
        try:
            services.business_case_save(function=function, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Business case saved."))
            return _result_anchor(function, "#business-case")
    return render(
        request,
        "decisions/function_business_case.html",
        {
            "function": function,
            "assessment": function.assessment,
            "organization": organization,
            "view": view,
            "form": form,
        },
    )


@login_required
@require_POST
def function_business_case_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    function = selectors.get_function_for_user(request.user, pk)
    services.business_case_delete(function=function)
    messages.success(request, _("Business case removed."))
    return _result_anchor(function, "#business-case")


def _plain(value: object) -> object:
    """A stored Decimal without its trailing zeros ("0.85", not "0.850000")."""
    return format(value.normalize(), "f") if isinstance(value, Decimal) else value


def _priced_model(slug: str) -> SourcingModel:
    model = SourcingModel.objects.filter(slug=slug, is_outsourced=True).first()
    if model is None:
        raise Http404("No such outsourced model.")
    return model


@login_required
@require_http_methods(["GET", "POST"])
def function_price(request: AuthenticatedHttpRequest, pk: int, model: str) -> HttpResponse:
    function, view = _function_with_result(request, pk)
    if view is None:
        return redirect("decisions:function-start", pk=function.pk)
    sourcing_model = _priced_model(model)
    if view.business_case is None:
        messages.info(request, _("Enter today's cost first: a price is compared with it."))
        return redirect("decisions:function-business-case", pk=function.pk)
    current = next((e for e in view.business_case.estimates if e.slug == sourcing_model.slug), None)
    override = view.business_case.overrides.get(sourcing_model.slug)
    initial: dict[str, object] = {"kind": "override"}
    entry = current.pricing if current is not None else None
    if entry is not None:
        initial |= {name: _plain(getattr(entry, name)) for name in services.PRICE_FIELDS}
        initial["note"] = "" if override is None else override.note
    if override is not None:
        initial |= {"kind": override.kind, "provider": override.provider}
    form = PriceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.price_save(
                function=function,
                model=sourcing_model,
                user=request.user,
                price=services.PriceInput(**form.cleaned_data),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("Price for %(model)s saved.") % {"model": sourcing_model.abbreviation}
            )
            return redirect("decisions:function-business-case", pk=function.pk)
    return render(
        request,
        "decisions/function_price.html",
        {
            "function": function,
            "assessment": function.assessment,
            "view": view,
            "model": sourcing_model,
            "current": current,
            "override": override,
            "form": form,
        },
    )


@login_required
@require_POST
def function_price_delete(request: AuthenticatedHttpRequest, pk: int, model: str) -> HttpResponse:
    function = selectors.get_function_for_user(request.user, pk)
    sourcing_model = _priced_model(model)
    services.price_delete(function=function, model=sourcing_model)
    messages.success(
        request,
        _("Your price for %(model)s is removed: the assumption applies again.")
        % {"model": sourcing_model.abbreviation},
    )
    return redirect("decisions:function-business-case", pk=function.pk)


@login_required
@require_http_methods(["GET", "POST"])
def function_risks(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    function, view = _function_with_result(request, pk)
    if view is None:
        return redirect("decisions:function-start", pk=function.pk)
    catalogue = selectors.risk_catalogue()
    model = view.recommended.slug
    existing = {r.risk_type_id: r for r in function.risk_ratings.all()}
    forms = {}
    for risk_type in catalogue.types:
        rating = existing.get(risk_type.pk)
        initial = {}
        if rating is not None:
            initial = {
                "likelihood": rating.likelihood,
                "impact": rating.impact,
                "owner": rating.owner,
                "mitigation": rating.mitigation,
            }
        forms[risk_type.slug] = RiskForm(
            request.POST or None,
            initial=initial,
            risk_type=risk_type,
            default_mitigation=catalogue.mitigation(risk_type.pk, model),
        )
    if request.method == "POST" and all(form.is_valid() for form in forms.values()):
        try:
            services.risks_save(
                function=function,
                user=request.user,
                ratings=[
                    services.RatingInput(risk_type=form.risk_type, **form.cleaned_data)
                    for form in forms.values()
                ],
            )
        except ValidationError as error:
            add_prefixed_errors(dict(forms), error)
        else:
            messages.success(request, _("Risk register saved."))
            return _result_anchor(function, "#risks")
    return render(
        request,
        "decisions/function_risks.html",
        {
            "function": function,
            "assessment": function.assessment,
            "view": view,
            "forms": list(forms.values()),
            "has_errors": any(form.errors for form in forms.values()),
        },
    )
