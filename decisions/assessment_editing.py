"""Writes that reshape an assessment after it was created: rename it, delete it, add and
remove functions, and recompute every result stored under older criteria.

Services in the house style (keyword-only, validated, atomic), kept apart from
``services.py`` because they act on an assessment as a whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions import questionnaire, services
from decisions.models import Activity, Assessment, FunctionAssessment
from decisions.models.assessments import NAME_MAX

ALREADY_IN = _("“%(name)s” is already a function of this assessment.")
NOTHING_TO_ADD = _("Choose a catalogue activity or type a function name to add.")
TITLE_REQUIRED = _("Give the assessment a title.")


def assessment_rename(*, assessment: Assessment, title: str) -> Assessment:
    """Give the assessment a new title."""
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": TITLE_REQUIRED}, code="required")
    assessment.title = title
    assessment.full_clean(exclude=["request_token", "owner", "organization"])
    assessment.updated_at = timezone.now()
    assessment.save(update_fields=["title", "updated_at"])
    return assessment


def assessment_delete(*, assessment: Assessment) -> None:
    """Delete the assessment with its functions, answers, business cases and risks."""
    assessment.delete()


def functions_add(
    *, assessment: Assessment, names: Sequence[tuple[str, Activity | None]]
) -> list[FunctionAssessment]:
    """Add functions after the existing ones; refused whole if any name is taken or too long."""
    names = [(" ".join(name.split()), activity) for name, activity in names]
    names = [(name, activity) for name, activity in names if name]
    if not names:
        raise ValidationError(NOTHING_TO_ADD, code="nothing_to_add")
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        existing = list(locked.functions.values_list("name", flat=True))
        taken = {name.casefold() for name in existing}
        for name, _activity in names:
            if name.casefold() in taken:
                raise ValidationError(ALREADY_IN, code="duplicate", params={"name": name})
        error = services.function_list_error(
            [(name, None) for name in existing] + [(name, None) for name, _a in names]
        )
        if error is not None:
            raise error
        start = locked.functions.aggregate(last=Max("order"))["last"] or 0
        functions = [
            FunctionAssessment(assessment=locked, name=name[:NAME_MAX], activity=activity, order=i)
            for i, (name, activity) in enumerate(names, start=start + 1)
        ]
        for function in functions:
            function.full_clean(exclude=["assessment"])
        FunctionAssessment.objects.bulk_create(functions)
        services.refresh_assessment_status(locked.pk)
    return functions


def function_remove(*, function: FunctionAssessment) -> None:
    """Remove a function with its answers, business case and risks."""
    with transaction.atomic():
        assessment_id = function.assessment_id
        function.delete()
        services.refresh_assessment_status(assessment_id)


@dataclass(frozen=True)
class Flip:
    """A function whose recommendation changed in a recompute."""

    function_id: int
    name: str
    before: str  # the model's abbreviation
    after: str


@dataclass(frozen=True)
class RecomputeSummary:
    recomputed: int
    flips: list[Flip]


def assessment_recompute(*, assessment: Assessment) -> RecomputeSummary:
    """Recompute every result stored under older criteria; the current ones are left alone,
    so running it twice recomputes nothing the second time."""
    version = questionnaire.current().version
    stale = list(
        assessment.functions.filter(status=FunctionAssessment.Status.RECOMMENDED)
        .exclude(criteria_version=version)
        .select_related("recommended_model")
        .only("pk", "name", "recommended_model__abbreviation", "assessment_id")
        .order_by("order", "pk")
    )
    flips = []
    for function in stale:
        before = function.recommended_model
        services.recommendation_recompute(function=function)
        after = FunctionAssessment.objects.select_related("recommended_model").get(pk=function.pk)
        if after.recommended_model_id != (before.pk if before else None):
            flips.append(
                Flip(
                    function_id=function.pk,
                    name=function.name,
                    before=before.abbreviation if before else "",
                    after=after.recommended_model.abbreviation if after.recommended_model else "",
                )
            )
    return RecomputeSummary(recomputed=len(stale), flips=flips)
