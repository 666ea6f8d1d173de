"""Tests for the pure scoring module (no database, no Django)."""

from __future__ import annotations

import inspect
import json
import math
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from decisions.scoring import (
    BORDERLINE_MARGIN,
    CLEAR_MARGIN,
    UNSURE_ONE_BAND_DOWN,
    UNSURE_TWO_BANDS_DOWN,
    ConfidenceBand,
    CriterionInput,
    ScoringError,
    ScoringResult,
    Sensitivity,
    confidence_band,
    score,
)

MODELS = ["bpo", "kpo", "in-house"]


def crit(slug: str, weight: Any, bpo: Any, kpo: Any, inhouse: Any) -> CriterionInput:
    return CriterionInput(slug, weight, {"bpo": bpo, "kpo": kpo, "in-house": inhouse})


def example() -> list[CriterionInput]:
    # W = 4; totals: bpo 3*9+1*2 = 29, kpo 3*5+1*8 = 23, in-house 3*2+1*6 = 12; /40.
    return [crit("cost", 3, 9, 5, 2), crit("expertise", 1, 2, 8, 6)]


def with_weight(criteria: list[CriterionInput], i: int, weight: Any) -> list[CriterionInput]:
    out = list(criteria)
    out[i] = replace(out[i], weight=weight)
    return out


# --------------------------------------------------------------------------- unit tests


def test_hand_computed_scores_winner_margin() -> None:
    r = score(example(), MODELS)
    assert r.scores == {"bpo": 29 / 40, "kpo": 23 / 40, "in-house": 12 / 40}
    assert [ms.model for ms in r.ranking] == ["bpo", "kpo", "in-house"]
    assert r.winner == "bpo"
    assert r.runner_up == "kpo"
    assert r.margin == pytest.approx(0.15, abs=1e-15)
    assert r.borderline is False


def test_hand_computed_contributions() -> None:
    r = score(example(), MODELS)
    cost, expertise = r.contributions
    assert cost.slug == "cost"
    assert cost.weight == 3.0
    assert cost.share == 0.75
    assert expertise.share == 0.25
    assert cost.per_model == {"bpo": 27 / 40, "kpo": 15 / 40, "in-house": 6 / 40}
    assert expertise.per_model == {"bpo": 2 / 40, "kpo": 8 / 40, "in-house": 6 / 40}
    assert cost.favours == "bpo"
    assert expertise.favours == "kpo"
    assert cost.push == pytest.approx(0.3)
    assert expertise.push == pytest.approx(-0.15)
    for m in MODELS:
        assert cost.per_model[m] + expertise.per_model[m] == pytest.approx(r.scores[m])


def test_hand_computed_sensitivity_and_boundaries() -> None:
    criteria = example()
    r = score(criteria, MODELS)
    cost, expertise = r.sensitivity
    # cost: bpo 9x + 2 vs kpo 5x + 8 -> tie at x = 1.5 (bpo wins ties by order).
    assert cost == Sensitivity(
        slug="cost",
        weight=3.0,
        lower=1.5,
        upper=None,
        flips_to_below="kpo",
        flips_to_above=None,
        lower_inclusive=True,
        upper_inclusive=True,
        change=0.5,
    )
    # expertise: bpo 27 + 2x vs kpo 15 + 8x -> tie at x = 2; in-house 6 + 6x ties at 5.25.
    assert (expertise.lower, expertise.upper) == (None, 2.0)
    assert expertise.flips_to_above == "kpo"
    assert expertise.upper_inclusive is True
    assert expertise.change == 1.0
    assert r.weakest == cost

    eps = Fraction(1, 10**6)
    assert score(with_weight(criteria, 0, Fraction(3, 2)), MODELS).winner == "bpo"
    assert score(with_weight(criteria, 0, Fraction(3, 2) + eps), MODELS).winner == "bpo"
    assert score(with_weight(criteria, 0, Fraction(3, 2) - eps), MODELS).winner == "kpo"
    assert score(with_weight(criteria, 0, 0), MODELS).winner == "kpo"
    assert score(with_weight(criteria, 0, 10**6), MODELS).winner == "bpo"
    assert score(with_weight(criteria, 1, 2), MODELS).winner == "bpo"
    assert score(with_weight(criteria, 1, 2 + eps), MODELS).winner == "kpo"
    assert score(with_weight(criteria, 1, 0), MODELS).winner == "bpo"


def test_exclusive_boundary_when_tie_goes_to_challenger() -> None:
    # Same data, but kpo now precedes bpo: the tie at cost = 1.5 goes to kpo.
    models = ["kpo", "bpo", "in-house"]
    criteria = example()
    r = score(criteria, models)
    assert r.winner == "bpo"
    cost = r.sensitivity[0]
    assert cost.lower == 1.5
    assert cost.lower_inclusive is False
    assert cost.flips_to_below == "kpo"
    assert score(with_weight(criteria, 0, Fraction(3, 2)), models).winner == "kpo"
    assert score(with_weight(criteria, 0, Fraction(3, 2) + Fraction(1, 10**9)), models).winner == (
        "bpo"
    )


def test_tie_break_by_model_order() -> None:
    criteria = [crit("a", 1, 5, 5, 5), crit("b", 2, 7, 7, 1)]
    assert score(criteria, ["bpo", "kpo", "in-house"]).winner == "bpo"
    r = score(criteria, ["kpo", "bpo", "in-house"])
    assert r.winner == "kpo"
    assert r.runner_up == "bpo"
    assert r.margin == 0.0
    assert r.borderline is True
    assert [ms.model for ms in r.ranking] == ["kpo", "bpo", "in-house"]
    assert r.contributions[1].favours == "kpo"


def test_borderline_flag() -> None:
    assert score(example(), MODELS, borderline_margin=0.2).borderline is True
    assert score(example(), MODELS).borderline is False
    # margin is exactly 3/20: strict comparison means not borderline.
    assert score(example(), MODELS, borderline_margin=Fraction(3, 20)).borderline is False
    assert score(example(), MODELS, borderline_margin=Decimal("0.15")).borderline is False
    assert score(example(), MODELS, borderline_margin=0).borderline is False


def test_max_score_normalisation() -> None:
    r = score([crit("a", 1, 4, 2, 1)], MODELS, max_score=5)
    assert r.scores == {"bpo": 0.8, "kpo": 0.4, "in-house": 0.2}


def test_single_model_and_extra_keys_ignored() -> None:
    r = score(example(), ["kpo"])
    assert r.winner == "kpo"
    assert r.runner_up is None
    assert r.margin == 23 / 40
    assert r.contributions[0].push == 15 / 40
    assert all(s.lower is None and s.upper is None for s in r.sensitivity)
    assert r.weakest is None


def test_only_positive_weight_is_pure_rescaling() -> None:
    criteria = [crit("a", 2, 3, 8, 1), crit("b", 0, 9, 0, 0)]
    r = score(criteria, MODELS)
    assert r.winner == "kpo"
    a, b = r.sensitivity
    assert (a.lower, a.upper) == (None, None)
    # b: kpo 16 vs bpo 6 + 9x -> tie at 10/9, lost by kpo (bpo first), so exclusive.
    assert b.lower is None
    assert b.upper == 10 / 9
    assert b.upper_inclusive is False
    assert b.flips_to_above == "bpo"
    assert b.change == 10 / 9  # zero weight: measured against the mean weight 2 / 2 = 1
    assert r.weakest == b
    assert score(with_weight(criteria, 1, Fraction(10, 9)), MODELS).winner == "bpo"
    below = Fraction(10, 9) - Fraction(1, 10**9)
    assert score(with_weight(criteria, 1, below), MODELS).winner == "kpo"


def test_exact_decimal_and_float_weights() -> None:
    dec = score([crit("a", Decimal("0.1"), 3, 8, 1), crit("b", Decimal("0.3"), 9, 0, 4)], MODELS)
    ints = score([crit("a", 1, 3, 8, 1), crit("b", 3, 9, 0, 4)], MODELS)
    flt = score([crit("a", 0.5, 3, 8, 1), crit("b", 1.5, 9, 0, 4)], MODELS)
    for r in (dec, flt):
        assert core(r) == core(ints)
        assert [c.per_model for c in r.contributions] == [c.per_model for c in ints.contributions]
        assert [s.change for s in r.sensitivity] == [s.change for s in ints.sensitivity]


@pytest.mark.parametrize(
    ("criteria", "models", "message"),
    [
        ([], MODELS, "at least one criterion"),
        (example(), [], "at least one model"),
        (example(), ["bpo", "kpo", "bpo"], "duplicate models"),
        ([crit("a", 1, 1, 1, 1), crit("a", 2, 1, 1, 1)], MODELS, "duplicate criterion"),
        ([crit("a", -1, 1, 1, 1)], MODELS, ">= 0"),
        ([crit("a", float("nan"), 1, 1, 1)], MODELS, "finite"),
        ([crit("a", float("inf"), 1, 1, 1)], MODELS, "finite"),
        ([crit("a", Decimal("NaN"), 1, 1, 1)], MODELS, "finite"),
        ([crit("a", Decimal("Infinity"), 1, 1, 1)], MODELS, "finite"),
        ([crit("a", "3", 1, 1, 1)], MODELS, "must be a number"),
        ([crit("a", True, 1, 1, 1)], MODELS, "must be a number"),
        ([crit("a", 1, float("nan"), 1, 1)], MODELS, "finite"),
        ([crit("a", 1, 1, float("-inf"), 1)], MODELS, "finite"),
        ([crit("a", 1, 1, 1, Decimal("sNaN"))], MODELS, "finite"),
        ([crit("a", 0, 1, 1, 1), crit("b", Decimal(0), 1, 1, 1)], MODELS, "all criterion weights"),
        ([CriterionInput("a", 1, {"bpo": 1, "kpo": 2})], MODELS, "'in-house'"),
    ],
)
def test_scoring_errors(criteria: list[CriterionInput], models: list[str], message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        score(criteria, models)


def test_scoring_error_is_value_error_and_max_score_checked() -> None:
    assert issubclass(ScoringError, ValueError)
    with pytest.raises(ScoringError, match="max_score"):
        score(example(), MODELS, max_score=0)
    with pytest.raises(ScoringError, match="max_score"):
        score(example(), MODELS, max_score=float("inf"))


def test_to_dict_round_trips_through_json() -> None:
    r = score(example(), MODELS)
    d = r.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["winner"] == "bpo"
    assert d["ranking"][0] == {"model": "bpo", "score": 0.725}
    assert d["weakest"]["slug"] == "cost"
    assert d["sensitivity"][1]["upper"] == 2.0
    assert d["contributions"][0]["per_model"]["kpo"] == 0.375
    single = score(example(), ["bpo"]).to_dict()
    assert json.loads(json.dumps(single)) == single
    assert single["weakest"] is None


def test_from_dict_inverts_to_dict() -> None:
    for models in (MODELS, ["bpo"]):
        r = score(example(), models)
        assert ScoringResult.from_dict(json.loads(json.dumps(r.to_dict()))) == r
    with pytest.raises(ScoringError, match="malformed"):
        ScoringResult.from_dict({"winner": "bpo"})
    broken = score(example(), MODELS).to_dict()
    broken["ranking"] = [{"model": "bpo", "points": 1}]
    with pytest.raises(ScoringError, match="malformed"):
        ScoringResult.from_dict(broken)


def test_borderline_default_is_the_named_constant() -> None:
    default = inspect.signature(score).parameters["borderline_margin"].default
    assert default is BORDERLINE_MARGIN
    assert BORDERLINE_MARGIN == 0.05
    # The float default sits a hair above 1/20: a margin of exactly 1/20 stays borderline.
    exactly_five_points = [crit("a", 1, 6, Fraction(11, 2), 0)]
    r = score(exactly_five_points, MODELS)
    assert r.margin == 0.05
    assert r.borderline is True
    assert confidence_band(margin=r.margin, borderline=r.borderline) is ConfidenceBand.CLOSE_CALL


@pytest.mark.parametrize(
    ("margin", "borderline", "unsure_share", "band"),
    [
        (0.0, True, 0, ConfidenceBand.CLOSE_CALL),
        (0.049, True, 0, ConfidenceBand.CLOSE_CALL),
        (0.05, False, 0, ConfidenceBand.LEANING),
        (0.1499, False, 0, ConfidenceBand.LEANING),
        (CLEAR_MARGIN, False, 0, ConfidenceBand.CLEAR),
        (0.6, False, 0, ConfidenceBand.CLEAR),
        # A caller's own borderline threshold wins over the margin.
        (0.6, True, 0, ConfidenceBand.CLOSE_CALL),
        # Unsure weight: up to 10 % names the criteria only; above it one band down ...
        (0.6, False, UNSURE_ONE_BAND_DOWN, ConfidenceBand.CLEAR),
        (0.6, False, Decimal("0.1001"), ConfidenceBand.LEANING),
        (0.1, False, Decimal("0.2"), ConfidenceBand.CLOSE_CALL),
        # ... above 30 % two bands down, which is always a close call.
        (0.6, False, UNSURE_TWO_BANDS_DOWN, ConfidenceBand.LEANING),
        (0.6, False, Fraction(3, 10) + Fraction(1, 10**9), ConfidenceBand.CLOSE_CALL),
        (1.0, False, 1, ConfidenceBand.CLOSE_CALL),
        (0.0, True, Decimal("0.5"), ConfidenceBand.CLOSE_CALL),
    ],
)
def test_confidence_bands(
    margin: float, borderline: bool, unsure_share: Any, band: ConfidenceBand
) -> None:
    got = confidence_band(margin=margin, borderline=borderline, unsure_share=unsure_share)
    assert got is band


def test_confidence_band_on_the_example_and_bad_input() -> None:
    r = score(example(), MODELS)  # margin exactly 0.15
    assert confidence_band(margin=r.margin, borderline=r.borderline) is ConfidenceBand.CLEAR
    assert ConfidenceBand.CLOSE_CALL.value == "close-call"
    for bad in ({"margin": -0.1}, {"margin": float("nan")}, {"margin": "0.2"}):
        with pytest.raises(ScoringError, match="margin"):
            confidence_band(borderline=False, **bad)
    for share in (-0.1, 1.5, Decimal("NaN")):
        with pytest.raises(ScoringError, match="unsure_share"):
            confidence_band(margin=0.2, borderline=False, unsure_share=share)


# ------------------------------------------------------------------- property tests

weights = st.one_of(
    st.integers(0, 10),
    st.decimals(min_value=0, max_value=10, places=2, allow_nan=False, allow_infinity=False),
)


@st.composite
def criteria_lists(draw: st.DrawFn) -> list[CriterionInput]:
    n = draw(st.integers(1, 12))
    ws = draw(st.lists(weights, min_size=n, max_size=n).filter(lambda ws: any(w > 0 for w in ws)))
    return [
        CriterionInput(f"c{i}", w, {m: draw(st.integers(0, 10)) for m in MODELS})
        for i, w in enumerate(ws)
    ]


def core(r: ScoringResult) -> tuple[object, ...]:
    return (r.ranking, r.winner, r.runner_up, r.margin, r.borderline, r.scores)


@given(criteria_lists(), st.data())
def test_permuting_criteria_changes_nothing(
    criteria: list[CriterionInput], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(criteria))
    a, b = score(criteria, MODELS), score(shuffled, MODELS)
    assert core(a) == core(b)
    assert {c.slug: c for c in a.contributions} == {c.slug: c for c in b.contributions}
    assert {s.slug: s for s in a.sensitivity} == {s.slug: s for s in b.sensitivity}
    assert (a.weakest is None) == (b.weakest is None)
    if a.weakest is not None and b.weakest is not None:
        assert a.weakest.change == b.weakest.change


@given(
    criteria_lists(),
    st.one_of(
        st.integers(1, 10**6),
        st.fractions(min_value=Fraction(1, 1000), max_value=1000).filter(lambda f: f > 0),
    ),
)
def test_scaling_all_weights_changes_nothing(
    criteria: list[CriterionInput], k: int | Fraction
) -> None:
    scaled = [replace(c, weight=Fraction(c.weight) * k) for c in criteria]
    a, b = score(criteria, MODELS), score(scaled, MODELS)
    assert core(a) == core(b)
    for ca, cb in zip(a.contributions, b.contributions, strict=True):
        assert (ca.share, ca.per_model, ca.favours, ca.push) == (
            cb.share,
            cb.per_model,
            cb.favours,
            cb.push,
        )
    for sa, sb in zip(a.sensitivity, b.sensitivity, strict=True):
        assert (sa.flips_to_below, sa.flips_to_above, sa.change) == (
            sb.flips_to_below,
            sb.flips_to_above,
            sb.change,
        )
        for x, y in ((sa.lower, sb.lower), (sa.upper, sb.upper)):
            assert (x is None) == (y is None)
            if x is not None and y is not None:
                assert math.isclose(x * float(k), y, rel_tol=1e-12, abs_tol=1e-12)
    assert (a.weakest is not None and b.weakest is not None) or a.weakest is b.weakest is None
    if a.weakest is not None and b.weakest is not None:
        assert a.weakest.slug == b.weakest.slug


@given(criteria_lists(), st.data())
def test_raising_a_criterion_favouring_the_winner_keeps_the_winner(
    criteria: list[CriterionInput], data: st.DataObject
) -> None:
    r = score(criteria, MODELS)
    favouring = [
        i for i, c in enumerate(criteria) if all(c.scores[r.winner] >= c.scores[m] for m in MODELS)
    ]
    assume(favouring)
    i = data.draw(st.sampled_from(favouring))
    extra = data.draw(st.one_of(st.integers(1, 1000), st.fractions(0, 1000)))
    raised = with_weight(criteria, i, Fraction(criteria[i].weight) + extra)
    assert score(raised, MODELS).winner == r.winner


@given(criteria_lists())
def test_scores_in_unit_interval_and_contributions_sum(criteria: list[CriterionInput]) -> None:
    r = score(criteria, MODELS)
    assert set(r.scores) == set(MODELS)
    for m, s in r.scores.items():
        assert 0.0 <= s <= 1.0
        assert math.isclose(sum(c.per_model[m] for c in r.contributions), s, abs_tol=1e-9)
    assert math.isclose(sum(c.share for c in r.contributions), 1.0, abs_tol=1e-9)
    assert [ms.score for ms in r.ranking] == sorted((ms.score for ms in r.ranking), reverse=True)
    assert 0.0 <= r.margin <= 1.0
    assert r.margin == pytest.approx(r.ranking[0].score - r.ranking[1].score, abs=1e-12)


def exact(x: float) -> Fraction:
    """Recover an exact bound: with 2-place weights and integer scores, denominators <= 1000."""
    return Fraction(x).limit_denominator(10**6)


@settings(max_examples=200)
@given(criteria_lists())
def test_sensitivity_is_honest(criteria: list[CriterionInput]) -> None:
    r = score(criteria, MODELS)
    eps = Fraction(1, 10**9)
    total = sum(Fraction(c.weight) for c in criteria)
    for i, s in enumerate(r.sensitivity):
        w = Fraction(criteria[i].weight)
        others_zero = total == w

        def winner_with(x: Fraction, i: int = i) -> str:
            return score(with_weight(criteria, i, x), MODELS).winner

        assert s.weight == float(w)
        assert winner_with(w) == r.winner
        if s.lower is None:
            assert s.flips_to_below is None
            assert winner_with(eps if others_zero else Fraction(0)) == r.winner
        else:
            lo = exact(s.lower)
            assert float(lo) == s.lower
            assert lo <= w
            inside = lo + min(eps, (w - lo) / 2) if lo < w else lo
            assert winner_with(inside) == r.winner
            if s.lower_inclusive:
                assert lo > 0
                assert winner_with(lo) == r.winner
                outside = winner_with(lo - eps)
            else:
                outside = winner_with(lo)
            assert outside != r.winner
            assert outside == s.flips_to_below
        if s.upper is None:
            assert s.flips_to_above is None
            assert winner_with(w * 1000 + 1000) == r.winner
        else:
            hi = exact(s.upper)
            assert float(hi) == s.upper
            assert hi >= w
            inside = hi - min(eps, (hi - w) / 2) if hi > w else hi
            assert winner_with(inside) == r.winner
            outside = winner_with(hi + eps) if s.upper_inclusive else winner_with(hi)
            if s.upper_inclusive:
                assert winner_with(hi) == r.winner
            assert outside != r.winner
            assert outside == s.flips_to_above
        bounds = [abs(exact(b) - w) for b in (s.lower, s.upper) if b is not None]
        if bounds:
            expected = min(bounds) / (w if w > 0 else total / len(criteria))
            assert s.change == float(expected)
        else:
            assert s.change is None
    changes = [(s.change, i) for i, s in enumerate(r.sensitivity) if s.change is not None]
    if changes:
        assert r.weakest == r.sensitivity[min(changes)[1]]
    else:
        assert r.weakest is None


@given(criteria_lists())
def test_from_dict_round_trips_any_result(criteria: list[CriterionInput]) -> None:
    r = score(criteria, MODELS)
    assert ScoringResult.from_dict(json.loads(json.dumps(r.to_dict()))) == r


@given(
    st.floats(0, 1),
    st.floats(0, 1),
    st.booleans(),
    st.fractions(0, 1),
    st.fractions(0, 1),
)
def test_confidence_band_is_monotone(
    m1: float, m2: float, borderline: bool, u1: Fraction, u2: Fraction
) -> None:
    """A wider margin never lowers the band; more unsure weight never raises it."""
    order = [ConfidenceBand.CLOSE_CALL, ConfidenceBand.LEANING, ConfidenceBand.CLEAR]
    lo_m, hi_m = sorted((m1, m2))
    lo_u, hi_u = sorted((u1, u2))
    narrow = confidence_band(margin=lo_m, borderline=borderline, unsure_share=hi_u)
    wide = confidence_band(margin=hi_m, borderline=borderline, unsure_share=lo_u)
    assert order.index(narrow) <= order.index(wide)
    assert confidence_band(margin=hi_m, borderline=True, unsure_share=lo_u) is (
        ConfidenceBand.CLOSE_CALL
    )
