"""Forms of deciding together: ask a member, invite by email, settle, accept an invitation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from decisions.forms import NOT_SURE, NOT_SURE_LABEL, mark_invalid_widgets
from decisions.models import FunctionAssessment
from decisions.models.assessments import NOTE_MAX
from decisions.models.group import EMAIL_MAX
from decisions.questionnaire import QuestionDef

CHECKS = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


class _FunctionsForm(forms.Form):
    functions = forms.ModelMultipleChoiceField(
        label=_("Functions to answer"),
        queryset=FunctionAssessment.objects.none(),
        widget=CHECKS,
        error_messages={"required": _("Choose at least one function to answer.")},
    )

    def __init__(self, *args: Any, functions: QuerySet[FunctionAssessment], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["functions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = functions

    def full_clean(self) -> None:
        super().full_clean()
        mark_invalid_widgets(self)


class MemberChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class AskForm(_FunctionsForm):
    member = MemberChoiceField(
        label=_("Member of the organisation"),
        queryset=User.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": _("Choose a member of the organisation.")},
    )
    field_order = ["member", "functions"]

    def __init__(
        self,
        *args: Any,
        members: QuerySet[User],
        functions: QuerySet[FunctionAssessment],
        **kwargs: Any,
    ):
        super().__init__(*args, functions=functions, prefix="ask", **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members


class InviteForm(_FunctionsForm):
    email = forms.EmailField(
        label=_("Colleague's email"),
        max_length=EMAIL_MAX,
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "off"}),
        help_text=_("They get a link that works once and creates their account."),
    )
    field_order = ["email", "functions"]

    def __init__(self, *args: Any, functions: QuerySet[FunctionAssessment], **kwargs: Any):
        super().__init__(*args, functions=functions, prefix="invite", **kwargs)


def _option_value(value: str) -> int | None:
    return None if value == NOT_SURE else int(value)


class SettleForm(forms.Form):
    """The owner's agreed answer to one scored question."""

    option = forms.TypedChoiceField(
        label=_("Agreed answer"),
        coerce=_option_value,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "invalid_choice": _("Choose one of the options offered for this question.")
        },
    )
    note = forms.CharField(
        label=_("Why (note)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args: Any, question: QuestionDef, **kwargs: Any):
        kwargs["prefix"] = f"settle-{question.id}"
        super().__init__(*args, **kwargs)
        self.question = question
        field = self.fields["option"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(o.id, o.label) for o in question.options] + [(NOT_SURE, NOT_SURE_LABEL)]


class AcceptForm(forms.Form):
    username = forms.CharField(
        label=_("Choose a user name"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )

    def full_clean(self) -> None:
        super().full_clean()
        mark_invalid_widgets(self)
