"""Pure, exact weighted scoring for the sourcing decision (BPO / KPO / in-house).

This module has no Django or project imports; everything is computed with
:class:`fractions.Fraction` (inputs are converted exactly from ``Decimal``, ``int``,
``float`` or ``Fraction``) and only converted to ``float`` in the output, so results are
exactly invariant under permuting the criteria and under scaling all weights.

Notation: criteria ``i`` with weights ``w_i >= 0`` (``W = sum_i w_i > 0``), models ``m``
and scores ``s_im`` (typically ``0..max_score``).

* Score: ``S_m = sum_i w_i * s_im / (W * max_score)`` -- the weighted average score,
  normalised to ``[0, 1]`` when every ``s_im`` lies in ``[0, max_score]``.
* Ranking: by ``S_m`` descending; ties go to the model listed earlier in ``models``.
  ``winner`` is first, ``runner_up`` second, ``margin = S_winner - S_runner_up`` (the
  winner's own score when there is a single model), ``borderline = margin < borderline_margin``.
* Contribution of criterion ``i`` to model ``m``: ``w_i * s_im / (W * max_score)``; summed
  over criteria this is exactly ``S_m``. ``share = w_i / W``; ``favours`` is the model with
  the highest ``s_im`` (ties by model order); ``push`` is the contribution to the winner
  minus the contribution to the runner-up (positive = pushes towards the winner).
* Sensitivity of criterion ``i``: vary its weight ``x >= 0`` with every other weight held.
  With ``A_m = sum_{j != i} w_j s_jm``, the winner ``v`` still beats ``m`` iff
  ``D_m(x) = (A_v - A_m) + x (s_iv - s_im) > 0``, or ``D_m(x) = 0`` and ``v`` precedes
  ``m`` in ``models``. Each ``D_m`` is linear, so each competitor bounds ``x`` from one side
  at ``c = -(A_v - A_m) / (s_iv - s_im)``; intersecting gives an interval ``[lower, upper]``
  in which the winner is unchanged. The bound itself belongs to the interval
  (``*_inclusive``) when every tie there goes to the winner by model order. ``None`` means
  the winner never changes on that side (for ``x >= 0``; if all other weights are zero the
  weight is a pure rescaling and has no bounds). ``flips_to_*`` is the winner at the first
  weight outside the interval: at the bound itself when it is exclusive, otherwise just
  beyond it (the limit ``x -> bound``, ranking models by value then slope then order).
* Robustness: ``change = min |bound - w_i| / w_i`` is the smallest relative weight change
  that flips the result. For a zero weight (where any change is infinitely "relative") the
  distance is measured against the mean weight ``W / n`` instead of being absolute, so that
  ``change`` stays invariant under scaling all weights. ``weakest`` is the criterion with
  the smallest such change (ties by input order), or ``None`` if no weight change flips it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, Final

type Number = Decimal | Fraction | int | float

__all__ = [
    "BORDERLINE_MARGIN",
    "CLEAR_MARGIN",
    "UNSURE_ONE_BAND_DOWN",
    "UNSURE_TWO_BANDS_DOWN",
    "ConfidenceBand",
    "Contribution",
    "CriterionInput",
    "ModelScore",
    "Number",
    "ScoringError",
    "ScoringResult",
    "Sensitivity",
    "as_fraction",
    "confidence_band",
    "score",
]

# The default of ``score(borderline_margin=...)``: a margin under 5 points (of 100) is
# borderline. It stays the float it always was: Fraction(0.05) is a hair above 1/20, so a
# margin of exactly 1/20 is borderline, and a Decimal here would change that.
BORDERLINE_MARGIN: Final[float] = 0.05
# A margin of at least 15 points (of 100) is a clear call.
CLEAR_MARGIN: Final[float] = 0.15
# Share of the total weight answered "not sure" beyond which the band drops one / two bands.
UNSURE_ONE_BAND_DOWN: Final = Fraction(1, 10)
UNSURE_TWO_BANDS_DOWN: Final = Fraction(3, 10)


class ScoringError(ValueError):
    """Raised when the scoring inputs are invalid."""


@dataclass(frozen=True)
class CriterionInput:
    """One criterion: its weight and the score each sourcing model gets from the answer."""

    slug: str
    weight: Number
    scores: Mapping[str, Number]


@dataclass(frozen=True)
class ModelScore:
    """A model's normalised score in ``[0, 1]``."""

    model: str
    score: float


@dataclass(frozen=True)
class Contribution:
    """How much one criterion contributed to each model's normalised score."""

    slug: str
    weight: float
    share: float
    per_model: dict[str, float]
    favours: str
    push: float


@dataclass(frozen=True)
class Sensitivity:
    """Range of this criterion's weight (others held fixed) over which the winner stays.

    ``lower``/``upper`` are in the same units as ``weight`` (``None``: never flips on that
    side); ``*_inclusive`` says whether the bound itself still keeps the winner (meaningless
    when the bound is ``None``); ``flips_to_*`` is the model that takes over past the bound;
    ``change`` is the smallest relative weight change that flips the winner (or ``None``).
    """

    slug: str
    weight: float
    lower: float | None
    upper: float | None
    flips_to_below: str | None
    flips_to_above: str | None
    lower_inclusive: bool = True
    upper_inclusive: bool = True
    change: float | None = None


@dataclass(frozen=True)
class ScoringResult:
    """Full outcome of :func:`score`."""

    ranking: tuple[ModelScore, ...]
    winner: str
    runner_up: str | None
    margin: float
    borderline: bool
    contributions: tuple[Contribution, ...]
    sensitivity: tuple[Sensitivity, ...]
    weakest: Sensitivity | None

    @property
    def scores(self) -> dict[str, float]:
        """Model code -> normalised score, in ranking order."""
        return {ms.model: ms.score for ms in self.ranking}

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable representation (only dicts, lists, str, float, bool, None)."""
        return {
            "ranking": [asdict(ms) for ms in self.ranking],
            "winner": self.winner,
            "runner_up": self.runner_up,
            "margin": self.margin,
            "borderline": self.borderline,
            "contributions": [asdict(c) for c in self.contributions],
            "sensitivity": [asdict(s) for s in self.sensitivity],
            "weakest": asdict(self.weakest) if self.weakest is not None else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoringResult:
        """Inverse of :meth:`to_dict`; raises :class:`ScoringError` on a malformed dict."""
        try:
            weakest = data["weakest"]
            return cls(
                ranking=tuple(ModelScore(**ms) for ms in data["ranking"]),
                winner=data["winner"],
                runner_up=data["runner_up"],
                margin=data["margin"],
                borderline=data["borderline"],
                contributions=tuple(
                    Contribution(**{**c, "per_model": dict(c["per_model"])})
                    for c in data["contributions"]
                ),
                sensitivity=tuple(Sensitivity(**s) for s in data["sensitivity"]),
                weakest=Sensitivity(**weakest) if weakest is not None else None,
            )
        except (KeyError, TypeError) as error:
            raise ScoringError(f"malformed scoring result: {error!r}") from error


class ConfidenceBand(StrEnum):
    """How firmly the margin supports the winner, in words (see the module docstring)."""

    CLEAR = "clear"
    LEANING = "leaning"
    CLOSE_CALL = "close-call"


_BANDS = (ConfidenceBand.CLEAR, ConfidenceBand.LEANING, ConfidenceBand.CLOSE_CALL)


def confidence_band(
    *, margin: Number, borderline: bool, unsure_share: Number = 0
) -> ConfidenceBand:
    """The band of a result with this ``margin`` and ``borderline`` flag.

    ``borderline`` comes from the same result (``ScoringResult.borderline`` or a stored
    result's flag), so "close call" always matches it exactly. ``unsure_share`` in
    ``[0, 1]`` is the share of the total weight answered "not sure"; it lowers the band as
    the module docstring says. Raises :class:`ScoringError` on a negative or non-finite
    margin or a share outside ``[0, 1]``.
    """
    exact_margin = as_fraction(margin, "margin")
    if exact_margin < 0:
        raise ScoringError(f"margin must be >= 0, got {margin!r}")
    share = as_fraction(unsure_share, "unsure_share")
    if not 0 <= share <= 1:
        raise ScoringError(f"unsure_share must lie in [0, 1], got {unsure_share!r}")
    if borderline:
        level = 2
    elif exact_margin >= as_fraction(CLEAR_MARGIN, "CLEAR_MARGIN"):
        level = 0
    else:
        level = 1
    if share > UNSURE_TWO_BANDS_DOWN:
        level += 2
    elif share > UNSURE_ONE_BAND_DOWN:
        level += 1
    return _BANDS[min(level, 2)]


def as_fraction(value: object, what: str) -> Fraction:
    """Convert a finite number exactly to a Fraction, or raise ScoringError."""
    if isinstance(value, bool) or not isinstance(value, Decimal | Fraction | int | float):
        raise ScoringError(f"{what} must be a number, got {value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ScoringError(f"{what} must be finite, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ScoringError(f"{what} must be finite, got {value!r}")
    return Fraction(value)


def _best(keys: Sequence[tuple[Fraction, ...]]) -> int:
    """Index of the lexicographically smallest key (keys end with the model index)."""
    return min(range(len(keys)), key=lambda k: keys[k])


def score(
    criteria: Sequence[CriterionInput],
    models: Sequence[str],
    *,
    borderline_margin: Number = BORDERLINE_MARGIN,
    max_score: Number = 10,
) -> ScoringResult:
    """Score ``models`` against weighted ``criteria``; see the module docstring for the maths.

    ``models`` order is the tie-break (earlier wins). Raises :class:`ScoringError` on
    invalid input (no criteria/models, duplicates, missing, negative or non-finite values,
    all weights zero, non-positive ``max_score``).
    """
    if not criteria:
        raise ScoringError("at least one criterion is required")
    if not models:
        raise ScoringError("at least one model is required")
    if len(set(models)) != len(models):
        raise ScoringError(f"duplicate models in {list(models)!r}")
    slugs = [c.slug for c in criteria]
    if len(set(slugs)) != len(slugs):
        dupes = sorted({s for s in slugs if slugs.count(s) > 1})
        raise ScoringError(f"duplicate criterion slugs: {dupes!r}")
    top = as_fraction(max_score, "max_score")
    if top <= 0:
        raise ScoringError(f"max_score must be positive, got {max_score!r}")
    threshold = as_fraction(borderline_margin, "borderline_margin")

    weights: list[Fraction] = []
    table: list[list[Fraction]] = []  # table[i][k]: score of model k on criterion i
    for c in criteria:
        w = as_fraction(c.weight, f"weight of criterion {c.slug!r}")
        if w < 0:
            raise ScoringError(f"weight of criterion {c.slug!r} must be >= 0, got {c.weight!r}")
        missing = [m for m in models if m not in c.scores]
        if missing:
            raise ScoringError(f"criterion {c.slug!r} has no score for model(s) {missing!r}")
        weights.append(w)
        table.append([as_fraction(c.scores[m], f"score of {m!r} on {c.slug!r}") for m in models])
    total_w = sum(weights, Fraction(0))
    if total_w == 0:
        raise ScoringError("all criterion weights are zero")

    n = len(models)
    scale = total_w * top
    totals = [
        sum((w * row[k] for w, row in zip(weights, table, strict=True)), Fraction(0))
        for k in range(n)
    ]
    norm = [t / scale for t in totals]
    order = sorted(range(n), key=lambda k: (-norm[k], k))
    win = order[0]
    second = order[1] if n > 1 else None
    margin = norm[win] - (norm[second] if second is not None else 0)

    contributions = []
    for c, w, row in zip(criteria, weights, table, strict=True):
        per = [w * s / scale for s in row]
        contributions.append(
            Contribution(
                slug=c.slug,
                weight=float(w),
                share=float(w / total_w),
                per_model={m: float(p) for m, p in zip(models, per, strict=True)},
                favours=models[_best([(-s, Fraction(k)) for k, s in enumerate(row)])],
                push=float(per[win] - (per[second] if second is not None else 0)),
            )
        )

    sens: list[tuple[Sensitivity, Fraction | None]] = []
    for i, c in enumerate(criteria):
        sens.append(
            _sensitivity(c.slug, weights[i], table[i], totals, total_w, win, models, len(criteria))
        )
    ranked = [(ch, i) for i, (_, ch) in enumerate(sens) if ch is not None]
    weakest = sens[min(ranked)[1]][0] if ranked else None

    return ScoringResult(
        ranking=tuple(ModelScore(models[k], float(norm[k])) for k in order),
        winner=models[win],
        runner_up=models[second] if second is not None else None,
        margin=float(margin),
        borderline=margin < threshold,
        contributions=tuple(contributions),
        sensitivity=tuple(s for s, _ in sens),
        weakest=weakest,
    )


def _sensitivity(
    slug: str,
    w: Fraction,
    row: list[Fraction],
    totals: list[Fraction],
    total_w: Fraction,
    win: int,
    models: Sequence[str],
    n_criteria: int,
) -> tuple[Sensitivity, Fraction | None]:
    """Exact weight interval of one criterion keeping ``win`` the winner, plus its change."""
    lower: Fraction | None = None
    upper: Fraction | None = None
    lower_inc = upper_inc = True
    rest = [t - w * s for t, s in zip(totals, row, strict=True)]  # A_m
    if total_w - w > 0:  # otherwise this weight only rescales everything
        for m in range(len(models)):
            b = row[win] - row[m]
            if m == win or b == 0:
                continue
            cross = -(rest[win] - rest[m]) / b
            tie_ok = win < m
            if b > 0:  # winner stays for x >= cross (x > cross if the tie is lost)
                if cross < 0 or (cross == 0 and tie_ok):
                    continue
                if lower is None or cross > lower:
                    lower, lower_inc = cross, tie_ok
                elif cross == lower:
                    lower_inc = lower_inc and tie_ok
            elif upper is None or cross < upper:  # stays for x <= cross (x < cross)
                upper, upper_inc = cross, tie_ok
            elif cross == upper:
                upper_inc = upper_inc and tie_ok

    def winner_at(x: Fraction, side: int) -> str:
        # side -1/+1: limit just below/above x; 0: exactly at x.
        keys = [
            (-(a + x * s), Fraction(-side) * s, Fraction(k))
            for k, (a, s) in enumerate(zip(rest, row, strict=True))
        ]
        return models[_best(keys)]

    below = None if lower is None else winner_at(lower, -1 if lower_inc else 0)
    above = None if upper is None else winner_at(upper, 1 if upper_inc else 0)
    dists = [abs(bound - w) for bound in (lower, upper) if bound is not None]
    change = min(dists) / (w if w > 0 else total_w / n_criteria) if dists else None
    result = Sensitivity(
        slug=slug,
        weight=float(w),
        lower=None if lower is None else float(lower),
        upper=None if upper is None else float(upper),
        flips_to_below=below,
        flips_to_above=above,
        lower_inclusive=lower_inc,
        upper_inclusive=upper_inc,
        change=None if change is None else float(change),
    )
    return result, change
