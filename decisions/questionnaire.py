"""The questionnaire as read-only data, built once per catalogue version.

Every questionnaire step, review and recomputation needs the same thing: each
question in walkthrough order with its criterion, options and option scores,
and the snapshot a result made now would record. :func:`current` builds it
from the database once and keeps it in this process until the catalogue
version moves (:mod:`decisions.catalogue_version`), so a step costs one small
query for it instead of loading ~235 model instances.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Prefetch

from decisions import catalogue_version, records
from decisions.models import (
    AnswerOption,
    Criterion,
    DeliveryOption,
    PricingAssumption,
    Question,
    SourcingModel,
)
from decisions.vocabulary import DeliveryKind


@dataclass(frozen=True)
class CriterionDef:
    slug: str
    name: str
    kind: str
    weight: Decimal
    order: int
    explanation: str
    bpo_side: str
    kpo_side: str

    @property
    def is_scored(self) -> bool:
        return self.kind == Criterion.Kind.SCORED


@dataclass(frozen=True)
class OptionDef:
    id: int
    code: str
    label: str
    explanation: str
    scores: Mapping[str, Decimal]
    delivery_option_id: int | None = None

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True)
class QuestionDef:
    id: int
    number: int  # the step, from 1
    text: str
    help_text: str
    criterion: CriterionDef
    options: tuple[OptionDef, ...]

    @property
    def pk(self) -> int:
        return self.id

    def option(self, option_id: int) -> OptionDef | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Questionnaire:
    """The walkthrough and the snapshot a result computed now would record."""

    questions: tuple[QuestionDef, ...]
    snapshot: records.Snapshot
    # Every delivery option by id (read-only instances): what profile answers point at.
    delivery_options: Mapping[int, DeliveryOption] = field(default_factory=dict)
    # Sourcing model id -> slug (the snapshot names models by slug).
    model_slugs: Mapping[int, str] = field(default_factory=dict)
    token: str = ""  # the catalogue version it was read under (keys caches of derived pages)
    # Every pricing assumption of the catalogue (``pricing_for`` picks a function's).
    pricing: tuple[records.PricingEntry, ...] = ()

    def __len__(self) -> int:
        return len(self.questions)

    @cached_property
    def by_id(self) -> dict[int, QuestionDef]:
        return {q.id: q for q in self.questions}

    def step(self, number: int) -> QuestionDef | None:
        return self.questions[number - 1] if 1 <= number <= len(self.questions) else None

    @property
    def version(self) -> str:
        """The criteria version a result computed now would carry."""
        return self.snapshot.version

    def pricing_for(self, location: str) -> tuple[records.PricingEntry, ...]:
        """The assumption per outsourced model for a delivery location's slug ("" for none):
        the location's own row, else the model's row for any location."""
        chosen: dict[str, records.PricingEntry] = {}
        for entry in self.pricing:
            if entry.location == location or (entry.location == "" and entry.model not in chosen):
                chosen[entry.model] = entry
        return tuple(chosen.values())

    def wanted(self, answers: Iterable[records.AnswerEntry]) -> list[DeliveryOption]:
        """The delivery options the answers point at ("onshore", "back office"), in order.

        Each profile answer option points at its delivery option by foreign key; "No
        preference" and "Both" point at none and ask nothing.
        """
        by_option = {
            option.id: option.delivery_option_id
            for question in self.questions
            for option in question.options
        }
        wanted = []
        for answer in answers:
            delivery_id = by_option.get(answer.option_id)
            if delivery_id is not None and delivery_id in self.delivery_options:
                wanted.append(self.delivery_options[delivery_id])
        return wanted

    def location_of(self, answers: Iterable[records.AnswerEntry]) -> str:
        """The slug of the delivery location the answers ask for ("" for no preference)."""
        return next((o.slug for o in self.wanted(answers) if o.kind == DeliveryKind.LOCATION), "")


def _model_entries(sourcing_models: list[SourcingModel]) -> list[records.ModelEntry]:
    return [
        records.ModelEntry(
            slug=m.slug,
            abbreviation=m.abbreviation,
            name=m.name,
            is_scored=m.is_scored,
            is_outsourced=m.is_outsourced,
            specialises=m.specialises.slug if m.specialises else None,
            contract_shape=m.contract_shape,
        )
        for m in sourcing_models
    ]


def build(token: str = "") -> Questionnaire:
    """Read the questionnaire from the database (6 queries)."""
    sourcing_models = list(
        SourcingModel.objects.select_related("specialises").order_by("order", "slug")
    )
    models = _model_entries(sourcing_models)
    questions = (
        Question.objects.select_related("criterion")
        .prefetch_related(
            Prefetch(
                "options",
                queryset=AnswerOption.objects.order_by("order", "pk").prefetch_related(
                    Prefetch("scores", to_attr="score_list")
                ),
            )
        )
        .order_by("criterion__order", "criterion__slug", "order", "pk")
    )
    slug_by_model_id = {m.pk: m.slug for m in sourcing_models}
    defs: list[QuestionDef] = []
    entries: dict[str, tuple[CriterionDef, list[records.QuestionEntry]]] = {}
    for number, question in enumerate(questions, start=1):
        c = question.criterion
        criterion = CriterionDef(
            slug=c.slug,
            name=c.name,
            kind=c.kind,
            weight=c.weight,
            order=c.order,
            explanation=c.explanation,
            bpo_side=c.bpo_side,
            kpo_side=c.kpo_side,
        )
        options = tuple(
            OptionDef(
                id=o.pk,
                code=o.code,
                label=o.label,
                explanation=o.explanation,
                scores={
                    slug_by_model_id[s.model_id]: s.score
                    for s in o.score_list  # type: ignore[attr-defined]
                },
                delivery_option_id=o.delivery_option_id,
            )
            for o in question.options.all()
        )
        defs.append(
            QuestionDef(
                id=question.pk,
                number=number,
                text=question.text,
                help_text=question.help_text,
                criterion=criterion,
                options=options,
            )
        )
        entry = entries.setdefault(c.slug, (criterion, []))
        entry[1].append(
            records.QuestionEntry(
                id=question.pk,
                text=question.text,
                options=tuple(
                    records.OptionEntry(id=o.id, code=o.code, label=o.label, scores=o.scores)
                    for o in options
                ),
            )
        )
    snapshot = records.Snapshot.build(
        models,
        (
            records.CriterionEntry(
                slug=criterion.slug,
                name=criterion.name,
                kind=criterion.kind,
                weight=criterion.weight,
                order=criterion.order,
                bpo_side=criterion.bpo_side,
                kpo_side=criterion.kpo_side,
                questions=tuple(question_entries),
            )
            for criterion, question_entries in entries.values()
        ),
    )
    pricing = tuple(
        assumption.record()
        for assumption in PricingAssumption.objects.select_related(
            "sourcing_model", "location"
        ).order_by("sourcing_model__order", "order", "pk")
    )
    return Questionnaire(
        questions=tuple(defs),
        snapshot=snapshot,
        delivery_options={option.pk: option for option in DeliveryOption.objects.all()},
        model_slugs=slug_by_model_id,
        token=token,
        pricing=pricing,
    )


def current() -> Questionnaire:
    """The questionnaire under the current catalogue version (cached in this process)."""
    return catalogue_version.cached("questionnaire", build)
