"""Forms: plain validation, rendered with crispy-forms (Bootstrap 5)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from decisions import services
from decisions.formatting import currency_choices
from decisions.models import (
    Activity,
    Organization,
    PriceOverride,
    PricingBasis,
    RiskType,
    SourcingModel,
)
from decisions.models.assessments import (
    MITIGATION_MAX,
    NAME_MAX,
    NOTE_MAX,
    OWNER_MAX,
    REASON_MAX,
)
from decisions.questionnaire import OptionDef, QuestionDef

CUSTOM_FUNCTION_ROWS = 3


# The largest id a database integer column holds (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class ActivityChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        # Django checks that each id is a number, not that it fits a column: on
        # SQLite an id past 64 bits makes the IN query raise OverflowError (a 500).
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                out_of_range = abs(int(str(pk).strip())) > MAX_ID
            except ValueError:
                continue  # not a number: Django reports it as an invalid choice
            if out_of_range:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super().clean(value)


class AssessmentCreateForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), empty_label=None
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=NAME_MAX,
        help_text=_("For example: “2027 sourcing review — operations”."),
    )
    activities = ActivityChoiceField(
        label=_("Business functions from the catalogue"),
        queryset=Activity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    request_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("request_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["activities"].queryset = Activity.objects.select_related(  # type: ignore[attr-defined]
            "typical_model", "office"
        ).order_by("typical_model__order", "order", "name")

    def activity_groups(self) -> list[tuple[SourcingModel, list[Any]]]:
        """The activity checkboxes grouped by the model they typically go to."""
        groups: dict[int, tuple[SourcingModel, list[Any]]] = {}
        field = self["activities"]
        activities = {str(a.pk): a for a in self.fields["activities"].queryset}  # type: ignore[attr-defined]
        for checkbox in field:
            activity = activities[str(checkbox.data["value"])]
            groups.setdefault(activity.typical_model_id, (activity.typical_model, []))[1].append(
                (checkbox, activity)
            )
        return list(groups.values())


def check_function_list(
    form: AssessmentCreateForm,
    formset: forms.BaseFormSet,  # type: ignore[type-arg]
    imported: list[str] | None = None,
) -> None:
    """Report a problem with the list of functions (none, a duplicate) on the form now, with
    the form's other errors, rather than only once everything else is valid."""
    form.is_valid()  # validates both: each shows its own errors too
    formset.is_valid()
    if "activities" not in getattr(form, "cleaned_data", {}):
        return  # nothing posted, or the activities are wrong already: their error says so
    custom = [
        (row.cleaned_data.get("name") or "", row.cleaned_data.get("activity"))
        for row in formset.forms
        if row.is_valid()
    ] + [(name, None) for name in imported or []]
    error = services.function_list_error(
        services.function_names(list(form.cleaned_data["activities"]), custom)
    )
    if error is not None:
        form.add_error("activities", error)


class CustomFunctionForm(forms.Form):
    name = forms.CharField(label=_("Function name"), max_length=NAME_MAX, required=False)
    activity = forms.ModelChoiceField(
        label=_("Closest catalogue activity"),
        queryset=Activity.objects.order_by("name"),
        required=False,
        empty_label=_("— none —"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("activity") and not (data.get("name") or "").strip():
            self.add_error("name", _("Give the function a name, or clear the activity."))
        return data


class BaseCustomFunctionFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if index is not None:
            # Distinct labels, so each input is found by its label alone.
            number = index + 1
            form.fields["name"].label = _("Function %(n)d: name") % {"n": number}
            form.fields["activity"].label = _("Function %(n)d: closest catalogue activity") % {
                "n": number
            }


CustomFunctionFormSet = forms.formset_factory(
    CustomFunctionForm,
    formset=BaseCustomFunctionFormSet,
    extra=CUSTOM_FUNCTION_ROWS,
    max_num=20,
    absolute_max=20,  # a tampered TOTAL_FORMS cannot make us build 1000 forms
    validate_max=True,
)


class StepForm(forms.Form):
    """One questionnaire step: an option of this question, and an optional note."""

    option = forms.TypedChoiceField(
        label=_("Your answer"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the answer that fits this function best."),
            "invalid_choice": _("Choose one of the options offered for this question."),
        },
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Anything the reader of the report should know about this answer."),
    )

    def __init__(self, *args: Any, question: QuestionDef, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.question = question
        field = self.fields["option"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(option.id, option.label) for option in question.options]
        field.label = question.text

    def options(self) -> list[tuple[OptionDef, bool]]:
        """Each option of the question and whether it is the chosen one."""
        chosen = str(self["option"].value() or "")
        return [(option, str(option.id) == chosen) for option in self.question.options]


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors beside their field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for each in errors:
                form.add_error(field if field in form.fields else None, each)
    else:
        form.add_error(None, error)
    mark_invalid_widgets(form)


def mark_invalid_widgets(form: forms.Form) -> None:
    """Give each invalid field's widget Bootstrap's ``is-invalid`` (Django adds aria-invalid)."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            classes = widget.attrs.get("class", "").split()
            if "is-invalid" not in classes:
                widget.attrs["class"] = " ".join([*classes, "is-invalid"])


class DecisionForm(forms.Form):
    final_model = forms.ModelChoiceField(
        label=_("Final decision"),
        queryset=SourcingModel.objects.order_by("order", "slug"),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Required when the decision differs from the recommendation."),
    )

    def full_clean(self) -> None:
        super().full_clean()
        mark_invalid_widgets(self)


# --- Organisation settings, the business case and the risk register ---------------------------


def _money_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    # No max_digits: a figure past the arithmetic's limits gets its own clear message.
    return forms.DecimalField(
        label=label, required=False, decimal_places=2, localize=False, **kwargs
    )


class OrganizationSettingsForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency"), choices=())
    discount_rate_percent = forms.DecimalField(
        label=_("Discount rate (% a year)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        help_text=_("What money is worth to the organisation a year; 8 means 8 %."),
    )
    contract_term_months = forms.IntegerField(
        label=_("Default contract term (months)"),
        min_value=1,
        max_value=360,
        help_text=_("Net values are counted over this term; 60 months is five years."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["currency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = currency_choices(translation.to_locale(translation.get_language() or "en"))
        field.widget.attrs["class"] = "form-select"
        for name in ("discount_rate_percent", "contract_term_months"):
            self.fields[name].widget.attrs["class"] = "form-control"

    def full_clean(self) -> None:
        super().full_clean()
        mark_invalid_widgets(self)


class BaselineForm(forms.Form):
    """Today's in-house cost: an annual total, or FTEs x a fully loaded cost per FTE."""

    currency = forms.CharField(widget=forms.HiddenInput, max_length=3)
    annual_cost = _money_field(_("Today's annual cost"))
    ftes = forms.DecimalField(
        label=_("FTEs doing the work today"),
        required=False,
        decimal_places=2,
        localize=False,
        help_text=_("Full-time equivalents; needed for prices per FTE."),
    )
    cost_per_fte = _money_field(
        _("Fully loaded cost per FTE a year"),
        help_text=_(
            "Salary, benefits, space, equipment and management: leave the annual cost empty."
        ),
    )
    yearly_volume = forms.IntegerField(
        label=_("Transactions a year (optional)"),
        required=False,
        help_text=_("Invoices, tickets, payslips…: needed for prices per transaction."),
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("currency", currency)
        super().__init__(*args, **kwargs)
        for name in ("annual_cost", "cost_per_fte"):
            field = self.fields[name]
            field.label = f"{field.label} ({currency})"
        for name in ("annual_cost", "ftes", "cost_per_fte", "yearly_volume"):
            self.fields[name].widget.attrs.update({"class": "form-control", "inputmode": "decimal"})

    def full_clean(self) -> None:
        super().full_clean()
        mark_invalid_widgets(self)


PRICE_LABELS = {
    "basis": _("Price basis"),
    "low": _("Low price"),
    "expected": _("Expected price"),
    "high": _("High price"),
}


class PriceForm(forms.Form):
    """One model's price for one function: the manager's own assumption or a provider's quote."""

    kind = forms.ChoiceField(
        label=_("What this price is"), choices=PriceOverride.Kind.choices, widget=forms.RadioSelect
    )
    provider = forms.CharField(
        label=_("Provider (for a quote)"), max_length=NAME_MAX, required=False
    )
    basis = forms.ChoiceField(label=PRICE_LABELS["basis"], choices=PricingBasis.choices)
    expected = forms.DecimalField(label=PRICE_LABELS["expected"], decimal_places=6, localize=False)
    low = forms.DecimalField(
        label=PRICE_LABELS["low"],
        required=False,
        decimal_places=6,
        localize=False,
        help_text=_("Leave low and high empty for a single price, such as a quote."),
    )
    high = forms.DecimalField(
        label=PRICE_LABELS["high"], required=False, decimal_places=6, localize=False
    )
    currency = forms.ChoiceField(
        label=_("Currency of the amounts"),
        required=False,
        help_text=_("Needed when the price or a cost is money rather than a share."),
    )
    transition_basis = forms.ChoiceField(
        label=_("Transition cost basis"), choices=PricingBasis.choices
    )
    transition_value = forms.DecimalField(
        label=_("One-off transition cost"), decimal_places=6, localize=False, initial=0
    )
    governance_basis = forms.ChoiceField(
        label=_("Governance overhead basis"), choices=PricingBasis.choices
    )
    governance_value = forms.DecimalField(
        label=_("Governance overhead a year"),
        decimal_places=6,
        localize=False,
        initial=0,
        help_text=_("The people you keep to manage the provider."),
    )
    note = forms.CharField(
        label=_("Where the figures come from"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["currency"]
        assert isinstance(field, forms.ChoiceField)
        locale = translation.to_locale(translation.get_language() or "en")
        field.choices = [("", _("— none: shares only —")), *currency_choices(locale)]
        self.fields["kind"].widget.attrs["class"] = "form-check-input"
        for each in self.fields.values():
            if isinstance(each.widget, forms.Select):
                each.widget.attrs["class"] = "form-select"
            elif not isinstance(each.widget, forms.RadioSelect):
                each.widget.attrs["class"] = "form-control"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("kind") == PriceOverride.Kind.QUOTE
            and not (data.get("provider") or "").strip()
        ):
            self.add_error("provider", _("Name the provider that quoted this price."))
        expected = data.get("expected")
        self.copied = {name for name in ("low", "high") if data.get(name) is None}
        for name in self.copied:
            data[name] = expected
        return data

    def add_service_error(self, error: ValidationError) -> None:
        """A service's errors beside their fields; about a low or high price copied from the
        expected one, beside the expected price (the one the manager typed)."""
        if hasattr(error, "error_dict"):
            for name in getattr(self, "copied", set()) & set(error.error_dict):
                error.error_dict.setdefault("expected", []).extend(error.error_dict.pop(name))
        add_service_error(self, error)

    def full_clean(self) -> None:
        super().full_clean()
        mark_invalid_widgets(self)


LIKELIHOOD_CHOICES = [
    ("", _("— not rated —")),
    (1, _("1 · rare")),
    (2, _("2 · unlikely")),
    (3, _("3 · possible")),
    (4, _("4 · likely")),
    (5, _("5 · almost certain")),
]
IMPACT_CHOICES = [
    ("", _("— not rated —")),
    (1, _("1 · negligible")),
    (2, _("2 · minor")),
    (3, _("3 · moderate")),
    (4, _("4 · major")),
    (5, _("5 · severe")),
]


class RiskForm(forms.Form):
    """One risk type's rating for a function (prefixed with the risk type's slug)."""

    # The page adds the risk's name to each label for screen readers (each input is found
    # by its label alone); the fieldset's legend shows it to everyone.
    likelihood = forms.TypedChoiceField(
        label=_("Likelihood"),
        choices=LIKELIHOOD_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    impact = forms.TypedChoiceField(
        label=_("Impact"), choices=IMPACT_CHOICES, coerce=int, empty_value=None, required=False
    )
    owner = forms.CharField(label=_("Owner"), max_length=OWNER_MAX, required=False)
    mitigation = forms.CharField(
        label=_("Mitigation"),
        max_length=MITIGATION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, risk_type: RiskType, default_mitigation: str, **kwargs: Any):
        kwargs["prefix"] = risk_type.slug
        super().__init__(*args, **kwargs)
        self.risk_type = risk_type
        self.default_mitigation = default_mitigation
        if default_mitigation:
            self.fields["mitigation"].help_text = _("Usual mitigation: %(text)s") % {
                "text": default_mitigation
            }
        for each in ("likelihood", "impact"):
            self.fields[each].widget.attrs["class"] = "form-select"
        for each in ("owner", "mitigation"):
            self.fields[each].widget.attrs["class"] = "form-control"

    def full_clean(self) -> None:
        super().full_clean()
        mark_invalid_widgets(self)


def add_prefixed_errors(forms_by_prefix: dict[str, forms.Form], error: ValidationError) -> None:
    """Show a service's errors keyed ``<prefix>-<field>`` beside the field of that form."""
    if not hasattr(error, "error_dict"):
        first = next(iter(forms_by_prefix.values()), None)
        if first is not None:
            first.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        prefix, _sep, field = key.rpartition("-")
        form = forms_by_prefix.get(prefix)
        if form is None:
            continue
        for each in errors:
            form.add_error(field if field in form.fields else None, each)
        mark_invalid_widgets(form)
