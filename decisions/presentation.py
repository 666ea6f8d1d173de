"""What a stored decision looks like to a reader: one view model per function and one per
assessment, used by the web pages, the PDF report and the CSV/JSON exports alike.

Everything is read from the typed records (:mod:`decisions.records`) stored with
each function, never from the live catalogue, so a page or a report printed
next year says what it said when the result was computed. Numbers are turned
into words and points here, once (:func:`points`, :func:`signed_points`,
:func:`plain_number`); templates and exporters only place them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from decisions import charts, questionnaire, records, selectors
from decisions.advice import CatalogueChange, drivers, snapshot_changes
from decisions.formatting import decimal_points, plain_number, points, signed_points
from decisions.models import (
    Assessment,
    Criterion,
    DeliveryOption,
    FunctionAssessment,
    Provider,
    SourcingModel,
)
from decisions.scoring import ConfidenceBand, Contribution, Sensitivity, confidence_band
from decisions.selectors import ShortlistEntry
from decisions.vocabulary import BPO, KPO, DeliveryKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- confidence bands ------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    slug: str
    label: StrOrPromise


BAND_LABELS: dict[ConfidenceBand, StrOrPromise] = {
    ConfidenceBand.CLEAR: gettext_lazy("Clear"),
    ConfidenceBand.LEANING: gettext_lazy("Leaning"),
    ConfidenceBand.CLOSE_CALL: gettext_lazy("Close call"),
}
BANDS = tuple(Band(band.value, label) for band, label in BAND_LABELS.items())
CLOSE_CALL = ConfidenceBand.CLOSE_CALL.value


def band(margin: float, borderline: bool, unsure_share: float = 0) -> Band:
    """Clear, leaning or a close call (the engine's bands), with the words a reader sees."""
    which = confidence_band(margin=margin, borderline=borderline, unsure_share=unsure_share)
    return Band(which.value, BAND_LABELS[which])


# --- pieces of a function's view ---------------------------------------------------------------


@dataclass(frozen=True)
class ModelLine:
    slug: str
    abbreviation: str
    name: str
    score: float

    @property
    def points(self) -> int:
        return points(self.score)


@dataclass(frozen=True)
class Reason:
    """An answer that pushed toward (or away from) the recommended model."""

    slug: str
    name: str
    option_label: str
    favours: str
    push: float

    @property
    def push_points(self) -> str:
        """The lead it added or took, in points with one decimal, unsigned."""
        return decimal_points(abs(self.push))


@dataclass(frozen=True)
class SensitivityRow:
    """How far one criterion's weight can move, the others held, before the winner changes."""

    slug: str
    name: str
    weight: float
    lower: float | None
    upper: float | None
    below: str
    above: str
    change: float | None
    weakest: bool

    @property
    def weight_text(self) -> str:
        return plain_number(self.weight)

    @property
    def lower_text(self) -> str:
        return plain_number(self.lower)

    @property
    def upper_text(self) -> str:
        return plain_number(self.upper)

    @property
    def holds(self) -> str:
        """The weights over which the recommendation holds, in words."""
        if self.lower is None and self.upper is None:
            return _("any")
        if self.upper is None:
            return f"≥ {plain_number(self.lower or 0)}"
        if self.lower is None:
            return f"≤ {plain_number(self.upper)}"
        return f"{plain_number(self.lower)}\u2013{plain_number(self.upper)}"


@dataclass(frozen=True)
class ScoreChange:
    abbreviation: str
    slug: str
    before: int | None
    now: int


@dataclass(frozen=True)
class Comparison:
    """The result before the last recomputation under changed criteria, beside today's."""

    model: str
    model_slug: str
    changed: bool
    rows: list[ScoreChange]
    criteria_version: str
    computed_at: datetime | None
    changes: list[CatalogueChange]


class FunctionView:
    """Everything the result page, the overview, the PDF and the exports say about a function.

    ``has_result`` is False while the function is not fully answered; the
    result-derived properties must not be read then.
    """

    def __init__(
        self,
        function: FunctionAssessment,
        *,
        number: int = 0,
        walkthrough: questionnaire.Questionnaire | None = None,
    ) -> None:
        self.function = function
        self.number = number
        if walkthrough is not None:
            self.__dict__["walkthrough"] = walkthrough

    @cached_property
    def walkthrough(self) -> questionnaire.Questionnaire:
        """The current questionnaire (what the profile answers point at today)."""
        return questionnaire.current()

    @property
    def has_result(self) -> bool:
        function = self.function
        return (
            function.status == FunctionAssessment.Status.RECOMMENDED
            and function.recommended_model_id is not None
        )

    @cached_property
    def result(self) -> records.StoredResult | None:
        """The stored result (parsed on first use: lists need only the columns)."""
        return self.function.stored_result if self.has_result else None

    @cached_property
    def snapshot(self) -> records.Snapshot | None:
        return self.function.stored_snapshot if self.has_result else None

    @property
    def name(self) -> str:
        return self.function.name

    @property
    def anchor(self) -> str:
        return f"function-{self.function.pk}"

    # -- models and scores

    def abbreviation(self, slug: str | None) -> str:
        model = self._snapshot.model(slug)
        return model.abbreviation if model is not None else (slug or "")

    def _line(self, slug: str, score: float) -> ModelLine:
        model = self._snapshot.model(slug)
        if model is None:
            return ModelLine(slug, slug, slug, score)
        return ModelLine(slug, model.abbreviation, model.name, score)

    @property
    def _result(self) -> records.StoredResult:
        assert self.result is not None, "no stored result"
        return self.result

    @property
    def _snapshot(self) -> records.Snapshot:
        assert self.snapshot is not None, "no stored snapshot"
        return self.snapshot

    @property
    def recommended(self) -> SourcingModel:
        """The recommended model (LPO for legal work when KPO wins)."""
        model = self.function.recommended_model
        assert model is not None, "no recommendation"
        return model

    @cached_property
    def ranking(self) -> list[ModelLine]:
        return [self._line(r.model, r.score) for r in self._result.engine.ranking]

    @property
    def engine_winner(self) -> ModelLine:
        return self.ranking[0]

    @property
    def runner_up(self) -> ModelLine | None:
        return self.ranking[1] if len(self.ranking) > 1 else None

    @property
    def specialised(self) -> bool:
        return self._result.specialised

    # The columns stored beside the result answer lists without parsing it.
    @property
    def margin(self) -> float:
        return self.function.confidence or 0.0

    @property
    def margin_points(self) -> int:
        return points(self.margin)

    @property
    def borderline(self) -> bool:
        return self.function.borderline

    @property
    def band(self) -> Band:
        return band(self.margin, self.borderline)

    @property
    def scores(self) -> dict[str, float]:
        return self._result.scores

    @property
    def lean(self) -> float:
        """KPO score minus BPO score: how far the answers lean toward knowledge work."""
        return self.scores.get(KPO, 0.0) - self.scores.get(BPO, 0.0)

    @property
    def lean_points(self) -> str:
        return signed_points(self.lean)

    # -- why

    def _reason(self, contribution: Contribution) -> Reason:
        criterion = self._snapshot.criterion(contribution.slug)
        answer = self._result.answer(contribution.slug)
        return Reason(
            slug=contribution.slug,
            name=criterion.name if criterion else contribution.slug,
            option_label=answer.option_label if answer else "",
            favours=self.abbreviation(contribution.favours),
            push=contribution.push,
        )

    @cached_property
    def _drivers(self) -> tuple[list[Reason], list[Reason]]:
        pushing, against = drivers(self._result.engine)
        return [self._reason(c) for c in pushing], [self._reason(c) for c in against]

    @property
    def reasons_for(self) -> list[Reason]:
        return self._drivers[0]

    @property
    def reasons_against(self) -> list[Reason]:
        return self._drivers[1]

    # -- robustness

    def _sensitivity_row(self, entry: Sensitivity) -> SensitivityRow:
        criterion = self._snapshot.criterion(entry.slug)
        weakest = self._result.engine.weakest
        return SensitivityRow(
            slug=entry.slug,
            name=criterion.name if criterion else entry.slug,
            weight=entry.weight,
            lower=entry.lower,
            upper=entry.upper,
            below=self.abbreviation(entry.flips_to_below),
            above=self.abbreviation(entry.flips_to_above),
            change=entry.change,
            weakest=weakest is not None and weakest.slug == entry.slug,
        )

    @cached_property
    def sensitivity(self) -> list[SensitivityRow]:
        """Every scored criterion's row, in criterion order."""
        return [self._sensitivity_row(e) for e in self._result.engine.sensitivity]

    def sensitive_criteria(self, limit: int = 5) -> list[SensitivityRow]:
        """The criteria whose weight alone could change the result, most sensitive first."""
        can_flip = sorted(
            (row for row in self.sensitivity if row.change is not None),
            key=lambda row: row.change or 0.0,
        )
        return can_flip[:limit]

    @property
    def weakest(self) -> SensitivityRow | None:
        return next((row for row in self.sensitivity if row.weakest), None)

    @property
    def what_would_flip(self) -> str:
        """One sentence: the smallest single weight change that would change the result."""
        weakest = self.weakest
        if weakest is None:
            return _("No change to a single criterion's weight would change this recommendation.")
        raise_it = weakest.upper is not None and (
            weakest.lower is None
            or weakest.upper - weakest.weight <= weakest.weight - weakest.lower
        )
        values = {
            "name": weakest.name,
            "now": plain_number(weakest.weight),
            "to": plain_number(weakest.upper if raise_it else weakest.lower),
            "model": weakest.above if raise_it else weakest.below,
        }
        if raise_it:
            return (
                _(
                    "Raising the weight of “%(name)s” from %(now)s to %(to)s would make "
                    "%(model)s the recommendation."
                )
                % values
            )
        return (
            _(
                "Lowering the weight of “%(name)s” from %(now)s to %(to)s would make "
                "%(model)s the recommendation."
            )
            % values
        )

    # -- answers, profile, contract

    @property
    def answers(self) -> tuple[records.AnswerEntry, ...]:
        return self._result.answers

    @cached_property
    def profile(self) -> dict[str, records.AnswerEntry]:
        """Answers to the questions that refine but do not score, by criterion slug."""
        return self._result.profile(Criterion.Kind.SCORED)

    @cached_property
    def wanted(self) -> list[DeliveryOption]:
        """What the profile answers ask of a provider ("onshore", "back office"), in order.

        Each profile answer option points at its delivery option by foreign key;
        "No preference" and "Both" point at none and ask nothing.
        """
        walkthrough = self.walkthrough
        by_option = {
            option.id: option.delivery_option_id
            for question in walkthrough.questions
            for option in question.options
        }
        wanted = []
        for answer in self.profile.values():
            delivery_id = by_option.get(answer.option_id)
            if delivery_id is not None and delivery_id in walkthrough.delivery_options:
                wanted.append(walkthrough.delivery_options[delivery_id])
        return wanted

    @property
    def refinement(self) -> list[str]:
        """ "offshore", "back office": the delivery and office answers that narrow the choice."""
        return [option.name.lower() for option in self.wanted]

    @property
    def location_label(self) -> str:
        return next((o.name for o in self.wanted if o.kind == DeliveryKind.LOCATION), "")

    @property
    def contract_shape(self) -> str:
        model = self._snapshot.model(self._result.recommended)
        return model.contract_shape if model else ""

    # -- charts' inputs

    @property
    def scores_data(self) -> list[tuple[str, str, float]]:
        return [(line.abbreviation, line.slug, line.score) for line in self.ranking]

    @property
    def contribution_models(self) -> list[tuple[str, str]]:
        """The scored models, in catalogue order: ``(slug, abbreviation)``."""
        ranked = {line.slug for line in self.ranking}
        return [(m.slug, m.abbreviation) for m in self._snapshot.models if m.slug in ranked]

    @property
    def contributions_data(self) -> list[tuple[str, dict[str, float]]]:
        return [
            (self._reason(c).name, dict(c.per_model)) for c in self._result.engine.contributions
        ]

    # -- provenance and change

    @property
    def criteria_version(self) -> str:
        return self.function.criteria_version

    @property
    def computed_at(self) -> datetime | None:
        return self.function.computed_at

    def is_stale(self, current_version: str) -> bool:
        """Whether the criteria changed since the result was computed."""
        return self.has_result and self.criteria_version != current_version

    @cached_property
    def comparison(self) -> Comparison | None:
        previous = self.function.stored_previous
        if previous is None or not self.has_result:
            return None
        rows = [
            ScoreChange(
                abbreviation=line.abbreviation,
                slug=line.slug,
                before=points(previous.scores[line.slug]) if line.slug in previous.scores else None,
                now=line.points,
            )
            for line in self.ranking
        ]
        return Comparison(
            model=self.abbreviation(previous.recommended),
            model_slug=previous.recommended,
            changed=previous.recommended != self._result.recommended,
            rows=rows,
            criteria_version=previous.criteria_version,
            computed_at=previous.computed_at,
            changes=snapshot_changes(previous.snapshot, self._snapshot)
            if previous.snapshot
            else [],
        )

    def shortlist(self, providers: list[Provider] | None = None) -> list[ShortlistEntry]:
        """Providers offering the recommended model, best fit to the answers first."""
        return selectors.provider_shortlist(
            model_slug=self._result.recommended,
            activity_id=self.function.activity_id,
            wanted=self.wanted,
            providers=providers,
        )

    # -- the manager's decision

    @property
    def decision_differs(self) -> bool:
        function = self.function
        return (
            self.has_result
            and function.final_model_id is not None
            and function.final_model_id != function.recommended_model_id
        )


# --- the assessment ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionUse:
    """One criteria version used by some of an assessment's results."""

    version: str
    count: int
    first: datetime | None
    last: datetime | None


class AssessmentView:
    """An assessment and its functions, numbered in order, with portfolio figures."""

    def __init__(self, assessment: Assessment, functions: Sequence[FunctionAssessment]) -> None:
        self.assessment = assessment
        walkthrough = questionnaire.current()
        self.functions = [
            FunctionView(function, number=number, walkthrough=walkthrough)
            for number, function in enumerate(functions, 1)
        ]
        # ``(slug, abbreviation)`` of every sourcing model, in catalogue order.
        self._models = [(m.slug, m.abbreviation) for m in walkthrough.snapshot.models]

    @property
    def with_result(self) -> list[FunctionView]:
        return [view for view in self.functions if view.has_result]

    @property
    def recommended_count(self) -> int:
        return len(self.with_result)

    @property
    def pending_count(self) -> int:
        return len(self.functions) - self.recommended_count

    @property
    def borderline_count(self) -> int:
        return sum(1 for view in self.with_result if view.borderline)

    @property
    def differs_count(self) -> int:
        return sum(1 for view in self.with_result if view.decision_differs)

    @property
    def model_counts(self) -> list[tuple[str, int]]:
        """``(abbreviation, count)`` of the recommended models, in catalogue order."""
        counts = Counter(view.recommended.slug for view in self.with_result)
        return [(label, counts[slug]) for slug, label in self._models if counts[slug]]

    @property
    def versions(self) -> list[VersionUse]:
        uses: dict[str, list[datetime | None]] = {}
        for view in self.with_result:
            uses.setdefault(view.criteria_version, []).append(view.computed_at)
        result = []
        for version, times in uses.items():
            known = [t for t in times if t is not None]
            result.append(
                VersionUse(
                    version,
                    len(times),
                    min(known) if known else None,
                    max(known) if known else None,
                )
            )
        return result

    def portfolio(self, *, link: bool = False, width: int = 640) -> charts.PortfolioChart:
        """The portfolio grid: recommended model by confidence band, every function numbered."""
        items = [
            charts.PortfolioItem(
                number=view.number,
                name=view.name,
                model=view.recommended.slug,
                band=view.band.slug,
                href=f"#{view.anchor}" if link else "",
            )
            for view in self.with_result
        ]
        return charts.portfolio_chart(
            items,
            self._models,
            [(band.slug, str(band.label)) for band in BANDS],
            width=width,
            shaded_row=CLOSE_CALL,
        )
