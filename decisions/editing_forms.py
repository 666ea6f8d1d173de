"""Forms of the pages that reshape an assessment (rename, add or import functions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from decisions.models import Activity
from decisions.models.assessments import NAME_MAX


class _BootstrapForm(forms.Form):
    """Bootstrap's classes on every widget, and ``is-invalid`` on the fields with errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class AssessmentRenameForm(_BootstrapForm):
    title = forms.CharField(label=_("Title"), max_length=NAME_MAX)


class FunctionAddForm(_BootstrapForm):
    name = forms.CharField(
        label=_("Function name"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("Leave empty to use the catalogue activity's name."),
    )
    activity = forms.ModelChoiceField(
        label=_("Catalogue activity"),
        queryset=Activity.objects.order_by("name"),
        required=False,
        empty_label=_("— none —"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("name") or "").strip() and not data.get("activity") and not self.errors:
            self.add_error("name", _("Type a function name or choose a catalogue activity."))
        return data

    def function(self) -> tuple[str, Activity | None]:
        activity = self.cleaned_data.get("activity")
        name = (self.cleaned_data.get("name") or "").strip() or (activity.name if activity else "")
        return name, activity


class FunctionImportForm(_BootstrapForm):
    file = forms.FileField(
        label=_("File with function names (CSV or XLSX)"),
        help_text=_(
            "One function name per row in the first column; a heading row “Name” is skipped."
        ),
    )


class FunctionListFileForm(_BootstrapForm):
    """The new-assessment page's optional list of names from a file (prefix ``list``)."""

    file = forms.FileField(
        label=_("Or import a list of names (CSV or XLSX)"),
        required=False,
        help_text=_(
            "One function name per row in the first column; a heading row “Name” is skipped."
        ),
    )

    def names(self) -> list[str]:
        """The names in the file (none without one); an error on the field for a bad file."""
        from decisions import function_import

        upload = self.cleaned_data.get("file") if self.is_valid() else None
        if not upload:
            return []
        try:
            return function_import.read_function_names(upload, upload.name or "", upload.size)
        except ValidationError as error:
            self.add_error("file", error)
            return []
