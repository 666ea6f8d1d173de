"""The pure risk-register arithmetic (no database)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from decisions import risks
from decisions.risks import Level

scale = st.integers(min_value=1, max_value=5)


@dataclass(frozen=True)
class Rating:
    likelihood: int
    impact: int
    order: int = 0


@pytest.mark.parametrize(
    ("likelihood", "impact", "expected"),
    [
        (1, 1, Level.LOW),
        (2, 3, Level.LOW),
        (2, 4, Level.MEDIUM),
        (3, 3, Level.MEDIUM),
        (3, 4, Level.MEDIUM),
        (3, 5, Level.HIGH),
        (4, 4, Level.HIGH),
        (5, 5, Level.HIGH),
    ],
)
def test_levels_follow_the_five_by_five_matrix(likelihood, impact, expected):
    assert risks.level(likelihood, impact) is expected


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (3, 6), (-1, -1)])
def test_a_rating_off_the_scale_is_refused(likelihood, impact):
    with pytest.raises(ValueError, match="1-5"):
        risks.level(likelihood, impact)


ORDER = [Level.LOW, Level.MEDIUM, Level.HIGH]


@given(scale, scale, scale)
def test_a_higher_likelihood_never_lowers_the_level(likelihood, impact, more):
    higher = max(likelihood, more)
    assert ORDER.index(risks.level(higher, impact)) >= ORDER.index(risks.level(likelihood, impact))


@given(scale, scale)
def test_the_level_is_symmetric(likelihood, impact):
    assert risks.level(likelihood, impact) is risks.level(impact, likelihood)


@given(st.lists(st.builds(Rating, scale, scale, st.integers(0, 10)), max_size=12))
def test_ranked_puts_the_most_serious_first(ratings):
    ranked = risks.ranked(ratings, order=lambda r: r.order)

    assert sorted(ranked, key=id) == sorted(ratings, key=id)
    scores = [(r.likelihood * r.impact, r.impact) for r in ranked]
    assert scores == sorted(scores, reverse=True)


def test_a_rare_disaster_ranks_before_a_frequent_nuisance_of_the_same_score():
    nuisance, disaster = Rating(4, 1), Rating(1, 4)

    assert risks.ranked([nuisance, disaster]) == [disaster, nuisance]


@given(st.lists(st.builds(Rating, scale, scale), max_size=12))
def test_the_matrix_places_every_rating_once_in_its_cell(ratings):
    matrix = risks.matrix(ratings)

    assert [row[0].impact for row in matrix] == [5, 4, 3, 2, 1]
    assert all([cell.likelihood for cell in row] == [1, 2, 3, 4, 5] for row in matrix)
    placed = [r for row in matrix for cell in row for r in cell.risks]
    assert len(placed) == len(ratings)
    for row in matrix:
        for cell in row:
            assert all(
                (r.likelihood, r.impact) == (cell.likelihood, cell.impact) for r in cell.risks
            )
            assert cell.level is risks.level(cell.likelihood, cell.impact)
