"""The catalogue's rules that span rows: one set, used by the admin, the load command and tests.

A row's own rules (a weight is not negative, a score lies in 0 to 10, a slug is
unique) are field validators and constraints on the models. The rules here
need more than the row: a question offers at least two answer options; an
option of a scored criterion scores every scored model; only scored models
receive scores; a disagreement keeps at least two readings; a profile answer
option points at a delivery option of its question's kind; a provider's
locations, offices and structure, and an activity's office, are delivery
options of the matching kind.

Each rule is a small pure function of plain values that returns a
``ValidationError`` or ``None``. Three callers apply them:

- ``catalogue_problems()`` reads the whole catalogue in a fixed number of
  queries and applies every rule (the load command, tests);
- the admin's nested formsets apply them to what a page is about to save;
- a model's ``clean()`` applies the rules that concern that row and the rows it
  points at, so every form reports them on the field.

One rule is about a change rather than a state: a sourcing model joins or
leaves scoring only together with the scores (``scoring_change``, applied by
``SourcingModel.clean`` to an edit in a form; a fixture that does it loads the
scores too, and ``catalogue_problems`` checks the result).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from decisions.vocabulary import PROFILE_DELIVERY_KINDS, DeliveryKind

MIN_OPTIONS = 2
MIN_READINGS = 2

TOO_FEW_OPTIONS = _("A question needs at least two answer options.")
MISSING_SCORES = _("Give this option a score for every scored model; missing: %(models)s.")
NOT_SCORED_MODEL = _("Only models that compete in scoring can receive a score.")
TOO_FEW_READINGS = _("A disagreement needs at least two readings.")
WRONG_DELIVERY_KIND = _("Choose a delivery option of the kind “%(kind)s”.")
SCORING_CHANGE = _(
    "Whether a model competes in scoring decides which scores every answer option needs: "
    "change it together with the scores, in a fixture loaded with manage.py load_catalogue."
)
NOT_A_PROFILE_OPTION = _(
    "Only the answer options of the delivery location and office questions point at a "
    "delivery option."
)


# A provider's delivery options by field, and the kind each field holds.
PROVIDER_DELIVERY_FIELDS = {
    "delivery_options": DeliveryKind.LOCATION,
    "offices": DeliveryKind.OFFICE,
}


# --- The rules ---------------------------------------------------------------------------------


def too_few_options(count: int) -> ValidationError | None:
    """A question must offer at least two answer options."""
    if count < MIN_OPTIONS:
        return ValidationError(TOO_FEW_OPTIONS, code="too_few_options")
    return None


def missing_scores(
    *, scored_criterion: bool, scored_models: Mapping[int, str], scored_ids: Collection[int]
) -> ValidationError | None:
    """An option of a scored criterion scores each scored model (``id -> name``, in order)."""
    if not scored_criterion:
        return None
    missing = [name for pk, name in scored_models.items() if pk not in scored_ids]
    if missing:
        return ValidationError(
            MISSING_SCORES, code="missing_scores", params={"models": ", ".join(missing)}
        )
    return None


def score_for_unscored_model(*, model_is_scored: bool) -> ValidationError | None:
    """Only models that compete in scoring receive option scores."""
    if not model_is_scored:
        return ValidationError(NOT_SCORED_MODEL, code="not_scored")
    return None


def scoring_change(
    *, was_scored: bool | None, is_scored: bool, options_scored: bool
) -> ValidationError | None:
    """A model joins or leaves scoring (``was_scored`` None: a new model) only while no option
    is scored: otherwise every option would miss its score, or keep one it may not have."""
    if options_scored and bool(was_scored) != is_scored:
        return ValidationError(SCORING_CHANGE, code="scoring_change")
    return None


def too_few_readings(count: int) -> ValidationError | None:
    """A disagreement between the sources keeps each side: two readings or more."""
    if count < MIN_READINGS:
        return ValidationError(TOO_FEW_READINGS, code="too_few_readings")
    return None


def wrong_delivery_kind(*, expected: str, kind: str | None) -> ValidationError | None:
    """A reference to a delivery option that must be of kind ``expected`` (None: no reference)."""
    if kind is not None and kind != expected:
        return ValidationError(
            WRONG_DELIVERY_KIND,
            code="wrong_delivery_kind",
            params={"kind": expected},
        )
    return None


def profile_option_delivery(*, criterion_slug: str, kind: str | None) -> ValidationError | None:
    """An answer option's delivery option matches its criterion (profile criteria only)."""
    expected = PROFILE_DELIVERY_KINDS.get(criterion_slug)
    if expected is None:
        if kind is not None:
            return ValidationError(NOT_A_PROFILE_OPTION, code="not_a_profile_option")
        return None
    return wrong_delivery_kind(expected=expected, kind=kind)


# --- Problems found in the database ------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One broken rule, naming the row (model, pk, slug or code) and the field."""

    model: str  # "decisions.question"
    pk: Any
    field: str  # "" when the row as a whole is at fault
    message: str
    slug: str = ""
    code: str = ""

    @property
    def row(self) -> str:
        """Like ``decisions.criterion pk=3 (slug 'complexity')``: enough to find the row."""
        row = f"{self.model} pk={self.pk}"
        if self.slug:
            return f"{row} (slug {self.slug!r})"
        if self.code:
            return f"{row} (code {self.code!r})"
        return row

    def __str__(self) -> str:
        field = f"{self.field}: " if self.field else ""
        return f"{self.row}: {field}{self.message.rstrip('.')}."


def problems_of(
    error: ValidationError, *, model: str, pk: Any, slug: str = "", code: str = ""
) -> list[Problem]:
    """One Problem per message of ``error`` (field errors keep their field)."""
    fields = error.error_dict if hasattr(error, "error_dict") else {"": error.error_list}
    return [
        Problem(
            model=model,
            pk=pk,
            field="" if field == "__all__" else field,
            message=message,
            slug=slug,
            code=code,
        )
        for field, errors in fields.items()
        for message in ValidationError(errors).messages
    ]


def catalogue_problems() -> list[Problem]:
    """Every broken cross-row rule in the catalogue as stored, in a fixed number of queries."""
    # The models import this module for their clean(): import them here, not at the top.
    from decisions.models import (
        Activity,
        AnswerOption,
        Criterion,
        Disagreement,
        OptionScore,
        Provider,
        Question,
        Reading,
        SourcingModel,
    )

    problems: list[Problem] = []

    def report(error: ValidationError | None, model: Any, pk: Any, field: str, **key: str) -> None:
        if error is not None:
            label = model._meta.label_lower
            problems.extend(
                Problem(model=label, pk=pk, field=field, message=message, **key)
                for message in error.messages
            )

    scored_models = {
        model.pk: str(model)
        for model in SourcingModel.objects.filter(is_scored=True).order_by("order", "slug")
    }

    option_counts = Counter(AnswerOption.objects.values_list("question_id", flat=True))
    for question_pk in Question.objects.order_by("pk").values_list("pk", flat=True):
        report(too_few_options(option_counts[question_pk]), Question, question_pk, "options")

    scored_by_option: dict[int, set[int]] = defaultdict(set)
    scores = OptionScore.objects.order_by("pk").values_list(
        "pk", "option_id", "model_id", "model__is_scored"
    )
    for pk, option_id, model_id, model_is_scored in scores:
        scored_by_option[option_id].add(model_id)
        report(score_for_unscored_model(model_is_scored=model_is_scored), OptionScore, pk, "model")

    options = AnswerOption.objects.order_by("pk").values_list(
        "pk",
        "code",
        "question__criterion__slug",
        "question__criterion__kind",
        "delivery_option__kind",
    )
    for pk, code, criterion_slug, criterion_kind, delivery_kind in options:
        unscored = missing_scores(
            scored_criterion=criterion_kind == Criterion.Kind.SCORED,
            scored_models=scored_models,
            scored_ids=scored_by_option[pk],
        )
        report(unscored, AnswerOption, pk, "scores", code=code)
        delivery = profile_option_delivery(criterion_slug=criterion_slug, kind=delivery_kind)
        report(delivery, AnswerOption, pk, "delivery_option", code=code)

    reading_counts = Counter(Reading.objects.values_list("disagreement_id", flat=True))
    for pk, slug in Disagreement.objects.order_by("pk").values_list("pk", "slug"):
        report(too_few_readings(reading_counts[pk]), Disagreement, pk, "readings", slug=slug)

    activities = Activity.objects.order_by("pk").values_list("pk", "slug", "office__kind")
    for pk, slug, kind in activities:
        office = wrong_delivery_kind(expected=DeliveryKind.OFFICE, kind=kind)
        report(office, Activity, pk, "office", slug=slug)

    structures = Provider.objects.order_by("pk").values_list("pk", "slug", "structure__kind")
    for pk, slug, kind in structures:
        structure = wrong_delivery_kind(expected=DeliveryKind.STRUCTURE, kind=kind)
        report(structure, Provider, pk, "structure", slug=slug)
    for field, expected in PROVIDER_DELIVERY_FIELDS.items():
        links = (
            getattr(Provider, field)
            .through.objects.exclude(deliveryoption__kind=expected)
            .order_by("provider_id", "deliveryoption_id")
            .values_list("provider_id", "provider__slug", "deliveryoption__kind")
        )
        for pk, slug, kind in links:
            report(
                wrong_delivery_kind(expected=expected, kind=kind), Provider, pk, field, slug=slug
            )
    return problems
