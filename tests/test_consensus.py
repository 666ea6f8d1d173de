"""Tests for the pure group layer: aggregation, "not sure", disagreement (no database)."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from decisions.consensus import (
    AGGREGATION_RULE,
    NOT_SURE,
    NOTHING_TO_SCORE,
    Choice,
    ConsensusError,
    GroupResult,
    Response,
    aggregate,
    assess,
    pulls_toward,
    score_each,
)
from decisions.scoring import ConfidenceBand, CriterionInput, ScoringError, score

MODELS = ["bpo", "kpo", "in-house"]
WEIGHTS = {"cost": 3, "expertise": 1}


def choice(option: str, bpo: Any, kpo: Any, inhouse: Any) -> Choice:
    return Choice(option, {"bpo": bpo, "kpo": kpo, "in-house": inhouse})


ROUTINE = choice("routine", 9, 5, 2)
CAPTIVE = choice("captive", 2, 4, 9)
GENERALIST = choice("generalist", 2, 8, 6)
SPECIALIST = choice("specialist", 0, 10, 4)
NOT_A_CHOICE: Any = "routine"  # a bare option code where a Choice belongs
ANN = Response("ann", {"cost": ROUTINE, "expertise": GENERALIST})
BEA = Response("bea", {"cost": CAPTIVE, "expertise": SPECIALIST})


# --------------------------------------------------------------------------- unit tests


def test_two_respondents_hand_computed() -> None:
    r = assess(WEIGHTS, [BEA, ANN], MODELS)
    # cost mean (5.5, 4.5, 5.5) x3, expertise mean (1, 9, 5) x1; totals / 40.
    assert r.engine.scores == {"kpo": 22.5 / 40, "in-house": 21.5 / 40, "bpo": 17.5 / 40}
    assert r.engine.winner == "kpo"
    assert r.engine.borderline is True
    assert r.band is ConfidenceBand.CLOSE_CALL
    assert r.respondents == ("ann", "bea")
    assert r.rule == AGGREGATION_RULE
    cost, expertise = r.criteria
    assert cost.scores == {"bpo": 5.5, "kpo": 4.5, "in-house": 5.5}
    assert [(s.respondent, s.option, s.pulls_toward) for s in cost.stances] == [
        ("ann", "routine", "bpo"),
        ("bea", "captive", "in-house"),
    ]
    assert cost.spread == 0.7  # bpo and in-house answers 7 points apart
    assert cost.split is True
    assert cost.open_disagreement is True
    assert expertise.spread == 0.2
    assert expertise.split is False  # both pull toward KPO
    assert r.open_disagreements == ("cost",)
    assert r.consensus == 0.425  # 1 - (3 * 0.7 + 1 * 0.2) / 4, exactly
    # Each alone leads elsewhere: ann to BPO, bea to in-house; the group compromise is KPO.
    assert [(i.respondent, i.winner) for i in r.individuals] == [
        ("ann", "bpo"),
        ("bea", "in-house"),
    ]
    assert r.dissenters == ("ann", "bea")
    assert r.unsure == ()
    assert r.unsure_share == 0.0


def test_settling_a_criterion_overrides_the_answers_and_closes_the_disagreement() -> None:
    r = assess(WEIGHTS, [ANN, BEA], MODELS, settled={"cost": ROUTINE})
    # cost (9, 5, 2) x3 + expertise (1, 9, 5) -> bpo 28, kpo 24, in-house 11 (/40).
    assert r.engine.scores == {"bpo": 28 / 40, "kpo": 24 / 40, "in-house": 11 / 40}
    assert r.band is ConfidenceBand.LEANING
    cost = r.criteria[0]
    assert cost.settled is True
    assert cost.settled_option == "routine"
    assert cost.split is True  # the respondents still differ ...
    assert cost.open_disagreement is False  # ... but the owner settled it
    assert cost.spread == 0.7
    assert r.open_disagreements == ()
    assert r.settled == ("cost",)
    assert r.consensus == pytest.approx(1 - 0.2 / 4)
    assert r.dissenters == ("bea",)
    # The individual results ignore the settlement.
    assert score_each(WEIGHTS, [ANN, BEA], MODELS) == r.individuals


def test_not_sure_respondent_is_left_out_of_that_mean() -> None:
    bea = Response("bea", {"cost": CAPTIVE, "expertise": NOT_SURE})
    r = assess(WEIGHTS, [ANN, bea], MODELS)
    expertise = r.criteria[1]
    assert expertise.scores == {"bpo": 2.0, "kpo": 8.0, "in-house": 6.0}  # ann's alone
    assert expertise.spread == 0.0
    assert expertise.unsure_respondents == ("bea",)
    assert expertise.left_out is False
    assert r.unsure == ()
    bea_alone = r.individuals[1]
    assert bea_alone.unsure == ("expertise",)
    assert bea_alone.unsure_share == 0.25
    assert bea_alone.engine == score([CriterionInput("cost", 3, CAPTIVE.scores)], MODELS)


def test_a_missing_answer_counts_as_not_sure() -> None:
    explicit = Response("bea", {"cost": CAPTIVE, "expertise": NOT_SURE})
    implicit = Response("bea", {"cost": CAPTIVE})
    assert assess(WEIGHTS, [ANN, explicit], MODELS) == assess(WEIGHTS, [ANN, implicit], MODELS)


def test_everyone_unsure_leaves_the_criterion_out_and_lowers_the_band() -> None:
    ann = Response("ann", {"cost": ROUTINE, "expertise": NOT_SURE})
    bea = Response("bea", {"cost": ROUTINE, "expertise": NOT_SURE})
    r = assess(WEIGHTS, [ann, bea], MODELS)
    assert r.engine == score([CriterionInput("cost", 3, ROUTINE.scores)], MODELS)
    assert r.unsure == ("expertise",)
    assert r.unsure_share == 0.25
    assert r.criteria[1].left_out is True
    assert r.criteria[1].scores is None
    # margin 0.4 is clear, but a quarter of the weight is unsure: one band down.
    assert r.engine.margin == pytest.approx(0.4)
    assert r.band is ConfidenceBand.LEANING
    assert r.consensus == 1.0


def test_settled_as_not_sure_leaves_the_criterion_out() -> None:
    r = assess(WEIGHTS, [ANN, BEA], MODELS, settled={"expertise": NOT_SURE})
    assert r.unsure == ("expertise",)
    assert r.criteria[1].settled is True
    assert r.criteria[1].settled_option is None


def test_everything_unsure_is_an_error_and_nobody_is_allowed() -> None:
    ann = Response("ann", {"cost": NOT_SURE, "expertise": NOT_SURE})
    with pytest.raises(ConsensusError, match="left out"):
        assess(WEIGHTS, [ann], MODELS)
    assert NOTHING_TO_SCORE == "every criterion was left out (answered 'not sure' by everyone)"
    # With no respondents but every criterion settled, the owner's answers decide alone.
    r = assess(WEIGHTS, [], MODELS, settled={"cost": ROUTINE, "expertise": GENERALIST})
    assert r.engine.winner == "bpo"
    assert r.consensus == 1.0
    assert r.individuals == ()


def test_individual_with_nothing_to_score_has_no_engine() -> None:
    unsure = Response("cat", {"cost": NOT_SURE, "expertise": NOT_SURE})
    r = assess(WEIGHTS, [ANN, unsure], MODELS)
    cat = r.individuals[1]
    assert (cat.engine, cat.band, cat.winner) == (None, None, None)
    assert cat.unsure_share == 1.0
    assert r.dissenters == ()


def test_pulls_toward_needs_a_clear_lead() -> None:
    top = Fraction(10)
    exact = {m: Fraction(s) for m, s in zip(MODELS, (7, 5, 1), strict=True)}
    assert pulls_toward(exact, MODELS, top) == "bpo"  # leads by exactly 2 of 10
    exact["kpo"] = Fraction(51, 10)
    assert pulls_toward(exact, MODELS, top) is None
    assert pulls_toward(exact, ["bpo"], top) is None


def test_aggregate_gives_engine_inputs() -> None:
    agg = aggregate(WEIGHTS, [ANN, BEA], MODELS)
    assert [c.slug for c in agg.inputs] == ["cost", "expertise"]
    assert agg.inputs[0].scores == {
        "bpo": Fraction(11, 2),
        "kpo": Fraction(9, 2),
        "in-house": Fraction(11, 2),
    }
    assert agg.inputs[0].weight == 3
    assert agg.unsure == ()
    assert agg.unsure_share == 0


def test_to_dict_round_trips_through_json() -> None:
    bea = Response("bea", {"cost": CAPTIVE, "expertise": NOT_SURE})
    cat = Response("cat", {"cost": NOT_SURE, "expertise": NOT_SURE})
    r = assess(WEIGHTS, [ANN, bea, cat], MODELS, settled={"expertise": SPECIALIST})
    d = r.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["band"] == r.band.value
    assert d["criteria"][0]["stances"][1] == {
        "respondent": "bea",
        "option": "captive",
        "pulls_toward": "in-house",
    }
    assert d["individuals"][2]["engine"] is None
    assert GroupResult.from_dict(json.loads(json.dumps(d))) == r
    with pytest.raises(ConsensusError, match="malformed"):
        GroupResult.from_dict({**d, "band": "certain"})
    with pytest.raises(ConsensusError, match="malformed"):
        GroupResult.from_dict({k: v for k, v in d.items() if k != "criteria"})


@pytest.mark.parametrize(
    ("weights", "responses", "models", "settled", "message"),
    [
        ({}, [ANN], MODELS, {}, "at least one criterion"),
        (WEIGHTS, [ANN], [], {}, "at least one model"),
        (WEIGHTS, [ANN], ["bpo", "bpo"], {}, "duplicate models"),
        ({"cost": -1, "expertise": 1}, [ANN], MODELS, {}, ">= 0"),
        (WEIGHTS, [ANN, replace(BEA, respondent="ann")], MODELS, {}, "duplicate respondents"),
        (WEIGHTS, [replace(ANN, respondent="")], MODELS, {}, "non-empty string id"),
        (WEIGHTS, [Response("ann", {"costs": ROUTINE})], MODELS, {}, "unknown criteria"),
        (WEIGHTS, [ANN], MODELS, {"costs": ROUTINE}, "settled criteria not among"),
        (WEIGHTS, [Response("a", {"cost": NOT_A_CHOICE})], MODELS, {}, "expected a Choice"),
        (WEIGHTS, [Response("a", {"cost": Choice("", ROUTINE.scores)})], MODELS, {}, "option code"),
        (WEIGHTS, [Response("a", {"cost": Choice("x", {"bpo": 1})})], MODELS, {}, "no score"),
        (WEIGHTS, [Response("a", {"cost": choice("x", 11, 0, 0)})], MODELS, {}, r"\[0, 10\]"),
        (WEIGHTS, [Response("a", {"cost": choice("x", -1, 0, 0)})], MODELS, {}, r"\[0, 10\]"),
        (WEIGHTS, [Response("a", {"cost": choice("x", float("nan"), 0, 0)})], MODELS, {}, "finite"),
        (WEIGHTS, [ANN], MODELS, {"cost": choice("x", 0, 0, 12)}, "settled 'cost'"),
    ],
)
def test_bad_input_raises_consensus_error(
    weights: dict[str, Any],
    responses: list[Response],
    models: list[str],
    settled: dict[str, Choice | None],
    message: str,
) -> None:
    with pytest.raises(ConsensusError, match=message):
        assess(weights, responses, models, settled=settled)


def test_consensus_error_is_a_scoring_error_and_zero_weights_still_fail() -> None:
    assert issubclass(ConsensusError, ScoringError)
    assert issubclass(ConsensusError, ValueError)
    with pytest.raises(ScoringError, match="all criterion weights are zero"):
        assess({"cost": 0, "expertise": Decimal(0)}, [ANN], MODELS)
    with pytest.raises(ConsensusError, match="max_score"):
        assess(WEIGHTS, [ANN], MODELS, max_score=0)


# ------------------------------------------------------------------- property tests

weights = st.one_of(
    st.integers(0, 10),
    st.decimals(min_value=0, max_value=10, places=2, allow_nan=False, allow_infinity=False),
)
option_scores = st.fixed_dictionaries({m: st.integers(0, 10) for m in MODELS})


@st.composite
def catalogues(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, list[Choice]]]:
    """Criteria with weights (at least one positive) and 2-4 answer options each."""
    n = draw(st.integers(1, 6))
    ws = draw(st.lists(weights, min_size=n, max_size=n).filter(lambda ws: any(w > 0 for w in ws)))
    slugs = [f"c{i}" for i in range(n)]
    options = {
        slug: [
            Choice(f"{slug}-o{k}", scores)
            for k, scores in enumerate(draw(st.lists(option_scores, min_size=2, max_size=4)))
        ]
        for slug in slugs
    }
    return dict(zip(slugs, ws, strict=True)), options


def answers(
    draw: st.DrawFn, options: dict[str, list[Choice]], *, unsure: bool
) -> dict[str, Choice | None]:
    picks: dict[str, Choice | None] = {}
    for slug, opts in options.items():
        pool = [*opts, NOT_SURE] if unsure else opts
        picks[slug] = draw(st.sampled_from(pool))
    return picks


@st.composite
def groups(
    draw: st.DrawFn, *, unsure: bool = True, max_size: int = 5
) -> tuple[dict[str, Any], dict[str, list[Choice]], list[Response]]:
    ws, options = draw(catalogues())
    size = draw(st.integers(1, max_size))
    responses = [Response(f"r{k}", answers(draw, options, unsure=unsure)) for k in range(size)]
    return ws, options, responses


NOTHING_POSITIVE = (NOTHING_TO_SCORE, "all criterion weights are zero")


def scored(ws: dict[str, Any], responses: list[Response], **kw: Any) -> GroupResult:
    """``assess``, skipping generated groups that left nothing of positive weight to score."""
    try:
        return assess(ws, responses, MODELS, **kw)
    except ScoringError as error:
        assume(str(error) not in NOTHING_POSITIVE)
        raise


@given(catalogues(), st.data())
def test_one_respondent_gives_the_single_answer_result(
    catalogue: tuple[dict[str, Any], dict[str, list[Choice]]], data: st.DataObject
) -> None:
    ws, options = catalogue
    chosen = {slug: data.draw(st.sampled_from(opts)) for slug, opts in options.items()}
    single_answer_path = [CriterionInput(slug, ws[slug], chosen[slug].scores) for slug in ws]
    r = assess(ws, [Response("only", chosen)], MODELS)
    assert r.engine == score(single_answer_path, MODELS)
    assert r.consensus == 1.0
    assert r.open_disagreements == ()
    assert r.individuals[0].engine == r.engine
    assert r.dissenters == ()


@given(groups(), st.data())
def test_respondent_order_does_not_matter(
    group: tuple[dict[str, Any], dict[str, list[Choice]], list[Response]], data: st.DataObject
) -> None:
    ws, _, responses = group
    shuffled = data.draw(st.permutations(responses))
    assert scored(ws, responses) == scored(ws, shuffled)


@given(groups())
def test_duplicating_the_group_changes_no_result(
    group: tuple[dict[str, Any], dict[str, list[Choice]], list[Response]],
) -> None:
    ws, _, responses = group
    twice = [*responses, *(replace(r, respondent=f"{r.respondent}-again") for r in responses)]
    a, b = scored(ws, responses), scored(ws, twice)
    assert a.engine == b.engine
    assert (a.unsure, a.band, a.consensus) == (b.unsure, b.band, b.consensus)
    assert [(c.scores, c.spread, c.split) for c in a.criteria] == [
        (c.scores, c.spread, c.split) for c in b.criteria
    ]


@given(groups(), st.data())
def test_a_respondent_matching_the_group_changes_no_result(
    group: tuple[dict[str, Any], dict[str, list[Choice]], list[Response]], data: st.DataObject
) -> None:
    ws, options, responses = group
    settled = data.draw(st.sets(st.sampled_from(sorted(ws)), max_size=2))
    settlement = {slug: options[slug][0] for slug in settled}
    before = scored(ws, responses, settled=settlement)
    agg = {c.slug: c.scores for c in aggregate(ws, responses, MODELS, settled=settlement).inputs}
    follower = Response(
        "follower",
        {
            slug: NOT_SURE if slug not in agg or slug in settled else Choice("mean", agg[slug])
            for slug in ws
        },
    )
    after = scored(ws, [*responses, follower], settled=settlement)
    assert after.engine == before.engine
    assert after.engine.winner == before.engine.winner
    assert after.unsure == before.unsure
    assert after.consensus == before.consensus  # a point inside the range widens no spread


@given(groups(), st.data())
def test_a_settled_criterion_ignores_individual_answers(
    group: tuple[dict[str, Any], dict[str, list[Choice]], list[Response]], data: st.DataObject
) -> None:
    ws, options, responses = group
    slug = data.draw(st.sampled_from(sorted(ws)))
    agreed = data.draw(st.sampled_from(options[slug]))
    before = scored(ws, responses, settled={slug: agreed})
    changed = [
        replace(r, answers={**r.answers, slug: data.draw(st.sampled_from([*options[slug], None]))})
        for r in responses
    ]
    after = scored(ws, changed, settled={slug: agreed})
    assert after.engine == before.engine
    assert after.unsure == before.unsure
    assert after.band == before.band
    assert after.consensus == before.consensus
    # And the agreed answer is what the engine used, exactly as one respondent giving it.
    everyone_agreed = [replace(r, answers={**r.answers, slug: agreed}) for r in responses]
    assert scored(ws, everyone_agreed).engine == after.engine


@given(catalogues(), st.data(), st.integers(1, 5))
def test_consensus_is_one_when_everyone_agrees(
    catalogue: tuple[dict[str, Any], dict[str, list[Choice]]], data: st.DataObject, size: int
) -> None:
    ws, options = catalogue
    picks = answers(data.draw, options, unsure=True)
    r = scored(ws, [Response(f"r{k}", picks) for k in range(size)])
    assert r.consensus == 1.0
    assert all(c.spread == 0 and not c.split for c in r.criteria)
    assert r.dissenters == ()
    assert {i.winner for i in r.individuals} == {r.engine.winner}


@given(groups())
def test_consensus_and_spreads_are_in_the_unit_interval(
    group: tuple[dict[str, Any], dict[str, list[Choice]], list[Response]],
) -> None:
    ws, _, responses = group
    r = scored(ws, responses)
    assert 0.0 <= r.consensus <= 1.0
    assert all(0.0 <= c.spread <= 1.0 for c in r.criteria)
    disagreeing = [c for c in r.criteria if not c.left_out and c.spread > 0 and c.weight > 0]
    assert (r.consensus < 1.0) == bool(disagreeing)
    for c in r.criteria:
        assert c.left_out == (c.slug in r.unsure)
        assert c.split == (len({s.pulls_toward for s in c.stances} - {None}) > 1)


@given(groups(), st.data())
def test_everyone_unsure_on_a_criterion_equals_scoring_without_it(
    group: tuple[dict[str, Any], dict[str, list[Choice]], list[Response]], data: st.DataObject
) -> None:
    ws, _, responses = group
    assume(len(ws) > 1)
    slug = data.draw(st.sampled_from(sorted(ws)))
    unsure = [replace(r, answers={**r.answers, slug: NOT_SURE}) for r in responses]
    without = [
        replace(r, answers={k: v for k, v in r.answers.items() if k != slug}) for r in responses
    ]
    rest = {k: w for k, w in ws.items() if k != slug}
    a = scored(ws, unsure)
    b = scored(rest, without)
    assert a.engine == b.engine
    assert slug in a.unsure
    assert a.unsure == tuple(s for s in ws if s == slug or s in b.unsure)
    total = sum(Fraction(w) for w in ws.values())
    assert a.unsure_share == float(sum(Fraction(ws[s]) for s in a.unsure) / total)


@given(
    groups(),
    st.one_of(
        st.integers(1, 10**6),
        st.fractions(min_value=Fraction(1, 1000), max_value=1000).filter(lambda f: f > 0),
    ),
)
def test_scaling_all_weights_changes_nothing(
    group: tuple[dict[str, Any], dict[str, list[Choice]], list[Response]], k: int | Fraction
) -> None:
    ws, _, responses = group
    a = scored(ws, responses)
    b = scored({s: Fraction(w) * k for s, w in ws.items()}, responses)
    assert a.engine.ranking == b.engine.ranking
    assert (a.engine.margin, a.engine.borderline) == (b.engine.margin, b.engine.borderline)
    assert (a.unsure, a.unsure_share, a.band, a.consensus) == (
        b.unsure,
        b.unsure_share,
        b.band,
        b.consensus,
    )
    assert [i.band for i in a.individuals] == [i.band for i in b.individuals]


@given(groups())
def test_each_respondent_alone_is_a_group_of_one(
    group: tuple[dict[str, Any], dict[str, list[Choice]], list[Response]],
) -> None:
    ws, _, responses = group
    r = scored(ws, responses)
    assert r.individuals == score_each(ws, responses, MODELS)
    for response, alone in zip(
        sorted(responses, key=lambda x: x.respondent), r.individuals, strict=True
    ):
        assert alone.respondent == response.respondent
        if alone.engine is None:
            assert all(response.answers[s] is None or Fraction(ws[s]) == 0 for s in ws)
        else:
            own = assess(ws, [response], MODELS)
            assert own.engine == alone.engine
            assert own.band == alone.band
            assert own.unsure == alone.unsure


@given(groups())
def test_group_result_round_trips_through_json(
    group: tuple[dict[str, Any], dict[str, list[Choice]], list[Response]],
) -> None:
    ws, _, responses = group
    r = scored(ws, responses)
    assert GroupResult.from_dict(json.loads(json.dumps(r.to_dict()))) == r
