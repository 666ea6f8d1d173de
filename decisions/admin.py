"""Django admin: staff edit the catalogue here and see who changed what and when.

Every catalogue admin is a ``SimpleHistoryAdmin`` (a History page per object).
A criterion's question, answer options and each option's scores are edited on
the criterion's page through django-nested-admin. The inline formsets below
apply the catalogue rules that span rows (``decisions.catalogue_rules``) to
what a page is about to save: a question keeps at least two options, an option
of a scored criterion scores every scored model, a disagreement keeps two
readings. They work through public hooks only (``clean()``, ``form.instance``).

Operational data (organisations, members, assessments, functions, answers,
users and groups) is for superusers only, whatever permissions a staff member
holds: catalogue editors see the catalogue. Assessments, functions and answers
keep a history; who answered, who decided, a function's assessment and an
assessment's organisation, author and status are read-only here, and answers
change only through the questionnaire (which recomputes the stored result).
"""

from __future__ import annotations

import json
from typing import Any

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Prefetch, QuerySet
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import Http404, HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from decisions import catalogue_history, catalogue_rules, questionnaire, score_grid, selectors
from decisions.formatting import plain_number
from decisions.models import (
    Activity,
    Answer,
    AnswerOption,
    Assessment,
    Benefit,
    BusinessCase,
    Criterion,
    DeliveryOption,
    Disagreement,
    FunctionAssessment,
    Industry,
    Invitation,
    Membership,
    OptionScore,
    Organization,
    PriceOverride,
    PricingAssumption,
    Provider,
    Question,
    Reading,
    Respondent,
    RiskMitigation,
    RiskRating,
    RiskType,
    Settlement,
    Source,
    SourcingModel,
)

SHORT_TEXT = forms.Textarea(attrs={"rows": 3, "cols": 60})


# --- Nested formsets: the catalogue rules that span rows (decisions.catalogue_rules) ----------

CANNOT_DELETE_CHILDREN = _(
    "Deleting the row above would delete these rows too, and you may not delete them."
)


def _is_marked_deleted(form: forms.ModelForm) -> bool:
    """The delete box is ticked (read from the submitted data: forms validate in any order)."""
    if DELETION_FIELD_NAME not in form.fields:
        return False
    widget = form.fields[DELETION_FIELD_NAME].widget
    return bool(
        widget.value_from_datadict(form.data, form.files, form.add_prefix(DELETION_FIELD_NAME))
    )


def _is_dropped(form: forms.ModelForm) -> bool:
    """The row will not exist after saving: it is marked for deletion or is a blank extra."""
    return _is_marked_deleted(form) or (form.instance.pk is None and not form.has_changed())


def _ancestor_forms(formset: forms.BaseFormSet) -> list[forms.ModelForm]:
    """The rows this nested formset hangs under (its option, that option's question...)."""
    ancestors = []
    form = getattr(formset, "parent_form", None)
    while form is not None:
        ancestors.append(form)
        form = getattr(getattr(form, "parent_formset", None), "parent_form", None)
    return ancestors


def _kept_forms(formset: forms.BaseFormSet) -> list[forms.ModelForm]:
    """Forms whose rows exist after saving (valid or not: errors are reported on their own)."""
    return [form for form in formset.forms if not _is_dropped(form)]


class CatalogueFormSet(nested_admin.NestedInlineFormSet):
    """A nested formset that applies the catalogue rules to the rows it is about to save.

    Rows under a row marked for deletion are deleted with it (the database would
    delete them anyway): nested-admin's JavaScript ticks their delete boxes, but
    the server must not depend on it, or the options of a deleted question would
    be saved again under a question that no longer exists. Staff who may not
    delete the rows below cannot delete the row above either.

    The rows' values are read from ``form.instance``, which holds the submitted
    values of an edited row and the stored ones of a row shown read-only (for
    staff with view permission only, Django sets such a form's ``cleaned_data``
    to its raw initial values).
    """

    def clean(self) -> None:
        ancestors = _ancestor_forms(self)
        if any(_is_marked_deleted(form) for form in ancestors):
            # Before super().clean(): it settles which forms are deleted (``deleted_forms``).
            self.delete_with_ancestor()
        super().clean()
        if not any(_is_dropped(form) for form in ancestors):
            self.check_rules()

    def delete_with_ancestor(self) -> None:
        """Tick every row's delete box, as the formset reads it (``cleaned_data["DELETE"]``)."""
        if not self.can_delete:
            if self.initial_forms:
                raise ValidationError(CANNOT_DELETE_CHILDREN, code="cannot_delete_children")
            return
        for form in self.forms:
            form.cleaned_data[DELETION_FIELD_NAME] = True

    def check_rules(self) -> None:
        """Raise the ValidationError of a broken rule (subclasses)."""


class AnswerOptionFormSet(CatalogueFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if isinstance(form, score_grid.OptionScoresForm) and form.in_table:
            form.label_cells()  # the delete box too, added here after the form was made

    def check_rules(self) -> None:
        error = catalogue_rules.too_few_options(len(_kept_forms(self)))
        if error is not None:
            raise error


class ReadingFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        error = catalogue_rules.too_few_readings(len(_kept_forms(self)))
        if error is not None:
            raise error


# --- Shared admin behaviour -------------------------------------------------------------------


class SlugLockedAdminMixin:
    """The slug is read-only once the object is used (``SlugLockedModel.is_used``).

    The slug is prepopulated only while adding (``add_prepopulated_fields``):
    simple_history's revert page reads ``prepopulated_fields`` directly, and a
    read-only slug there would be missing from the form.
    """

    prepopulated_fields: dict[str, Any] = {}
    add_prepopulated_fields: dict[str, Any] = {}

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        if obj is not None and obj.pk is not None and obj.is_used():
            fields.append("slug")
        return fields

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Any]:
        # Only while adding: a stored slug changes on purpose, not as a side effect of a rename.
        return dict(self.add_prepopulated_fields) if obj is None else {}


REASON_FIELD = "change_reason"
# simple_history keeps the reason in a 100-character column.
REASON_MAX_LENGTH = 100


class CatalogueForm(forms.ModelForm):
    """A catalogue row's form, asking why it changes (kept in the history beside who and when)."""

    change_reason = forms.CharField(
        label=_("Reason for this change"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=_(
            "Shown in the history beside your name, e.g. “Payroll runs monthly: "
            "reworded the routine answer”."
        ),
    )


def labelled_cells_form(form: type[forms.ModelForm], row: Any) -> type[forms.ModelForm]:
    """``form`` with each visible input named by its column and ``row(instance)``: a table
    row's inputs have no ``<label>`` of their own (changelist rows edited in place)."""

    class LabelledCellsForm(form):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                if not field.widget.is_hidden:
                    field.widget.attrs["aria-label"] = score_grid.cell_label(
                        field.label, row(self.instance)
                    )

    return LabelledCellsForm


class CatalogueAdminMixin:
    """What every catalogue page shares; reuse it for a new catalogue model's admin.

    - The change form asks for a reason (below the inlines, beside the save buttons:
      ``templates/admin/decisions/change_form.html``); the history keeps it with
      every row the page saves, inline rows and the scores of the grid included.
    - Many-to-many fields are lists of checkboxes: each box has its label, which
      the admin's two-box filter widget does not give to screen readers.
    - Rows edited in the changelist name their inputs by column and row.
    """

    form = CatalogueForm
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 4})},
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    save_on_top = True

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A declared form field is in the form whatever the fieldsets say; the template
        # shows it after the inlines, so the fieldsets leave it out.
        fields = super().get_fields(request, obj)  # type: ignore[misc]
        return [name for name in fields if name != REASON_FIELD]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj._change_reason = form.cleaned_data.get(REASON_FIELD) or None
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        reason = form.cleaned_data.get(REASON_FIELD) or None
        for row in formset.forms:
            row.instance._change_reason = reason
        super().save_formset(request, form, formset, change)  # type: ignore[misc]

    def changelist_row_label(self, obj: Any) -> str:
        """How a changelist row is named to screen readers (its text by default)."""
        return str(obj)

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> Any:
        form = super().get_changelist_form(request, **kwargs)  # type: ignore[misc]
        return labelled_cells_form(form, self.changelist_row_label)


class CatalogueAdmin(CatalogueAdminMixin, SimpleHistoryAdmin):
    """A catalogue page with the history of every change (see ``CatalogueAdminMixin``)."""


class NestedCatalogueAdmin(CatalogueAdminMixin, SimpleHistoryAdmin, nested_admin.NestedModelAdmin):
    """History view and nested inlines together (both extend ``ModelAdmin`` cooperatively)."""

    class Media:
        css = {"all": ["decisions/admin.css"]}


def stale_warning(count: int) -> str:
    """Before saving: what a change would do to the stored results computed now."""
    return ngettext(
        "%(count)s stored result was computed with the criteria as they stand. Saving a "
        "change to a weight, a score or the wording of a criterion, question or answer marks "
        "it as computed under older criteria; its manager is offered a recompute.",
        "%(count)s stored results were computed with the criteria as they stand. Saving a "
        "change to a weight, a score or the wording of a criterion, question or answer marks "
        "them as computed under older criteria; their managers are offered a recompute.",
        count,
    ) % {"count": count}


def marked_stale(count: int) -> str:
    """After saving: how many stored results the change marked."""
    return ngettext(
        "%(count)s stored result is now marked as computed under older criteria.",
        "%(count)s stored results are now marked as computed under older criteria.",
        count,
    ) % {"count": count}


class StaleResultsWarningMixin:
    """Pages whose saves change what results are computed from (weights, scores, wording):
    before saving, they say how many stored results a change will mark as computed under
    older criteria; after saving, how many it did."""

    def _with_stale_warning(self, request: HttpRequest, view: Any, extra_context: Any) -> Any:
        version = questionnaire.current().version
        count = selectors.results_computed_under(version)
        warning = stale_warning(count) if count else ""
        response = view({**(extra_context or {}), "stale_warning": warning})
        if request.method == "POST" and count and questionnaire.current().version != version:
            self.message_user(  # type: ignore[attr-defined]
                request,
                marked_stale(count),
                messages.WARNING,
            )
        return response

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        parent = super().changeform_view  # type: ignore[misc]
        return self._with_stale_warning(
            request, lambda context: parent(request, object_id, form_url, context), extra_context
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        parent = super().changelist_view  # type: ignore[misc]
        return self._with_stale_warning(
            request, lambda context: parent(request, context), extra_context
        )


# --- Catalogue --------------------------------------------------------------------------------


@admin.register(Source)
class SourceAdmin(CatalogueAdmin):
    list_display = ["title", "file_name", "publisher", "slug", "order"]
    search_fields = ["title", "slug", "file_name", "publisher", "summary"]
    ordering = ["order", "slug"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(SourcingModel)
class SourcingModelAdmin(SlugLockedAdminMixin, CatalogueAdmin):
    list_display = [
        "abbreviation",
        "name",
        "slug",
        "specialises",
        "is_scored",
        "is_outsourced",
        "activity_count",
        "order",
    ]
    list_filter = ["is_scored", "is_outsourced"]
    list_select_related = ["specialises"]
    search_fields = ["slug", "abbreviation", "name", "definition"]
    ordering = ["order", "slug"]
    add_prepopulated_fields = {"slug": ["abbreviation"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[SourcingModel]:
        return super().get_queryset(request).annotate(_activities=Count("typical_activities"))

    @admin.display(description=_("typical activities"), ordering="_activities")
    def activity_count(self, obj: Any) -> int:
        return obj._activities


@admin.register(DeliveryOption)
class DeliveryOptionAdmin(SlugLockedAdminMixin, CatalogueAdmin):
    list_display = ["name", "kind", "slug", "provider_count", "order"]
    list_filter = ["kind"]
    search_fields = ["slug", "name", "description"]
    ordering = ["kind", "order", "slug"]
    add_prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[DeliveryOption]:
        return super().get_queryset(request).annotate(_providers=Count("providers"))

    @admin.display(description=_("providers"), ordering="_providers")
    def provider_count(self, obj: Any) -> int:
        return obj._providers


@admin.register(Activity)
class ActivityAdmin(SlugLockedAdminMixin, CatalogueAdmin):
    list_display = ["name", "typical_model", "office", "slug", "provider_count", "order"]
    list_filter = ["typical_model", "office"]
    list_select_related = ["typical_model", "office"]
    search_fields = ["slug", "name", "description"]
    ordering = ["order", "name"]
    add_prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Activity]:
        return super().get_queryset(request).annotate(_providers=Count("providers"))

    @admin.display(description=_("providers"), ordering="_providers")
    def provider_count(self, obj: Any) -> int:
        return obj._providers


@admin.register(Industry)
class IndustryAdmin(CatalogueAdmin):
    list_display = ["name", "typical_model", "slug", "order"]
    list_filter = ["typical_model"]
    list_select_related = ["typical_model"]
    search_fields = ["slug", "name", "description"]
    ordering = ["typical_model__order", "order", "name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Benefit)
class BenefitAdmin(CatalogueAdmin):
    list_display = ["name", "applies_to", "has_caveat", "slug", "order"]
    list_filter = ["sourcing_models"]
    search_fields = ["slug", "name", "description", "caveat"]
    ordering = ["order", "name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Benefit]:
        return super().get_queryset(request).prefetch_related("sourcing_models")

    @admin.display(description=_("applies to"))
    def applies_to(self, obj: Benefit) -> str:
        return ", ".join(str(model) for model in obj.sourcing_models.all())

    @admin.display(description=_("caveat"), boolean=True)
    def has_caveat(self, obj: Benefit) -> bool:
        return bool(obj.caveat)


class ReadingInline(admin.StackedInline):
    model = Reading
    formset = ReadingFormSet
    fields = ["source", "statement", "order"]
    extra = 0
    min_num = 2
    formfield_overrides = {models.TextField: {"widget": SHORT_TEXT}}


@admin.register(Disagreement)
class DisagreementAdmin(CatalogueAdmin):
    list_display = ["topic", "slug", "reading_count", "order"]
    search_fields = ["slug", "topic", "summary", "readings__statement"]
    ordering = ["order", "slug"]
    prepopulated_fields = {"slug": ["topic"]}
    inlines = [ReadingInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Disagreement]:
        return super().get_queryset(request).annotate(_readings=Count("readings"))

    @admin.display(description=_("readings"), ordering="_readings")
    def reading_count(self, obj: Any) -> int:
        return obj._readings


def _score_columns(request: HttpRequest) -> tuple[score_grid.ScoredModel, ...]:
    """The score grid's columns, read once per request (a page builds many option forms)."""
    columns = getattr(request, "_score_columns", None)
    if columns is None:
        columns = score_grid.scored_models()
        request._score_columns = columns  # type: ignore[attr-defined]
    return columns


class ScoreGridMixin:
    """Answer options with one score per scored model, as one form (``decisions.score_grid``).

    Staff who may change options see a score column per scored model (disabled
    unless they may also add and change scores); staff who may only view them
    see the scores as text. Options of a profile criterion have no scores, and
    only they (or options of a criterion being added) name a delivery option.
    """

    in_table = False

    def score_columns(self, request: HttpRequest, obj: Any) -> tuple[score_grid.ScoredModel, ...]:
        criterion = score_grid.criterion_of(obj)
        if criterion is not None and criterion.kind != Criterion.Kind.SCORED:
            return ()
        if not self.has_change_permission(request, obj):  # type: ignore[attr-defined]
            return ()
        return _score_columns(request)

    def option_fields(self, request: HttpRequest, obj: Any) -> list[str]:
        criterion = score_grid.criterion_of(obj)
        fields = ["label", "code"]
        if criterion is None or criterion.kind != Criterion.Kind.SCORED:
            fields.append("delivery_option")
        if criterion is None or criterion.kind == Criterion.Kind.SCORED:
            if self.has_change_permission(request, obj):  # type: ignore[attr-defined]
                fields += score_grid.score_field_names(self.score_columns(request, obj))
            else:
                fields.append("score_summary")
        return [*fields, "explanation", "order"]

    def option_form(
        self, request: HttpRequest, obj: Any, base: type[forms.ModelForm]
    ) -> type[forms.ModelForm]:
        return score_grid.option_form(
            self.score_columns(request, obj),
            base=base,
            scores_editable=request.user.has_perms(
                ["decisions.add_optionscore", "decisions.change_optionscore"]
            ),
            in_table=self.in_table,
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*super().get_readonly_fields(request, obj), "score_summary"]  # type: ignore[misc]

    def options_with_scores(self, queryset: QuerySet[AnswerOption]) -> QuerySet[AnswerOption]:
        """The scores (and their models) in one query for all the options shown."""
        return queryset.prefetch_related(
            Prefetch("scores", queryset=OptionScore.objects.select_related("model"))
        )

    @admin.display(description=_("scores"))
    def score_summary(self, obj: AnswerOption) -> str:
        return ", ".join(f"{score.model} {plain_number(score.score)}" for score in obj.scores.all())


class AnswerOptionInline(ScoreGridMixin, nested_admin.NestedTabularInline):
    """A question's options as a grid: a row per option, a column per field and scored model."""

    model = AnswerOption
    formset = AnswerOptionFormSet
    template = "admin/decisions/option_grid.html"
    is_sortable = False
    in_table = True
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "label":  # a sentence: let it wrap in its cell
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3})
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "delivery_option" and formfield is not None:
            # A short list in every row: the add/change/view icons beside each are noise.
            formfield.widget = getattr(formfield.widget, "widget", formfield.widget)
        return formfield

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.option_fields(request, obj)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs["form"] = self.option_form(request, obj, forms.ModelForm)
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AnswerOption]:
        return self.options_with_scores(super().get_queryset(request))

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        if obj is None or obj.pk is None:
            return 2
        return max(0, 2 - obj.options.count())


class QuestionInline(nested_admin.NestedStackedInline):
    model = Question
    fields = ["text", "help_text", "order"]
    inlines = [AnswerOptionInline]
    extra = 0
    is_sortable = False
    formfield_overrides = {models.TextField: {"widget": SHORT_TEXT}}


@admin.register(Criterion)
class CriterionAdmin(StaleResultsWarningMixin, SlugLockedAdminMixin, NestedCatalogueAdmin):
    list_display = [
        "name",
        "slug",
        "kind_label",
        "weight",
        "question_count",
        "option_count",
        "order",
    ]
    list_editable = ["weight"]
    list_filter = ["kind"]
    search_fields = ["slug", "name", "explanation", "bpo_side", "kpo_side"]
    ordering = ["order", "slug"]
    add_prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "weight", "order"]}),
        (
            _("The difference shown to managers"),
            {"fields": ["explanation", "bpo_side", "kpo_side"]},
        ),
        (_("Sources"), {"fields": ["sources"]}),
    ]
    inlines = [QuestionInline]
    # Its questions', options' and scores' changes too, in words (decisions.catalogue_history).
    object_history_list_template = "admin/decisions/criterion/history_list.html"

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> Any:
        try:
            criterion_id = int(unquote(object_id))
        except ValueError:
            raise Http404(_("No such criterion.")) from None
        paginator = Paginator(
            catalogue_history.criterion_history(criterion_id), self.history_list_per_page
        )
        page = paginator.get_page(request.GET.get(PAGE_VAR))
        context = {
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "pagination_required": paginator.num_pages > 1,
            **(extra_context or {}),
        }
        return super().history_view(request, str(criterion_id), context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Criterion]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                _questions=Count("questions", distinct=True),
                _options=Count("questions__options", distinct=True),
            )
        )

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj: Criterion) -> str:
        return str(_("Scored") if obj.kind == Criterion.Kind.SCORED else _("Profile"))

    @admin.display(description=_("questions"), ordering="_questions")
    def question_count(self, obj: Any) -> int:
        return obj._questions

    @admin.display(description=_("options"), ordering="_options")
    def option_count(self, obj: Any) -> int:
        return obj._options


@admin.register(Question)
class QuestionAdmin(StaleResultsWarningMixin, NestedCatalogueAdmin):
    list_display = ["text", "criterion", "option_count", "order"]
    list_filter = ["criterion__kind", "criterion"]
    list_select_related = ["criterion"]
    search_fields = ["text", "help_text", "criterion__name", "criterion__slug"]
    ordering = ["criterion__order", "order", "pk"]
    fields = ["criterion", "text", "help_text", "order"]
    inlines = [AnswerOptionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return super().get_queryset(request).annotate(_options=Count("options"))

    @admin.display(description=_("answer options"), ordering="_options")
    def option_count(self, obj: Any) -> int:
        return obj._options


@admin.register(AnswerOption)
class AnswerOptionAdmin(StaleResultsWarningMixin, ScoreGridMixin, CatalogueAdmin):
    list_display = ["label", "code", "question", "criterion", "score_summary", "order"]
    list_filter = ["question__criterion__kind", "question__criterion"]
    list_select_related = ["question__criterion", "delivery_option"]
    search_fields = ["label", "code", "explanation", "question__text", "question__criterion__slug"]
    ordering = ["question__criterion__order", "question__order", "order", "pk"]
    autocomplete_fields = ["question"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["question", *self.option_fields(request, obj)]

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs["form"] = self.option_form(request, obj, CatalogueForm)
        return super().get_form(request, obj, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AnswerOption]:
        return self.options_with_scores(super().get_queryset(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Moving an option could leave its question with fewer than two: edit it there instead.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "question"] if obj is not None else fields

    def get_actions(
        self, request: HttpRequest, action_location: Any = admin.ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)  # bulk deletion would bypass the two-option rule
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.question.options.count() <= 2:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("criterion"), ordering="question__criterion__order")
    def criterion(self, obj: AnswerOption) -> Criterion:
        return obj.question.criterion


@admin.register(OptionScore)
class OptionScoreAdmin(StaleResultsWarningMixin, CatalogueAdmin):
    list_display = ["option", "question", "model", "score"]
    list_editable = ["score"]
    list_filter = ["model", "option__question__criterion"]
    list_select_related = ["option__question", "model"]
    search_fields = ["option__label", "option__code", "option__question__text"]
    ordering = ["option__question__criterion__order", "option__question__order", "option__order"]
    autocomplete_fields = ["option"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "option", "model"] if obj is not None else fields

    def get_actions(
        self, request: HttpRequest, action_location: Any = admin.ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)  # an option needs a score for every scored model
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.option.question.criterion.kind == Criterion.Kind.SCORED:
            return False
        return super().has_delete_permission(request, obj)

    def changelist_row_label(self, obj: OptionScore) -> str:
        return f"{obj.option} · {obj.model}"

    @admin.display(description=_("question"), ordering="option__question__order")
    def question(self, obj: OptionScore) -> Question:
        return obj.option.question


@admin.register(Provider)
class ProviderAdmin(CatalogueAdmin):
    list_display = [
        "name",
        "is_sample",
        "models_offered",
        "pricing_model",
        "size",
        "structure",
        "offices_served",
        "activity_count",
    ]
    list_filter = [
        "is_sample",
        "sourcing_models",
        "pricing_model",
        "size",
        "structure",
        "offices",
        "delivery_options",
    ]
    search_fields = ["name", "slug", "description", "certifications", "headquarters"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_sample", "description", "headquarters"]}),
        (_("What it offers"), {"fields": ["sourcing_models", "activities", "offices"]}),
        (
            _("How it delivers"),
            {
                "fields": [
                    "delivery_options",
                    "structure",
                    "pricing_model",
                    "size",
                    "certifications",
                ]
            },
        ),
        (_("Sources"), {"fields": ["sources"]}),
    ]

    list_select_related = ["structure"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Provider]:
        return (
            super()
            .get_queryset(request)
            .annotate(_activities=Count("activities", distinct=True))
            .prefetch_related("sourcing_models", "offices")
        )

    @admin.display(description=_("models offered"))
    def models_offered(self, obj: Provider) -> str:
        return ", ".join(str(model) for model in obj.sourcing_models.all())

    @admin.display(description=_("offices served"))
    def offices_served(self, obj: Provider) -> str:
        return ", ".join(str(office) for office in obj.offices.all())

    @admin.display(description=_("activities"), ordering="_activities")
    def activity_count(self, obj: Any) -> int:
        return obj._activities


@admin.register(PricingAssumption)
class PricingAssumptionAdmin(CatalogueAdmin):
    """Sample prices per model x location; each row says where its figures come from."""

    list_display = [
        "sourcing_model",
        "location",
        "basis",
        "low",
        "expected",
        "high",
        "transition_value",
        "governance_value",
        "is_sample",
    ]
    list_filter = ["sourcing_model", "location", "basis", "is_sample"]
    list_select_related = ["sourcing_model", "location"]
    search_fields = ["note", "sourcing_model__abbreviation", "location__name"]
    ordering = ["sourcing_model__order", "order", "pk"]
    fieldsets = [
        (None, {"fields": ["sourcing_model", "location", "order"]}),
        (_("Price a year"), {"fields": ["basis", "low", "expected", "high", "currency"]}),
        (
            _("Transition and governance"),
            {
                "fields": [
                    "transition_basis",
                    "transition_value",
                    "governance_basis",
                    "governance_value",
                ]
            },
        ),
        (_("Where the figures come from"), {"fields": ["is_sample", "note", "source"]}),
    ]


class RiskMitigationInline(admin.StackedInline):  # stacked: every input has its label
    model = RiskMitigation
    fields = ["sourcing_model", "text"]
    extra = 0
    formfield_overrides = {models.TextField: {"widget": SHORT_TEXT}}


@admin.register(RiskType)
class RiskTypeAdmin(SlugLockedAdminMixin, CatalogueAdmin):
    list_display = ["name", "slug", "mitigation_count", "order"]
    search_fields = ["slug", "name", "description", "mitigations__text"]
    ordering = ["order", "slug"]
    add_prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["sources"]
    inlines = [RiskMitigationInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RiskType]:
        return super().get_queryset(request).annotate(_mitigations=Count("mitigations"))

    @admin.display(description=_("default mitigations"), ordering="_mitigations")
    def mitigation_count(self, obj: Any) -> int:
        return obj._mitigations


# --- Organisations and people -----------------------------------------------------------------


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """For superusers only, whatever permissions a staff member was given (SECURITY.md).

    These pages show every organisation's data, or (users, groups) let their
    editor grant any permission, themselves included. Put it first among the
    bases: it narrows what the next admin class in line allows.
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["joined_at"]
    autocomplete_fields = ["user"]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["organization", "role", "joined_at"]
    readonly_fields = ["joined_at"]
    autocomplete_fields = ["organization"]
    verbose_name_plural = _("organisations")


@admin.register(Organization)
class OrganizationAdmin(SuperuserOnlyAdmin):
    list_display = ["name", "slug", "currency", "member_count", "assessment_count", "created_at"]
    fields = [
        "name",
        "slug",
        "currency",
        "discount_rate_percent",
        "contract_term_months",
        "created_at",
    ]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                _members=Count("memberships", distinct=True),
                _assessments=Count("assessments", distinct=True),
            )
        )

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, obj: Any) -> int:
        return obj._members

    @admin.display(description=_("assessments"), ordering="_assessments")
    def assessment_count(self, obj: Any) -> int:
        return obj._assessments


@admin.register(Membership)
class MembershipAdmin(SuperuserOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["user", "organization", "role", "joined_at"]
    list_filter = ["role", "organization"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__username", "user__email", "organization__name"]
    ordering = ["organization__name", "user__username"]
    autocomplete_fields = ["user", "organization"]
    readonly_fields = ["joined_at"]


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(SuperuserOnlyAdmin, BaseUserAdmin):
    inlines = [*BaseUserAdmin.inlines, UserMembershipInline]


@admin.register(Group)
class GroupAdmin(SuperuserOnlyAdmin, BaseGroupAdmin):
    pass


# --- Assessments: made by managers in the questionnaire, inspected here -----------------------


def _pretty_json(value: Any) -> str:
    if value is None:
        return "-"
    return format_html(
        '<pre class="readonly">{}</pre>', json.dumps(value, indent=2, ensure_ascii=False)
    )


RESULT_FIELDS: tuple[str, ...] = (
    "status",
    "answered_count",
    "recommended_model",
    "confidence",
    "borderline",
    "criteria_version",
    "computed_at",
    "final_model",
    "final_reason",
    "decided_by",
    "decided_at",
)


class FunctionAssessmentInline(admin.TabularInline):
    """Read-mostly: staff may rename or reorder a function; results come from the questionnaire."""

    model = FunctionAssessment
    fields = ["name", "activity", "order", "status", "recommended_model", "confidence"]
    readonly_fields = ["status", "recommended_model", "confidence"]
    autocomplete_fields = ["activity"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OperationalAdmin(SuperuserOnlyAdmin, SimpleHistoryAdmin):
    """Made by managers in the questionnaire, inspected and lightly corrected here, with history.

    Nothing is added here: a row made in the admin would have no author and no result.
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(OperationalAdmin):
    list_display = ["title", "organization", "owner", "status", "function_count", "updated_at"]
    list_filter = ["status", "organization"]
    list_select_related = ["organization", "owner"]
    search_fields = ["title", "organization__name", "owner__username"]
    ordering = ["-updated_at", "-pk"]
    date_hierarchy = "updated_at"
    fields = ["organization", "title", "owner", "status", "created_at", "updated_at"]
    # Moved to another organisation, its functions and answers would open for that
    # organisation's members; the author and the status are facts, not settings.
    readonly_fields = ["organization", "owner", "status", "created_at", "updated_at"]
    inlines = [FunctionAssessmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assessment]:
        return super().get_queryset(request).annotate(_functions=Count("functions"))

    @admin.display(description=_("functions"), ordering="_functions")
    def function_count(self, obj: Any) -> int:
        return obj._functions


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = readonly_fields = ("question", "option", "note", "answered_by", "updated_at")
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Answer]:
        return (
            super()
            .get_queryset(request)
            .select_related("question", "option", "answered_by")
            .order_by("question__criterion__order", "question__order")
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """Made in the app (which checks the figures together); shown here, never edited."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BusinessCaseInline(ReadOnlyInline):
    model = BusinessCase
    fields = readonly_fields = (
        "currency",
        "annual_cost",
        "ftes",
        "cost_per_fte",
        "yearly_volume",
        "updated_by",
        "updated_at",
    )


class PriceOverrideInline(ReadOnlyInline):
    model = PriceOverride
    fields = readonly_fields = (
        "sourcing_model",
        "kind",
        "provider",
        "basis",
        "low",
        "expected",
        "high",
        "currency",
        "updated_at",
    )


class RiskRatingInline(ReadOnlyInline):
    model = RiskRating
    fields = readonly_fields = ("risk_type", "likelihood", "impact", "owner", "mitigation")

    def get_queryset(self, request: HttpRequest) -> QuerySet[RiskRating]:
        return super().get_queryset(request).select_related("risk_type")


@admin.register(FunctionAssessment)
class FunctionAssessmentAdmin(OperationalAdmin):
    list_display = [
        "name",
        "assessment",
        "organization",
        "status",
        "recommended_model",
        "confidence",
        "borderline",
        "final_model",
        "computed_at",
    ]
    list_filter = ["status", "recommended_model", "final_model", "borderline"]
    list_select_related = [
        "assessment__organization",
        "recommended_model",
        "final_model",
    ]
    search_fields = ["name", "assessment__title", "assessment__organization__name"]
    ordering = ["assessment", "order", "pk"]
    autocomplete_fields = ["activity"]
    fieldsets = [
        (None, {"fields": ["assessment", "name", "activity", "order"]}),
        (_("Stored recommendation and decision (read-only)"), {"fields": RESULT_FIELDS}),
        (
            _("Computation details"),
            {"classes": ["collapse"], "fields": ["result_json", "snapshot_json", "previous_json"]},
        ),
    ]
    # Moved to another assessment, a function would open for that organisation's members.
    readonly_fields = [
        "assessment",
        *RESULT_FIELDS,
        "result_json",
        "snapshot_json",
        "previous_json",
    ]
    inlines = [AnswerInline, BusinessCaseInline, PriceOverrideInline, RiskRatingInline]

    @admin.display(description=_("organisation"), ordering="assessment__organization__name")
    def organization(self, obj: FunctionAssessment) -> Organization:
        return obj.assessment.organization

    @admin.display(description=_("result"))
    def result_json(self, obj: FunctionAssessment) -> str:
        return _pretty_json(obj.result)

    @admin.display(description=_("criteria snapshot"))
    def snapshot_json(self, obj: FunctionAssessment) -> str:
        return _pretty_json(obj.snapshot)

    @admin.display(description=_("previous result"))
    def previous_json(self, obj: FunctionAssessment) -> str:
        return _pretty_json(obj.previous)


@admin.register(Answer)
class AnswerAdmin(OperationalAdmin):
    """View only: an answer changes in the questionnaire, which recomputes the stored result."""

    list_display = ["function", "question", "option", "answered_by", "updated_at"]
    list_filter = ["question__criterion"]
    list_select_related = ["function", "question", "option", "answered_by"]
    search_fields = [
        "function__name",
        "function__assessment__title",
        "question__text",
        "option__label",
        "note",
    ]
    ordering = ["-updated_at"]
    fields = readonly_fields = (
        "function",
        "question",
        "option",
        "note",
        "answered_by",
        "updated_at",
    )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ViewOnlyAdmin(SuperuserOnlyAdmin):
    """Records the app's workflows make (respondents, invitations, approval versions):
    shown to superusers, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Respondent)
class RespondentAdmin(ViewOnlyAdmin):
    list_display = ["function", "user", "asked_by", "asked_at", "submitted_at"]
    list_select_related = ["function", "user", "asked_by"]
    search_fields = ["function__name", "user__username"]
    fields = readonly_fields = ("function", "user", "asked_by", "asked_at", "submitted_at")


@admin.register(Settlement)
class SettlementAdmin(OperationalAdmin):
    list_display = ["function", "question", "option", "settled_by", "settled_at"]
    list_select_related = ["function", "question", "option", "settled_by"]
    search_fields = ["function__name", "note"]
    fields = readonly_fields = (
        "function",
        "question",
        "option",
        "note",
        "settled_by",
        "settled_at",
    )


@admin.register(Invitation)
class InvitationAdmin(ViewOnlyAdmin):
    list_display = ["email", "assessment", "created_by", "created_at", "expires_at", "used_at"]
    list_select_related = ["assessment", "created_by"]
    search_fields = ["email"]
    fields = readonly_fields = (
        "email",
        "assessment",
        "created_by",
        "created_at",
        "expires_at",
        "used_at",
        "used_by",
    )


# The approval workflow and the rendered reports have their own module; importing it
# registers them.
from decisions import admin_approvals  # noqa: E402, F401
