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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from decisions import charts, costing, questionnaire, records, selectors
from decisions import risks as risk_register
from decisions.advice import CatalogueChange, drivers, snapshot_changes
from decisions.business_case import costing_message
from decisions.formatting import (
    decimal_points,
    money,
    percent,
    plain_number,
    points,
    signed_points,
)
from decisions.models import (
    Assessment,
    Benefit,
    BusinessCase,
    Criterion,
    DeliveryOption,
    FunctionAssessment,
    Organization,
    PriceOverride,
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


ROBUST_FACTOR = 2  # a criterion must count twice (or half) as much to flip: robust
STRONG_PUSH = 0.10  # 10 points of the lead out of 100
MODERATE_PUSH = 0.04


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

    @property
    def strength(self) -> str:
        """How hard it pulled, in words (the result page; the points stay in the chart)."""
        if abs(self.push) >= STRONG_PUSH:
            return str(_("a strong pull"))
        if abs(self.push) >= MODERATE_PUSH:
            return str(_("a moderate pull"))
        return str(_("a slight pull"))


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
        risk_catalogue: selectors.RiskCatalogue | None = None,
    ) -> None:
        self.function = function
        self.number = number
        if walkthrough is not None:
            self.__dict__["walkthrough"] = walkthrough
        if risk_catalogue is not None:
            self.__dict__["risk_catalogue"] = risk_catalogue

    @cached_property
    def walkthrough(self) -> questionnaire.Questionnaire:
        """The current questionnaire (what the profile answers point at today)."""
        return questionnaire.current()

    @cached_property
    def risk_catalogue(self) -> selectors.RiskCatalogue:
        """The risk types and their default mitigations (a list passes one to every view)."""
        return selectors.risk_catalogue()

    @property
    def activity_name(self) -> str:
        """The linked catalogue activity's name, or "" when there is none or it is the function's
        own name ("Payroll processing · Payroll processing" says nothing)."""
        activity = self.function.activity
        if activity is None or activity.name.casefold() == self.function.name.strip().casefold():
            return ""
        return activity.name

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

    @cached_property
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
    def robustness(self) -> str:
        """One plain sentence on how much one criterion would have to count, more or less, for
        the recommendation to change (the result page; the weights stay in the folded table)."""
        weakest = self.weakest
        if weakest is None:
            return str(_("Robust: no change to how much any one criterion counts would change it."))
        raise_it = weakest.upper is not None and (
            weakest.lower is None
            or weakest.upper - weakest.weight <= weakest.weight - weakest.lower
        )
        values: dict[str, object] = {
            "name": weakest.name,
            "model": weakest.above if raise_it else weakest.below,
        }
        if raise_it:
            factor = (weakest.upper or 0) / weakest.weight if weakest.weight else 0
            values["times"] = plain_number(factor, 1)
            sentence = _(
                "“%(name)s” would have to count %(times)s times as much as it does now for "
                "%(model)s to be recommended instead."
            )
            robust = factor >= ROBUST_FACTOR
        elif not weakest.lower:
            sentence = _(
                "Only if “%(name)s” stopped counting altogether would %(model)s be "
                "recommended instead."
            )
            robust = True
        else:
            share = 1 - weakest.lower / weakest.weight
            values["percent"] = plain_number(share * 100, 0)
            sentence = _(
                "“%(name)s” would have to count %(percent)s %% less than it does now for "
                "%(model)s to be recommended instead."
            )
            robust = share >= 1 - 1 / ROBUST_FACTOR
        prefix = _("Robust:") if robust else _("Sensitive:")
        return f"{prefix} {sentence % values}"

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
        return self.walkthrough.wanted(self.profile.values())

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

    @property
    def stale(self) -> bool:
        """Computed under older criteria than the current questionnaire's."""
        return self.is_stale(self.walkthrough.version)

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

    # -- the business case, the risks and the benefits (stage two)

    @cached_property
    def recorded_pricing(self) -> tuple[records.PricingEntry, ...]:
        """The pricing assumptions recorded with the stored result (none before stage two).

        Lists annotate each function with just that part of its snapshot
        (``selectors.RECORDED_PRICING``), so they never load the whole snapshot.
        """
        if selectors.RECORDED_PRICING in self.function.__dict__:
            return records.pricing_from_json(self.function.__dict__[selectors.RECORDED_PRICING])
        return self.snapshot.pricing if self.snapshot is not None else ()

    @cached_property
    def business_case(self) -> BusinessCaseView | None:
        """The function's business case; None before a result or without a baseline
        ("no business case yet")."""
        case = getattr(self.function, "business_case", None)
        if case is None or not self.has_result:
            return None
        return BusinessCaseView(case, self, self.organization)

    @property
    def organization(self) -> Organization:
        return self.function.assessment.organization

    @cached_property
    def risks(self) -> list[RiskLine]:
        """The rated risks, most serious first (see ``decisions.risks``)."""
        recommended = self.function.recommended_model
        return _risk_lines(
            self.function, recommended.slug if recommended else None, self.risk_catalogue
        )

    @property
    def top_risks(self) -> list[RiskLine]:
        return self.risks[:TOP_RISKS]

    @property
    def high_risks(self) -> list[RiskLine]:
        return [line for line in self.risks if line.high]

    @property
    def risk_matrix(self) -> list[list[risk_register.Cell[RiskLine]]]:
        """Rows of impact 5 to 1, columns of likelihood 1 to 5; each cell lists its risks."""
        return risk_register.matrix(self.risks)

    @property
    def risk_flag(self) -> bool:
        """A high residual risk on a recommendation to outsource: the result page flags it."""
        model = self.function.recommended_model
        return model is not None and model.is_outsourced and bool(self.high_risks)

    @cached_property
    def benefits(self) -> list[Benefit]:
        """What the recommended model buys: the catalogue's benefits of it (and of the model
        it specialises), with their sources and caveats."""
        model = self._snapshot.model(self._result.recommended)
        if model is None:
            return []
        by_model = selectors.benefits_by_model()
        seen: dict[int, Benefit] = {}
        for slug in (model.slug, model.specialises):
            for benefit in by_model.get(slug or "", []):
                seen.setdefault(benefit.pk, benefit)
        return sorted(seen.values(), key=lambda b: (b.order, b.name))


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

    def __init__(
        self,
        assessment: Assessment,
        functions: Sequence[FunctionAssessment],
        *,
        walkthrough: questionnaire.Questionnaire | None = None,
    ) -> None:
        self.assessment = assessment
        if walkthrough is None:
            walkthrough = questionnaire.current()
        self.walkthrough = walkthrough
        risk_catalogue = selectors.risk_catalogue()
        self.functions = [
            FunctionView(
                function, number=number, walkthrough=walkthrough, risk_catalogue=risk_catalogue
            )
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
    def stale_count(self) -> int:
        """Results computed under older criteria ("Recompute all" brings them up to date)."""
        return sum(1 for view in self.with_result if view.is_stale(self.walkthrough.version))

    @property
    def next_function(self) -> FunctionView | None:
        """The next thing to do: the first function without a recommendation."""
        return next((view for view in self.functions if not view.has_result), None)

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

    @cached_property
    def portfolio_case(self) -> PortfolioCase | None:
        """The business cases added up (None while no function has one)."""
        currency = self.assessment.organization.currency
        chosen = [
            view.business_case.chosen for view in self.with_result if view.business_case is not None
        ]
        if not chosen:
            return None
        counted = [
            e.estimate
            for e in chosen
            if e is not None and e.estimate is not None and e.estimate.currency == currency
        ]

        def total(pick: Callable[[costing.Estimate], Decimal]) -> Decimal:
            return sum((pick(estimate) for estimate in counted), Decimal(0))

        return PortfolioCase(
            currency=currency,
            counted=len(counted),
            uncounted=len(chosen) - len(counted),
            saving_low=total(lambda e: e.low.annual_saving),
            saving=total(lambda e: e.expected.annual_saving),
            saving_high=total(lambda e: e.high.annual_saving),
            transition=total(lambda e: e.transition_cost),
            net_value=total(lambda e: e.expected.net_value),
        )

    @property
    def saving_total(self) -> Decimal | None:
        """The expected annual saving of the portfolio (see ``portfolio_case``)."""
        case = self.portfolio_case
        return case.saving if case is not None else None

    @property
    def high_risk_count(self) -> int:
        """High residual risks rated across the assessment's functions."""
        return sum(len(view.high_risks) for view in self.functions)

    @property
    def business_case_views(self) -> list[FunctionView]:
        return [view for view in self.with_result if view.business_case is not None]

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


# --- the business case -------------------------------------------------------------------------

KPO_CAVEAT = gettext_lazy(
    "The source documents warn that KPO may or may not save cost: what it buys is "
    "expertise. Treat this saving as uncertain."
)
NO_PRICE = gettext_lazy(
    "No pricing assumption covers this model at this delivery location: enter your own price."
)
NOT_RECORDED = gettext_lazy(
    "This result was computed before business cases existed: recompute it to estimate."
)


def _locale() -> str:
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)


def _money(value: Decimal, currency: str) -> str:
    return money(value, currency, locale=_locale())


@dataclass(frozen=True)
class ModelEstimate:
    """The business case of one sourcing model for a function, with what it rests on.

    ``estimate`` is None when there is no figure; ``problem`` then says why. ``source``
    is ``in-house`` (today's cost), ``assumption`` (the catalogue's, as recorded with the
    result), ``override`` (the manager's own) or ``quote`` (a provider's).
    """

    slug: str
    abbreviation: str
    name: str
    recommended: bool
    estimate: costing.Estimate | None
    problem: StrOrPromise = ""
    source: str = ""
    provider: str = ""
    note: str = ""
    is_sample: bool = False
    caveat: bool = False  # KPO or its specialisation: the documents' caveat stands beside it
    pricing: records.PricingEntry | None = None

    @property
    def in_house(self) -> bool:
        return self.source == "in-house"

    @property
    def caveat_text(self) -> StrOrPromise:
        """The documents' caveat that KPO (and LPO) may not save cost, beside its figures."""
        return KPO_CAVEAT if self.caveat else ""

    def _amount(self, value: Decimal) -> str:
        assert self.estimate is not None
        return _money(value, self.estimate.currency)

    @property
    def run_cost(self) -> str:
        assert self.estimate is not None
        return self._amount(self.estimate.expected.annual_run_cost)

    @property
    def saving(self) -> str:
        assert self.estimate is not None
        return self._amount(self.estimate.expected.annual_saving)

    @property
    def saving_low(self) -> str:
        assert self.estimate is not None
        return self._amount(self.estimate.low.annual_saving)

    @property
    def saving_high(self) -> str:
        assert self.estimate is not None
        return self._amount(self.estimate.high.annual_saving)

    @property
    def has_range(self) -> bool:
        """Whether the saving is a range (a single quoted price is not)."""
        return self.estimate is not None and self.estimate.low != self.estimate.high

    @property
    def transition(self) -> str:
        assert self.estimate is not None
        return self._amount(self.estimate.transition_cost)

    @property
    def governance(self) -> str:
        assert self.estimate is not None
        return self._amount(self.estimate.annual_governance)

    @property
    def net_value(self) -> str:
        assert self.estimate is not None
        return self._amount(self.estimate.expected.net_value)

    @property
    def loses_money(self) -> bool:
        return self.estimate is not None and not self.in_house and self.estimate.loses_money

    @property
    def may_lose_money(self) -> bool:
        return self.estimate is not None and not self.in_house and self.estimate.may_lose_money

    @property
    def payback(self) -> str:
        """When the transition cost is paid back by the expected saving, in words."""
        estimate = self.estimate
        if estimate is None or self.in_house:
            return ""
        months = estimate.expected.payback_months
        if months is None:
            return _("never: the saving does not cover the transition")
        if months == 0:
            return _("at once: no transition cost")
        text = ngettext("%(months)d month", "%(months)d months", months) % {"months": months}
        if months > estimate.term_months:
            return _("%(payback)s, after the %(term)d-month term") % {
                "payback": text,
                "term": estimate.term_months,
            }
        return text

    @property
    def plainly(self) -> str:
        """A saving that is negative, said plainly ("" when the expected saving is positive)."""
        estimate = self.estimate
        if estimate is None or self.in_house:
            return ""
        if estimate.loses_money:
            return _(
                "Outsourcing to %(model)s would cost %(amount)s a year more than keeping the "
                "work in-house, at the expected price."
            ) % {
                "model": self.abbreviation,
                "amount": self._amount(-estimate.expected.annual_saving),
            }
        if estimate.may_lose_money:
            return _(
                "At the high price, %(model)s would cost %(amount)s a year more than today."
            ) % {"model": self.abbreviation, "amount": self._amount(-estimate.low.annual_saving)}
        return ""

    @property
    def price_text(self) -> str:
        """The price range it rests on, in words ("65 % of today's cost (range 55 % to 70 %)")."""
        entry = self.pricing
        if entry is None:
            return ""
        return _price_text(entry)


def _value_text(basis: str, value: Decimal, currency: str) -> str:
    match basis:
        case costing.Basis.SHARE:
            return percent(value)
        case costing.Basis.PER_FTE:
            return _("%(amount)s per FTE") % {"amount": _money(value, currency)}
        case costing.Basis.PER_TRANSACTION:
            return _("%(amount)s per transaction") % {
                "amount": f"{currency}\u00a0{plain_number(value, 4)}"
            }
    return _money(value, currency)


def _price_text(entry: records.PricingEntry) -> str:
    currency = entry.currency
    low, expected, high = (
        _value_text(entry.basis, v, currency) for v in (entry.low, entry.expected, entry.high)
    )
    share = " " + _("of today's cost") if entry.basis == costing.Basis.SHARE else ""
    if entry.low == entry.high:
        return f"{expected}{share}"
    return _("%(expected)s%(share)s (range %(low)s to %(high)s)") % {
        "expected": expected,
        "share": share,
        "low": low,
        "high": high,
    }


class BusinessCaseView:
    """A function's business case: today's cost and an estimate per sourcing model.

    The prices are those recorded with the stored result (or the manager's own, live);
    the baseline and the organisation's term and discount rate are live, so editing them
    changes the figures at once. Nothing here is stored.
    """

    def __init__(self, case: BusinessCase, view: FunctionView, organization: Organization) -> None:
        self.case = case
        self.view = view
        self.organization = organization

    @property
    def currency(self) -> str:
        return self.case.currency

    @property
    def currency_mismatch(self) -> bool:
        """Entered in a currency the organisation no longer reports in."""
        return self.case.currency != self.organization.currency

    @cached_property
    def baseline(self) -> costing.Baseline:
        return self.case.baseline()

    @property
    def baseline_text(self) -> str:
        """Today's cost in words: "12 FTEs x €55,000 = €660,000 a year"."""
        case, total = self.case, _money(self.baseline.annual, self.currency)
        if case.cost_per_fte is not None and case.ftes is not None:
            return _("%(ftes)s FTEs \u00d7 %(cost)s = %(total)s a year") % {
                "ftes": plain_number(case.ftes),
                "cost": _money(case.cost_per_fte, self.currency),
                "total": total,
            }
        if case.ftes is not None:
            return _("%(total)s a year (%(ftes)s FTEs)") % {
                "total": total,
                "ftes": plain_number(case.ftes),
            }
        return _("%(total)s a year") % {"total": total}

    @property
    def volume_text(self) -> str:
        volume = self.case.yearly_volume
        if volume is None:
            return ""
        return _("%(volume)s transactions a year") % {"volume": f"{volume:,}"}

    @cached_property
    def terms(self) -> costing.Terms:
        return self.organization.terms()

    @property
    def terms_text(self) -> str:
        return _("over %(months)d months at a discount rate of %(rate)s a year") % {
            "months": self.terms.months,
            "rate": percent(self.terms.discount_rate),
        }

    @property
    def recorded(self) -> bool:
        """Whether the stored result recorded the pricing assumptions (results since stage two)."""
        return bool(self.view.recorded_pricing)

    @cached_property
    def overrides(self) -> dict[str, PriceOverride]:
        """The function's own prices by model slug (prefetched by lists, else one query)."""
        function = self.view.function
        prefetched = "price_overrides" in getattr(function, "_prefetched_objects_cache", {})
        overrides = function.price_overrides.all()
        if not prefetched:
            overrides = overrides.select_related("sourcing_model")
        return {o.sourcing_model.slug: o for o in overrides}

    @cached_property
    def estimates(self) -> list[ModelEstimate]:
        """The recommended model first, then keeping it in-house, then the alternatives."""
        view = self.view
        recommended = view.function.recommended_model
        final = view.function.final_model
        wanted = {m.slug for m in (recommended, final) if m is not None}
        models = [m for m in view.walkthrough.snapshot.models if m.is_scored or m.slug in wanted]
        in_house = [m for m in models if not m.is_outsourced]
        rank = {m.slug: i for i, m in enumerate(models)}
        ordered = sorted(
            models,
            key=lambda m: (
                recommended is None or m.slug != recommended.slug,
                m not in in_house,
                rank[m.slug],
            ),
        )
        return [self._estimate(m, recommended) for m in ordered]

    def _estimate(
        self, model: records.ModelEntry, recommended: SourcingModel | None
    ) -> ModelEstimate:
        base = ModelEstimate(
            slug=model.slug,
            abbreviation=model.abbreviation,
            name=model.name,
            recommended=recommended is not None and model.slug == recommended.slug,
            estimate=None,
            caveat=KPO in {model.slug, model.specialises},
        )
        if not model.is_outsourced:
            estimate = costing.in_house_estimate(self.baseline, self.terms, model=model.slug)
            return replace(base, estimate=estimate, source="in-house")
        override = self.overrides.get(model.slug)
        if override is not None:
            entry = override.entry(model.slug)
            base = replace(base, source=override.kind, provider=override.provider)
        else:
            recorded = {e.model: e for e in self.view.recorded_pricing}
            if not recorded:
                return replace(base, problem=NOT_RECORDED)
            if model.slug not in recorded:
                return replace(base, problem=NO_PRICE)
            entry = recorded[model.slug]
            base = replace(base, source="assumption", is_sample=entry.is_sample)
        base = replace(base, note=entry.note, pricing=entry)
        try:
            return replace(
                base, estimate=costing.estimate(self.baseline, entry.pricing(), self.terms)
            )
        except costing.CostingError as error:
            return replace(base, problem=costing_message(error))

    @property
    def recommended(self) -> ModelEstimate | None:
        return next((e for e in self.estimates if e.recommended), None)

    @property
    def chosen(self) -> ModelEstimate | None:
        """The final decision's estimate when one is recorded, else the recommendation's."""
        final = self.view.function.final_model
        if final is not None:
            return next((e for e in self.estimates if e.slug == final.slug), None)
        return self.recommended

    @cached_property
    def pricing_changed(self) -> bool:
        """The catalogue's assumptions for this function changed since the result was computed."""
        if not self.recorded:
            return False
        walkthrough = self.view.walkthrough
        current = walkthrough.pricing_for(walkthrough.location_of(self.view.profile.values()))
        return set(current) != set(self.view.recorded_pricing)


# --- the risk register ---------------------------------------------------------------------------

LEVEL_LABELS: dict[risk_register.Level, StrOrPromise] = {
    risk_register.Level.LOW: gettext_lazy("Low"),
    risk_register.Level.MEDIUM: gettext_lazy("Medium"),
    risk_register.Level.HIGH: gettext_lazy("High"),
}
TOP_RISKS = 3


@dataclass(frozen=True)
class RiskLine:
    """One rated risk of a function, numbered by seriousness (the matrix shows the numbers)."""

    number: int
    slug: str
    name: str
    description: str
    likelihood: int
    impact: int
    order: int
    owner: str
    mitigation: str
    default_mitigation: str

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def level(self) -> risk_register.Level:
        return risk_register.level(self.likelihood, self.impact)

    @property
    def level_label(self) -> StrOrPromise:
        return LEVEL_LABELS[self.level]

    @property
    def high(self) -> bool:
        return self.level is risk_register.Level.HIGH


def _risk_lines(
    function: FunctionAssessment, model: str | None, catalogue: selectors.RiskCatalogue
) -> list[RiskLine]:
    # The risk types come from the cached catalogue: no query per rating.
    types = {risk_type.pk: risk_type for risk_type in catalogue.types}
    rated = risk_register.ranked(
        (r for r in function.risk_ratings.all() if r.risk_type_id in types),
        order=lambda r: types[r.risk_type_id].order,
    )
    return [
        RiskLine(
            number=number,
            slug=types[rating.risk_type_id].slug,
            name=types[rating.risk_type_id].name,
            description=types[rating.risk_type_id].description,
            likelihood=rating.likelihood,
            impact=rating.impact,
            order=types[rating.risk_type_id].order,
            owner=rating.owner,
            mitigation=rating.mitigation,
            default_mitigation=catalogue.mitigation(rating.risk_type_id, model),
        )
        for number, rating in enumerate(rated, start=1)
    ]


# --- the portfolio -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioCase:
    """The business cases of an assessment added up, in the organisation's currency.

    Each function counts with its final decision's estimate when one is recorded, else
    its recommendation's. Functions without a figure in that currency are counted apart.
    """

    currency: str
    counted: int
    uncounted: int
    saving_low: Decimal
    saving: Decimal
    saving_high: Decimal
    transition: Decimal
    net_value: Decimal

    def _amount(self, value: Decimal) -> str:
        return _money(value, self.currency)

    @property
    def saving_text(self) -> str:
        return self._amount(self.saving)

    @property
    def saving_low_text(self) -> str:
        return self._amount(self.saving_low)

    @property
    def saving_high_text(self) -> str:
        return self._amount(self.saving_high)

    @property
    def transition_text(self) -> str:
        return self._amount(self.transition)

    @property
    def net_value_text(self) -> str:
        return self._amount(self.net_value)


# --- the dashboard -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelCount:
    slug: str
    abbreviation: str
    count: int


@dataclass(frozen=True)
class AssessmentCard:
    """One assessment on the dashboard: progress, recommendations by model, what to do next."""

    assessment: Assessment
    function_count: int
    recommended_count: int
    close_calls: int
    model_counts: list[ModelCount]
    next_function: selectors.NextFunction | None  # the first function still to answer
    stale_count: int = 0  # results computed under older criteria

    @property
    def complete(self) -> bool:
        return self.function_count > 0 and self.recommended_count == self.function_count

    @property
    def key(self) -> str:
        """Everything the card shows: its rendering is cached under this."""
        a = self.assessment
        owner = a.owner.get_full_name() or a.owner.get_username() if a.owner else ""
        return repr(
            (
                a.pk,
                a.title,
                a.status,
                a.updated_at.isoformat(),
                a.organization.name,
                owner,
                self.function_count,
                self.recommended_count,
                self.close_calls,
                self.stale_count,
                [(m.slug, m.abbreviation, m.count) for m in self.model_counts],
                (self.next_function.pk, self.next_function.name) if self.next_function else None,
            )
        )


def dashboard_cards(
    assessments: Sequence[Assessment],
    counts: Sequence[selectors.FunctionCount],
    next_functions: Sequence[selectors.NextFunction],
) -> list[AssessmentCard]:
    """The dashboard's cards, from counts of the functions' key columns (no stored JSON)."""
    walkthrough = questionnaire.current()
    by_assessment: dict[int, list[selectors.FunctionCount]] = {}
    for row in counts:
        by_assessment.setdefault(row.assessment_id, []).append(row)
    following = {f.assessment_id: f for f in next_functions}
    cards = []
    for assessment in assessments:
        rows = by_assessment.get(assessment.pk, [])
        recommended = [
            r
            for r in rows
            if r.status == FunctionAssessment.Status.RECOMMENDED
            and r.recommended_model_id is not None
        ]
        by_model: Counter[str | None] = Counter()
        for r in recommended:
            by_model[walkthrough.model_slugs.get(r.recommended_model_id or 0)] += r.count
        cards.append(
            AssessmentCard(
                assessment=assessment,
                function_count=sum(r.count for r in rows),
                recommended_count=sum(r.count for r in recommended),
                close_calls=sum(r.count for r in recommended if r.borderline),
                model_counts=[
                    ModelCount(model.slug, model.abbreviation, by_model[model.slug])
                    for model in walkthrough.snapshot.models
                    if by_model[model.slug]
                ],
                next_function=following.get(assessment.pk),
                stale_count=sum(
                    r.count for r in recommended if r.criteria_version != walkthrough.version
                ),
            )
        )
    return cards
