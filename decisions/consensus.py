"""Pure group layer over the scoring engine: several respondents, "not sure", settled criteria.

No Django or project imports beyond :mod:`decisions.scoring`; arithmetic is exact
(:class:`fractions.Fraction`) and only converted to ``float`` in the output.

Inputs: criteria ``i`` with weights ``w_i`` (a mapping, in criterion order), models ``m``,
respondents ``r`` each answering a criterion with a :class:`Choice` (an option code and its
score per model, ``0 <= s <= max_score``) or :data:`NOT_SURE` (a criterion a respondent did
not answer counts as not sure), and the owner's settled criteria (an agreed :class:`Choice`,
or :data:`NOT_SURE` when the agreement is that nobody knows).

Aggregation rule (:data:`AGGREGATION_RULE`, recorded with every result):

* A **settled** criterion takes the agreed answer's scores; individual answers are ignored.
* Otherwise the criterion's score for model ``m`` is the **mean** of ``s_rm`` over the
  respondents ``R_i`` who answered it (a "not sure" respondent is left out of that mean).
* A criterion nobody was sure about (``R_i`` empty, or settled as not sure) is **left out**:
  :func:`scoring.score` divides by the total weight of the criteria it is given, so the
  weights are renormalised over the rest. ``unsure`` names these criteria; their share of
  the total weight lowers the confidence band (:func:`scoring.confidence_band`).

The mean is exact and symmetric, so respondent order never matters; one respondent gives
exactly the single-answer result; duplicating the group, or adding a respondent whose scores
equal the group's means, changes nothing.

Disagreement, per criterion, over the respondents who answered it (settled or not):

* ``spread = max_m (max_r s_rm - min_r s_rm) / max_score`` in ``[0, 1]``: how far apart the
  answers are on the model where they differ most ("up to 6 points of 10 apart"); 0 with
  fewer than two answers.
* An answer **pulls toward** model ``m`` when ``m``'s score leads every other model's by at
  least ``PULL_MARGIN * max_score`` (2 points of 10); otherwise it pulls nowhere in
  particular. The criterion is **split** when answers pull toward different models; a split
  that is not settled is an *open* disagreement, flagged before the result.

Consensus indicator, in ``[0, 1]``: ``1 - sum_i w_i d_i / sum_i w_i`` over the criteria the
result stands on (not left out), with ``d_i = 0`` for a settled criterion (the owner
recorded an agreement) and ``d_i = spread_i`` otherwise. 1 means everyone gave the same
answers (or every difference was settled); 0 means, on every weighted criterion, answers at
opposite ends of the scale.

Each respondent alone (:func:`score_each`): the engine on that person's own answers only
(settlements ignored, "not sure" left out), so the page can show whether each person's view
leads to the group's model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final

from decisions.scoring import (
    BORDERLINE_MARGIN,
    ConfidenceBand,
    CriterionInput,
    Number,
    ScoringError,
    ScoringResult,
    as_fraction,
    confidence_band,
    score,
)

__all__ = [
    "AGGREGATION_RULE",
    "NOT_SURE",
    "PULL_MARGIN",
    "Aggregate",
    "Choice",
    "ConsensusError",
    "CriterionAgreement",
    "GroupResult",
    "IndividualResult",
    "Response",
    "Stance",
    "aggregate",
    "assess",
    "pulls_toward",
    "score_each",
]

# Stored with each result so a later rule can be told apart from this one.
AGGREGATION_RULE: Final = "mean-of-option-scores/v1"
# An answer pulls toward a model when that model leads the others by this share of max_score.
PULL_MARGIN: Final = Fraction(1, 5)
# The answer "not sure": the respondent leaves the criterion to the others.
NOT_SURE: Final = None

NOTHING_TO_SCORE: Final = "every criterion was left out (answered 'not sure' by everyone)"


class ConsensusError(ScoringError):
    """Raised when the group's answers are invalid (also a ``ValueError``)."""


@dataclass(frozen=True)
class Choice:
    """A chosen answer option: its code (to say who chose what) and its score per model."""

    option: str
    scores: Mapping[str, Number]


@dataclass(frozen=True)
class Response:
    """One respondent's answers: criterion slug -> :class:`Choice` or :data:`NOT_SURE`.

    A criterion missing from ``answers`` counts as :data:`NOT_SURE`.
    """

    respondent: str
    answers: Mapping[str, Choice | None]


@dataclass(frozen=True)
class Aggregate:
    """What the engine is given for the group, and the criteria left out."""

    inputs: tuple[CriterionInput, ...]
    unsure: tuple[str, ...]
    unsure_share: Fraction


@dataclass(frozen=True)
class Stance:
    """One respondent's answer on one criterion (``option`` ``None``: not sure)."""

    respondent: str
    option: str | None
    pulls_toward: str | None


@dataclass(frozen=True)
class CriterionAgreement:
    """Who chose what on one criterion, how far apart, and whether the group is split.

    ``stances`` has one entry per respondent (by id); ``scores`` are the scores the engine
    used (the mean, or the settled answer's; ``None`` when ``left_out``); ``spread`` and
    ``split`` describe the respondents' own answers even when the criterion is settled.
    """

    slug: str
    weight: float
    stances: tuple[Stance, ...]
    settled: bool
    settled_option: str | None
    left_out: bool
    scores: dict[str, float] | None
    spread: float
    split: bool

    @property
    def open_disagreement(self) -> bool:
        """Answers pull toward different models and nobody has settled it."""
        return self.split and not self.settled

    @property
    def unsure_respondents(self) -> tuple[str, ...]:
        return tuple(s.respondent for s in self.stances if s.option is None)


@dataclass(frozen=True)
class IndividualResult:
    """The engine on one respondent's own answers (``engine`` ``None``: nothing to score)."""

    respondent: str
    engine: ScoringResult | None
    unsure: tuple[str, ...]
    unsure_share: float
    band: ConfidenceBand | None

    @property
    def winner(self) -> str | None:
        return self.engine.winner if self.engine is not None else None


@dataclass(frozen=True)
class GroupResult:
    """The group's result, how much the group agrees, and each respondent's own result."""

    respondents: tuple[str, ...]
    engine: ScoringResult
    unsure: tuple[str, ...]
    unsure_share: float
    band: ConfidenceBand
    criteria: tuple[CriterionAgreement, ...]
    consensus: float
    individuals: tuple[IndividualResult, ...]
    rule: str = AGGREGATION_RULE

    @property
    def settled(self) -> tuple[str, ...]:
        return tuple(c.slug for c in self.criteria if c.settled)

    @property
    def open_disagreements(self) -> tuple[str, ...]:
        """Criteria on which respondents pull toward different models, not yet settled."""
        return tuple(c.slug for c in self.criteria if c.open_disagreement)

    @property
    def dissenters(self) -> tuple[str, ...]:
        """Respondents whose own answers lead to another model than the group's."""
        return tuple(
            i.respondent
            for i in self.individuals
            if i.winner is not None and i.winner != self.engine.winner
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable representation (dicts, lists, str, float, bool, None)."""
        return {
            "rule": self.rule,
            "respondents": list(self.respondents),
            "engine": self.engine.to_dict(),
            "unsure": list(self.unsure),
            "unsure_share": self.unsure_share,
            "band": self.band.value,
            "criteria": [
                {
                    "slug": c.slug,
                    "weight": c.weight,
                    "stances": [
                        {
                            "respondent": s.respondent,
                            "option": s.option,
                            "pulls_toward": s.pulls_toward,
                        }
                        for s in c.stances
                    ],
                    "settled": c.settled,
                    "settled_option": c.settled_option,
                    "left_out": c.left_out,
                    "scores": c.scores,
                    "spread": c.spread,
                    "split": c.split,
                }
                for c in self.criteria
            ],
            "consensus": self.consensus,
            "individuals": [
                {
                    "respondent": i.respondent,
                    "engine": i.engine.to_dict() if i.engine is not None else None,
                    "unsure": list(i.unsure),
                    "unsure_share": i.unsure_share,
                    "band": i.band.value if i.band is not None else None,
                }
                for i in self.individuals
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GroupResult:
        """Inverse of :meth:`to_dict`; raises :class:`ConsensusError` on a malformed dict."""
        try:
            return cls(
                rule=data["rule"],
                respondents=tuple(data["respondents"]),
                engine=ScoringResult.from_dict(data["engine"]),
                unsure=tuple(data["unsure"]),
                unsure_share=data["unsure_share"],
                band=ConfidenceBand(data["band"]),
                criteria=tuple(
                    CriterionAgreement(
                        slug=c["slug"],
                        weight=c["weight"],
                        stances=tuple(Stance(**s) for s in c["stances"]),
                        settled=c["settled"],
                        settled_option=c["settled_option"],
                        left_out=c["left_out"],
                        scores=dict(c["scores"]) if c["scores"] is not None else None,
                        spread=c["spread"],
                        split=c["split"],
                    )
                    for c in data["criteria"]
                ),
                consensus=data["consensus"],
                individuals=tuple(
                    IndividualResult(
                        respondent=i["respondent"],
                        engine=(
                            ScoringResult.from_dict(i["engine"])
                            if i["engine"] is not None
                            else None
                        ),
                        unsure=tuple(i["unsure"]),
                        unsure_share=i["unsure_share"],
                        band=ConfidenceBand(i["band"]) if i["band"] is not None else None,
                    )
                    for i in data["individuals"]
                ),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ConsensusError(f"malformed group result: {error!r}") from error


def pulls_toward(
    scores: Mapping[str, Fraction], models: Sequence[str], max_score: Fraction
) -> str | None:
    """The model an answer pulls toward (see the module docstring), or ``None``."""
    if len(models) < 2:
        return None
    ranked = sorted(range(len(models)), key=lambda k: (-scores[models[k]], k))
    top, second = models[ranked[0]], models[ranked[1]]
    return top if scores[top] - scores[second] >= PULL_MARGIN * max_score else None


# ----------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class _Checked:
    """Validated inputs, exact; respondents sorted by id."""

    weights: dict[str, Fraction]
    raw_weights: Mapping[str, Number]
    answers: dict[str, dict[str, dict[str, Fraction] | None]]  # respondent -> slug -> scores
    options: dict[str, dict[str, str | None]]  # respondent -> slug -> option code
    settled: dict[str, dict[str, Fraction] | None]
    settled_options: dict[str, str | None]
    top: Fraction


def _exact(value: object, what: str) -> Fraction:
    try:
        return as_fraction(value, what)
    except ScoringError as error:
        raise ConsensusError(str(error)) from error


def _choice_scores(
    choice: object, models: Sequence[str], top: Fraction, where: str
) -> dict[str, Fraction] | None:
    if choice is None:
        return None
    if not isinstance(choice, Choice):
        raise ConsensusError(f"{where}: expected a Choice or NOT_SURE, got {choice!r}")
    if not isinstance(choice.option, str) or not choice.option:
        raise ConsensusError(f"{where}: the option code must be a non-empty string")
    missing = [m for m in models if m not in choice.scores]
    if missing:
        raise ConsensusError(f"{where}: no score for model(s) {missing!r}")
    exact = {m: _exact(choice.scores[m], f"{where}: score of {m!r}") for m in models}
    for m, s in exact.items():
        if not 0 <= s <= top:
            raise ConsensusError(f"{where}: score of {m!r} must lie in [0, {top}], got {s}")
    return exact


def _check(
    weights: Mapping[str, Number],
    responses: Sequence[Response],
    models: Sequence[str],
    settled: Mapping[str, Choice | None],
    max_score: Number,
) -> _Checked:
    if not weights:
        raise ConsensusError("at least one criterion is required")
    if not models:
        raise ConsensusError("at least one model is required")
    if len(set(models)) != len(models):
        raise ConsensusError(f"duplicate models in {list(models)!r}")
    top = _exact(max_score, "max_score")
    if top <= 0:
        raise ConsensusError(f"max_score must be positive, got {max_score!r}")
    exact_weights = {}
    for slug, w in weights.items():
        exact_weights[slug] = _exact(w, f"weight of criterion {slug!r}")
        if exact_weights[slug] < 0:
            raise ConsensusError(f"weight of criterion {slug!r} must be >= 0, got {w!r}")
    unknown_settled = sorted(set(settled) - set(weights))
    if unknown_settled:
        raise ConsensusError(f"settled criteria not among the criteria: {unknown_settled!r}")
    ids = [r.respondent for r in responses]
    if any(not isinstance(i, str) or not i for i in ids):
        raise ConsensusError("every respondent needs a non-empty string id")
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConsensusError(f"duplicate respondents: {dupes!r}")

    answers: dict[str, dict[str, dict[str, Fraction] | None]] = {}
    options: dict[str, dict[str, str | None]] = {}
    for response in sorted(responses, key=lambda r: r.respondent):
        who = response.respondent
        unknown = sorted(set(response.answers) - set(weights))
        if unknown:
            raise ConsensusError(f"respondent {who!r} answered unknown criteria {unknown!r}")
        answers[who] = {}
        options[who] = {}
        for slug in weights:
            choice = response.answers.get(slug, NOT_SURE)
            answers[who][slug] = _choice_scores(choice, models, top, f"{who!r} on {slug!r}")
            options[who][slug] = choice.option if choice is not None else None
    return _Checked(
        weights=exact_weights,
        raw_weights=weights,
        answers=answers,
        options=options,
        settled={
            slug: _choice_scores(choice, models, top, f"settled {slug!r}")
            for slug, choice in settled.items()
        },
        settled_options={
            slug: choice.option if choice is not None else None for slug, choice in settled.items()
        },
        top=top,
    )


# ----------------------------------------------------------------------------- the engine

_NO_SETTLEMENTS: Mapping[str, Choice | None] = MappingProxyType({})


def _share(weights: Mapping[str, Fraction], unsure: Sequence[str]) -> Fraction:
    total = sum(weights.values(), Fraction(0))
    return sum((weights[s] for s in unsure), Fraction(0)) / total if total else Fraction(0)


def _aggregate(checked: _Checked, models: Sequence[str]) -> Aggregate:
    inputs = []
    unsure = []
    for slug in checked.weights:
        answered = [a[slug] for a in checked.answers.values()]
        rows = [row for row in answered if row is not None]
        scores: dict[str, Fraction] | None = None
        if slug in checked.settled:
            scores = checked.settled[slug]
        elif rows:
            scores = {m: sum((r[m] for r in rows), Fraction(0)) / len(rows) for m in models}
        if scores is None:
            unsure.append(slug)
        else:
            inputs.append(CriterionInput(slug, checked.raw_weights[slug], scores))
    return Aggregate(tuple(inputs), tuple(unsure), _share(checked.weights, unsure))


def aggregate(
    weights: Mapping[str, Number],
    responses: Sequence[Response],
    models: Sequence[str],
    *,
    settled: Mapping[str, Choice | None] = _NO_SETTLEMENTS,
    max_score: Number = 10,
) -> Aggregate:
    """The group's :class:`scoring.CriterionInput` per criterion, by the module's rule.

    ``weights`` lists the criteria in order. A criterion a respondent did not answer counts
    as "not sure". Raises :class:`ConsensusError` on invalid input (answers to unknown
    criteria, duplicate respondents, a missing model score or one outside
    ``[0, max_score]``, ...).
    """
    return _aggregate(_check(weights, responses, models, settled, max_score), models)


def _band(engine: ScoringResult, share: Fraction) -> ConfidenceBand:
    return confidence_band(margin=engine.margin, borderline=engine.borderline, unsure_share=share)


def _individuals(
    checked: _Checked, models: Sequence[str], borderline_margin: Number, max_score: Number
) -> tuple[IndividualResult, ...]:
    results = []
    for who, own in checked.answers.items():
        inputs = [
            CriterionInput(slug, checked.raw_weights[slug], scores)
            for slug, scores in own.items()
            if scores is not None
        ]
        unsure = tuple(slug for slug, scores in own.items() if scores is None)
        share = _share(checked.weights, unsure)
        engine = None
        if any(checked.weights[c.slug] > 0 for c in inputs):
            engine = score(inputs, models, borderline_margin=borderline_margin, max_score=max_score)
        results.append(
            IndividualResult(
                respondent=who,
                engine=engine,
                unsure=unsure,
                unsure_share=float(share),
                band=_band(engine, share) if engine is not None else None,
            )
        )
    return tuple(results)


def score_each(
    weights: Mapping[str, Number],
    responses: Sequence[Response],
    models: Sequence[str],
    *,
    borderline_margin: Number = BORDERLINE_MARGIN,
    max_score: Number = 10,
) -> tuple[IndividualResult, ...]:
    """The engine on each respondent's own answers alone, ordered by respondent id.

    Settlements play no part; "not sure" (or no answer) is left out. A respondent with
    nothing to score (every positive weight unsure) gets ``engine=None``.
    """
    checked = _check(weights, responses, models, _NO_SETTLEMENTS, max_score)
    return _individuals(checked, models, borderline_margin, max_score)


def _spread(
    rows: Sequence[Mapping[str, Fraction]], models: Sequence[str], top: Fraction
) -> Fraction:
    if len(rows) < 2:
        return Fraction(0)
    return max(max(r[m] for r in rows) - min(r[m] for r in rows) for m in models) / top


def assess(
    weights: Mapping[str, Number],
    responses: Sequence[Response],
    models: Sequence[str],
    *,
    settled: Mapping[str, Choice | None] = _NO_SETTLEMENTS,
    borderline_margin: Number = BORDERLINE_MARGIN,
    max_score: Number = 10,
) -> GroupResult:
    """Score the group, measure its disagreement and score each respondent alone.

    ``weights`` lists the criteria in order; ``models`` order is the engine's tie-break.
    Everything in the result is ordered by criterion order and respondent id, so it does
    not depend on the order of ``responses``. Raises :class:`ConsensusError` (a
    :class:`scoring.ScoringError`) on invalid input or when every criterion is left out,
    and :class:`scoring.ScoringError` when every criterion left has weight zero.
    """
    checked = _check(weights, responses, models, settled, max_score)
    group = _aggregate(checked, models)
    if not group.inputs:
        raise ConsensusError(NOTHING_TO_SCORE)
    engine = score(group.inputs, models, borderline_margin=borderline_margin, max_score=max_score)
    aggregated = {c.slug: c.scores for c in group.inputs}

    criteria = []
    standing_weight = discord = Fraction(0)
    for slug, weight in checked.weights.items():
        rows = [row for a in checked.answers.values() if (row := a[slug]) is not None]
        stances = tuple(
            Stance(
                respondent=who,
                option=checked.options[who][slug],
                pulls_toward=pulls_toward(row, models, checked.top) if row is not None else None,
            )
            for who, answers in checked.answers.items()
            for row in (answers[slug],)
        )
        spread = _spread(rows, models, checked.top)
        is_settled = slug in checked.settled
        scores = aggregated.get(slug)
        if scores is not None:
            standing_weight += weight
            discord += 0 if is_settled else weight * spread
        criteria.append(
            CriterionAgreement(
                slug=slug,
                weight=float(weight),
                stances=stances,
                settled=is_settled,
                settled_option=checked.settled_options.get(slug),
                left_out=scores is None,
                scores={m: float(scores[m]) for m in models} if scores else None,
                spread=float(spread),
                split=len({s.pulls_toward for s in stances} - {None}) > 1,
            )
        )
    return GroupResult(
        respondents=tuple(checked.answers),
        engine=engine,
        unsure=group.unsure,
        unsure_share=float(group.unsure_share),
        band=_band(engine, group.unsure_share),
        criteria=tuple(criteria),
        consensus=float(1 - discord / standing_weight),
        individuals=_individuals(checked, models, borderline_margin, max_score),
    )
