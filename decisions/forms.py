"""Forms: plain validation, rendered with crispy-forms (Bootstrap 5)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from decisions.models import Activity, Organization, SourcingModel
from decisions.models.assessments import NAME_MAX, NOTE_MAX, REASON_MAX
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
