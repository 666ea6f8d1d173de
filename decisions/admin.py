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
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, QuerySet
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from decisions import catalogue_rules
from decisions.models import (
    Activity,
    Answer,
    AnswerOption,
    Assessment,
    Benefit,
    Criterion,
    DeliveryOption,
    Disagreement,
    FunctionAssessment,
    Industry,
    Membership,
    OptionScore,
    Organization,
    Provider,
    Question,
    Reading,
    Source,
    SourcingModel,
)

SHORT_TEXT = forms.Textarea(attrs={"rows": 3, "cols": 60})

admin.site.site_header = _("Sourcing Advisor administration")
admin.site.site_title = _("Sourcing Advisor admin")
admin.site.index_title = _("Catalogue and organisations")


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


def _root_instance(formset: forms.BaseFormSet) -> models.Model:
    """The object of the admin page the nested formset belongs to."""
    while getattr(formset, "parent_form", None) is not None:
        formset = formset.parent_form.parent_formset  # type: ignore[attr-defined]
    return formset.instance  # type: ignore[attr-defined]


def _criterion_of(instance: models.Model | None) -> Criterion | None:
    """The criterion a page's object belongs to (None while it has none)."""
    if isinstance(instance, AnswerOption):
        instance = instance.question if instance.question_id else None
    if isinstance(instance, Question):
        instance = instance.criterion if instance.criterion_id else None
    return instance if isinstance(instance, Criterion) else None


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
    def check_rules(self) -> None:
        error = catalogue_rules.too_few_options(len(_kept_forms(self)))
        if error is not None:
            raise error


class OptionScoreFormSet(CatalogueFormSet):
    """Blank rows come pre-filled with the scored models the option has no score for yet,
    so staff only type the numbers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scored_models = _scored_models()
        scored = {model.pk for model in self.scored_models}
        if self.instance.pk is not None:
            scored -= set(self.get_queryset().values_list("model_id", flat=True))
        self.initial_extra = [{"model": pk} for pk in scored]

    def check_rules(self) -> None:
        criterion = _criterion_of(_root_instance(self))
        if criterion is None:
            return
        error = catalogue_rules.missing_scores(
            scored_criterion=criterion.kind == Criterion.Kind.SCORED,
            scored_models={model.pk: str(model) for model in self.scored_models},
            scored_ids={form.instance.model_id for form in _kept_forms(self)},
        )
        if error is not None:
            raise error


class ReadingFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        error = catalogue_rules.too_few_readings(len(_kept_forms(self)))
        if error is not None:
            raise error


def _scored_models() -> list[SourcingModel]:
    return list(SourcingModel.objects.filter(is_scored=True).order_by("order", "slug"))


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


class CatalogueAdmin(SimpleHistoryAdmin):
    """A catalogue page: history of every change, sources picked side by side."""

    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 4})}}
    save_on_top = True


class NestedCatalogueAdmin(SimpleHistoryAdmin, nested_admin.NestedModelAdmin):
    """History view and nested inlines together (both extend ``ModelAdmin`` cooperatively)."""

    formfield_overrides = CatalogueAdmin.formfield_overrides
    save_on_top = True

    class Media:
        css = {"all": ["decisions/admin.css"]}


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
    filter_horizontal = ["sources"]

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
    filter_horizontal = ["sources"]

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
    filter_horizontal = ["sources"]

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
    filter_horizontal = ["sources"]


@admin.register(Benefit)
class BenefitAdmin(CatalogueAdmin):
    list_display = ["name", "applies_to", "has_caveat", "slug", "order"]
    list_filter = ["sourcing_models"]
    search_fields = ["slug", "name", "description", "caveat"]
    ordering = ["order", "name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["sourcing_models", "sources"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Benefit]:
        return super().get_queryset(request).prefetch_related("sourcing_models")

    @admin.display(description=_("applies to"))
    def applies_to(self, obj: Benefit) -> str:
        return ", ".join(str(model) for model in obj.sourcing_models.all())

    @admin.display(description=_("caveat"), boolean=True)
    def has_caveat(self, obj: Benefit) -> bool:
        return bool(obj.caveat)


class ReadingInline(admin.TabularInline):
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


class OptionScoreInline(nested_admin.NestedTabularInline):
    model = OptionScore
    formset = OptionScoreFormSet
    fields = ["model", "score"]
    is_sortable = False

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        """A blank row for each scored model the option has no score for (none if unscored)."""
        scored = SourcingModel.objects.filter(is_scored=True)
        if obj is not None and obj.pk is not None:
            if obj.question.criterion.kind != Criterion.Kind.SCORED:
                return 0
            scored = scored.exclude(optionscore__option=obj)
        return scored.count()

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "model" and formfield is not None:
            # Three models in a short list: the add/change/view icons beside each row are noise.
            formfield.widget = getattr(formfield.widget, "widget", formfield.widget)
        return formfield


class AnswerOptionInline(nested_admin.NestedTabularInline):
    model = AnswerOption
    formset = AnswerOptionFormSet
    inlines = [OptionScoreInline]
    is_sortable = False
    formfield_overrides = {models.TextField: {"widget": SHORT_TEXT}}

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """Options of a profile question (or of one not yet saved) may name a delivery option."""
        criterion = _criterion_of(obj)
        if criterion is not None and criterion.kind == Criterion.Kind.SCORED:
            return ["label", "code", "explanation", "order"]
        return ["label", "code", "delivery_option", "explanation", "order"]

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
class CriterionAdmin(SlugLockedAdminMixin, NestedCatalogueAdmin):
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
    filter_horizontal = ["sources"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "weight", "order"]}),
        (
            _("The difference shown to managers"),
            {"fields": ["explanation", "bpo_side", "kpo_side"]},
        ),
        (_("Sources"), {"fields": ["sources"]}),
    ]
    inlines = [QuestionInline]

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
class QuestionAdmin(NestedCatalogueAdmin):
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
class AnswerOptionAdmin(NestedCatalogueAdmin):
    list_display = ["label", "code", "question", "criterion", "score_summary", "order"]
    list_filter = ["question__criterion__kind", "question__criterion"]
    list_select_related = ["question__criterion", "delivery_option"]
    search_fields = ["label", "code", "explanation", "question__text", "question__criterion__slug"]
    ordering = ["question__criterion__order", "question__order", "order", "pk"]
    fields = ["question", "label", "code", "delivery_option", "explanation", "order"]
    autocomplete_fields = ["question"]
    inlines = [OptionScoreInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AnswerOption]:
        return super().get_queryset(request).prefetch_related("scores__model")

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

    @admin.display(description=_("scores"))
    def score_summary(self, obj: AnswerOption) -> str:
        return ", ".join(f"{score.model} {score.score}" for score in obj.scores.all())


@admin.register(OptionScore)
class OptionScoreAdmin(CatalogueAdmin):
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
    filter_horizontal = ["sourcing_models", "activities", "delivery_options", "sources"]
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

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        if db_field.name == "offices":  # front, back or both: two boxes
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("models offered"))
    def models_offered(self, obj: Provider) -> str:
        return ", ".join(str(model) for model in obj.sourcing_models.all())

    @admin.display(description=_("offices served"))
    def offices_served(self, obj: Provider) -> str:
        return ", ".join(str(office) for office in obj.offices.all())

    @admin.display(description=_("activities"), ordering="_activities")
    def activity_count(self, obj: Any) -> int:
        return obj._activities


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
    fields = ["user", "joined_at"]
    readonly_fields = ["joined_at"]
    autocomplete_fields = ["user"]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["organization", "joined_at"]
    readonly_fields = ["joined_at"]
    autocomplete_fields = ["organization"]
    verbose_name_plural = _("organisations")


@admin.register(Organization)
class OrganizationAdmin(SuperuserOnlyAdmin):
    list_display = ["name", "slug", "member_count", "assessment_count", "created_at"]
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
class MembershipAdmin(SuperuserOnlyAdmin):
    list_display = ["user", "organization", "joined_at"]
    list_filter = ["organization"]
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
    inlines = [AnswerInline]

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
