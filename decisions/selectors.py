"""Reads shared by views, reports and exports: scoped to the user, no N+1."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, Prefetch, QuerySet, Window
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import RowNumber
from django.http import Http404

from decisions import catalogue_version, records
from decisions.advice import AnsweredCriterion, Contradiction, contradictions
from decisions.models import (
    Activity,
    Answer,
    Assessment,
    Benefit,
    Criterion,
    DeliveryOption,
    Disagreement,
    FunctionAssessment,
    Industry,
    Organization,
    PriceOverride,
    Provider,
    Reading,
    RiskMitigation,
    RiskType,
    Source,
    SourcingModel,
)
from decisions.questionnaire import OptionDef, QuestionDef, Questionnaire

AnyUser = User | AnonymousUser


def organizations_for(user: AnyUser) -> QuerySet[Organization]:
    """The organisations a user belongs to (none for anonymous users)."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user)


def get_organization_for_user(user: AnyUser, pk: int) -> Organization:
    """The organisation if the user is a member of it, else 404."""
    organization = organizations_for(user).filter(pk=pk).first()
    if organization is None:
        raise Http404("No such organisation.")
    return organization


def assessments_for(user: AnyUser) -> QuerySet[Assessment]:
    """Assessments of the user's organisations: the only ones they may see."""
    if not user.is_authenticated:
        return Assessment.objects.none()
    return Assessment.objects.filter(organization__memberships__user=user)


def get_assessment_for_user(user: AnyUser, pk: int) -> Assessment:
    """The assessment if the user is a member of its organisation, else 404."""
    assessment = assessments_for(user).select_related("organization", "owner").filter(pk=pk).first()
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def get_function_for_user(
    user: AnyUser, pk: int, *, with_result: bool = False
) -> FunctionAssessment:
    """The business function if the user is a member of its organisation, else 404.

    The stored result, snapshot and previous result (large JSON) and the
    models and activity the result page shows are loaded only ``with_result``:
    the questionnaire's pages read none of them.
    """
    if not user.is_authenticated:
        raise Http404("No such function.")
    functions = FunctionAssessment.objects.filter(
        assessment__organization__memberships__user=user, pk=pk
    )
    if with_result:
        functions = functions.select_related(
            "assessment__organization",
            "activity",
            "recommended_model",
            "final_model",
            "business_case",
        )
    else:
        functions = functions.select_related("assessment").defer("result", "snapshot", "previous")
    function = functions.first()
    if function is None:
        raise Http404("No such function.")
    return function


@dataclass(frozen=True)
class FunctionCount:
    """How many functions of an assessment share a status, recommended model and borderline."""

    assessment_id: int
    status: str
    recommended_model_id: int | None
    borderline: bool
    criteria_version: str
    count: int


@dataclass(frozen=True)
class NextFunction:
    """An assessment's first function (in order) without a recommendation."""

    assessment_id: int
    pk: int
    name: str


def dashboard_assessments(
    user: AnyUser, *, limit: int = 50
) -> tuple[list[Assessment], list[FunctionCount], list[NextFunction]]:
    """The user's most recent assessments, newest first, with their functions counted.

    Counts are grouped in SQL over the chosen assessments only: a ``COUNT``
    annotation on the assessments would make PostgreSQL aggregate every
    assessment of the organisation before it keeps the newest ``limit``
    (``make bench``: 178 ms for 10,000 assessments). Three queries whatever the sizes.
    """
    assessments = list(
        assessments_for(user)
        .select_related("organization", "owner")
        .only(
            "pk",
            "title",
            "status",
            "updated_at",
            "organization__name",
            "owner__username",
            "owner__first_name",
            "owner__last_name",
        )
        .order_by("-updated_at", "-pk")[:limit]
    )
    functions = FunctionAssessment.objects.filter(assessment__in=[a.pk for a in assessments])
    counts = [
        FunctionCount(*values)
        for values in functions.values_list(
            "assessment_id", "status", "recommended_model_id", "borderline", "criteria_version"
        )
        .annotate(count=Count("pk"))
        .order_by()
    ]
    first_open = (
        functions.exclude(status=FunctionAssessment.Status.RECOMMENDED)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=F("assessment_id"), order_by=[F("order"), F("pk")]
            )
        )
        .filter(rank=1)
        .values_list("assessment_id", "pk", "name")
    )
    return assessments, counts, [NextFunction(*values) for values in first_open]


def assessment_functions(assessment: Assessment, *, full: bool = False) -> list[FunctionAssessment]:
    """Every function of an assessment, in order, with its activity and models.

    Lists need only the columns beside each stored result; ``full`` also loads
    the result, snapshot and previous result (reports and exports). Each function
    carries its business case, its own prices and its risk ratings, and the pricing
    its result recorded (the ``pricing`` member of the snapshot alone).
    """
    functions = (
        assessment.functions.select_related(
            "activity", "recommended_model", "final_model", "business_case"
        )
        .prefetch_related(
            Prefetch(
                "price_overrides", queryset=PriceOverride.objects.select_related("sourcing_model")
            ),
            "risk_ratings",
        )
        .annotate(**{RECORDED_PRICING: KeyTransform(records.PRICING_KEY, "snapshot")})
        .order_by("order", "pk")
    )
    if not full:
        functions = functions.defer("result", "snapshot", "previous")
    return list(functions)


# The pricing a stored result recorded, read from the snapshot alone (``FunctionView``).
RECORDED_PRICING = "recorded_pricing"


@dataclass(frozen=True)
class ShortlistEntry:
    provider: Provider
    fits: bool
    lacks: list[str]  # "activity", or the kind of a wanted delivery option ("location", "office")


def providers_with_offer() -> list[Provider]:
    """Every provider profile with what ``provider_shortlist`` looks at.

    Read once per catalogue version and shared by the requests of this process
    (read-only): the version query is the only one.
    """
    return catalogue_version.cached(
        "providers",
        lambda _token: list(
            Provider.objects.select_related("structure")
            .prefetch_related("activities", "delivery_options", "offices", "sourcing_models")
            .order_by("name")
        ),
    )


def provider_shortlist(
    *,
    model_slug: str,
    activity_id: int | None,
    wanted: Sequence[DeliveryOption] = (),
    limit: int = 5,
    providers: list[Provider] | None = None,
) -> list[ShortlistEntry]:
    """Providers offering the model, best fit first, each with what it lacks.

    A provider lacks the activity when it does not serve it, and a wanted
    delivery option (``FunctionView.wanted``: what the profile answers point
    at) when it does not offer it: a location it does not deliver from, an
    office it does not serve. Pass ``providers`` (from ``providers_with_offer``)
    to rank many functions against one load.
    """
    if providers is None:
        providers = providers_with_offer()
    entries = []
    for provider in providers:
        if model_slug not in {m.slug for m in provider.sourcing_models.all()}:
            continue
        lacks = []
        activity_ids = {a.pk for a in provider.activities.all()}
        if activity_id is not None and activity_id not in activity_ids:
            lacks.append("activity")
        offered = {d.pk for d in provider.delivery_options.all()}
        offered |= {d.pk for d in provider.offices.all()}
        lacks.extend(option.kind for option in wanted if option.pk not in offered)
        entries.append(ShortlistEntry(provider=provider, fits=not lacks, lacks=lacks))
    entries.sort(key=lambda e: (len(e.lacks), e.provider.name))
    return entries[:limit]


@dataclass(frozen=True)
class ReviewRow:
    """One step of the review page: the question and the function's answer, if any."""

    question: QuestionDef
    answer: Answer | None
    option: OptionDef | None


def answered_question_ids(function: FunctionAssessment) -> set[int]:
    return set(function.answers.values_list("question_id", flat=True))


def review_rows(
    function: FunctionAssessment, walkthrough: Questionnaire
) -> tuple[list[ReviewRow], list[Contradiction]]:
    """Every question with the function's answer (or None), and contradictory pairs."""
    answers = {answer.question_id: answer for answer in function.answers.all()}
    rows = []
    answered = []
    for question in walkthrough.questions:
        answer = answers.get(question.id)
        option = question.option(answer.option_id) if answer is not None else None
        rows.append(ReviewRow(question=question, answer=answer, option=option))
        if option is not None and question.criterion.is_scored:
            answered.append(
                AnsweredCriterion(
                    slug=question.criterion.slug,
                    name=question.criterion.name,
                    option_label=option.label,
                    scores=option.scores,
                )
            )
    return rows, contradictions(answered)


@dataclass(frozen=True)
class GuideCatalogue:
    """Everything the public guide shows, fully fetched (see ``guide_catalogue``)."""

    sources: list[Source]
    sourcing_models: list[SourcingModel]
    criteria: list[Criterion]
    delivery_options: list[DeliveryOption]
    benefits: list[Benefit]
    disagreements: list[Disagreement]

    @property
    def source_numbers(self) -> dict[int, int]:
        """Source pk -> its number in the guide's list of sources (1-based)."""
        return {source.pk: number for number, source in enumerate(self.sources, start=1)}


def _with_sources() -> Prefetch[Any]:
    return Prefetch("sources", queryset=Source.objects.order_by("order", "slug"))


def guide_catalogue() -> GuideCatalogue:
    """The whole catalogue for the guide page, in a fixed number of queries.

    Each sourcing model carries its ``specialises`` parent, its
    ``typical_activities`` and ``industries`` (each with their sources);
    criteria, delivery options, benefits (with the models they apply to) and
    every row's ``sources`` are prefetched; disagreements carry their
    ``readings`` with each reading's source.
    """
    sourcing_models = list(
        SourcingModel.objects.select_related("specialises")
        .prefetch_related(
            _with_sources(),
            Prefetch(
                "typical_activities",
                queryset=Activity.objects.select_related("office")
                .order_by("order", "name")
                .prefetch_related(_with_sources()),
            ),
            Prefetch(
                "industries",
                queryset=Industry.objects.order_by("order", "name").prefetch_related(
                    _with_sources()
                ),
            ),
        )
        .order_by("order", "slug")
    )
    return GuideCatalogue(
        sources=list(Source.objects.order_by("order", "slug")),
        sourcing_models=sourcing_models,
        criteria=list(
            Criterion.objects.prefetch_related(_with_sources()).order_by("order", "slug")
        ),
        delivery_options=list(
            DeliveryOption.objects.prefetch_related(_with_sources()).order_by(
                "kind", "order", "slug"
            )
        ),
        benefits=list(
            Benefit.objects.prefetch_related(
                _with_sources(),
                Prefetch("sourcing_models", queryset=SourcingModel.objects.order_by("order")),
            ).order_by("order", "name")
        ),
        disagreements=list(
            Disagreement.objects.prefetch_related(
                Prefetch(
                    "readings",
                    queryset=Reading.objects.select_related("source").order_by("order", "pk"),
                )
            ).order_by("order", "slug")
        ),
    )


@dataclass(frozen=True)
class RiskCatalogue:
    """The risk types, in order, and their default mitigations per sourcing model."""

    types: list[RiskType]
    mitigations: dict[tuple[int, str], str]
    parents: dict[str, str]  # a specialisation's slug -> the slug of the model it specialises

    def mitigation(self, risk_type_id: int, model: str | None) -> str:
        """The default mitigation for a model (a specialisation falls back to its parent's)."""
        for slug in (model, self.parents.get(model or "")):
            text = self.mitigations.get((risk_type_id, slug or ""))
            if text:
                return text
        return ""


def risk_catalogue() -> RiskCatalogue:
    """The risk types with their mitigations, read once per catalogue version (read-only)."""

    def build(_token: str) -> RiskCatalogue:
        mitigations = RiskMitigation.objects.select_related("sourcing_model")
        return RiskCatalogue(
            types=list(RiskType.objects.order_by("order", "slug")),
            mitigations={(m.risk_type_id, m.sourcing_model.slug): m.text for m in mitigations},
            parents={
                m.slug: m.specialises.slug
                for m in SourcingModel.objects.select_related("specialises")
                if m.specialises is not None
            },
        )

    return catalogue_version.cached("risk-catalogue", build)


def benefits_by_model() -> dict[str, list[Benefit]]:
    """Model slug -> the benefits that apply to it, with their sources (read-only, cached
    per catalogue version)."""

    def build(_token: str) -> dict[str, list[Benefit]]:
        by_model: dict[str, list[Benefit]] = {}
        benefits = Benefit.objects.prefetch_related(_with_sources(), "sourcing_models").order_by(
            "order", "name"
        )
        for benefit in benefits:
            for model in benefit.sourcing_models.all():
                by_model.setdefault(model.slug, []).append(benefit)
        return by_model

    return catalogue_version.cached("benefits", build)


def results_computed_under(version: str) -> int:
    """How many stored results carry the criteria version ``version`` (all organisations:
    staff are told how many results a catalogue change would mark as computed under older
    criteria)."""
    return FunctionAssessment.objects.filter(
        status=FunctionAssessment.Status.RECOMMENDED, criteria_version=version
    ).count()


@dataclass(frozen=True)
class FunctionLink:
    pk: int
    name: str


def next_steps(function: FunctionAssessment) -> tuple[FunctionLink | None, FunctionLink | None]:
    """After this function's result: the next function without a recommendation (after this
    one in order, else from the start), and else the next without a final decision. One query."""
    rows = list(
        FunctionAssessment.objects.filter(assessment_id=function.assessment_id)
        .exclude(pk=function.pk)
        .order_by("order", "pk")
        .values_list("pk", "name", "order", "status", "final_model_id")
    )
    position = (function.order, function.pk)
    after = [r for r in rows if (r[2], r[0]) > position]
    before = [r for r in rows if (r[2], r[0]) < position]
    ordered = after + before
    unanswered = next((r for r in ordered if r[3] != FunctionAssessment.Status.RECOMMENDED), None)
    undecided = next((r for r in ordered if r[4] is None), None)
    return (
        FunctionLink(unanswered[0], unanswered[1]) if unanswered else None,
        FunctionLink(undecided[0], undecided[1]) if undecided else None,
    )
