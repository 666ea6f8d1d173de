"""Pure risk-register arithmetic: levels, the top risks and the likelihood x impact matrix.

No Django import. A risk is rated for one function on two 1-5 scales, as it stands
with its mitigation in place (its *residual* risk): ``likelihood`` and ``impact``.
Its score is their product (1-25), and its level follows the usual 5 x 5 matrix:

* **high** from :data:`HIGH_FROM` (15: 3 x 5, 4 x 4, 4 x 5, 5 x 5...),
* **medium** from :data:`MEDIUM_FROM` (8: 2 x 4, 3 x 3, 2 x 5...),
* **low** below.

The top risks are ordered by score, then impact (a rare disaster before a frequent
nuisance of the same score), then the catalogue's order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Protocol

__all__ = [
    "HIGH_FROM",
    "MEDIUM_FROM",
    "SCALE",
    "Cell",
    "Level",
    "Rated",
    "level",
    "matrix",
    "ranked",
]

SCALE: Final = (1, 2, 3, 4, 5)
HIGH_FROM: Final = 15
MEDIUM_FROM: Final = 8


class Level(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


def level(likelihood: int, impact: int) -> Level:
    """The level of a risk rated ``likelihood`` x ``impact`` (each 1-5)."""
    if likelihood not in SCALE or impact not in SCALE:
        raise ValueError(f"likelihood and impact are 1-5, got {likelihood} and {impact}")
    score = likelihood * impact
    if score >= HIGH_FROM:
        return Level.HIGH
    if score >= MEDIUM_FROM:
        return Level.MEDIUM
    return Level.LOW


class Rated(Protocol):
    @property
    def likelihood(self) -> int: ...

    @property
    def impact(self) -> int: ...


def ranked[R: Rated](ratings: Iterable[R], *, order: Callable[[R], int] = lambda _r: 0) -> list[R]:
    """The ratings, most serious first: by score, then impact, then ``order`` (the catalogue's)."""
    return sorted(ratings, key=lambda r: (-r.likelihood * r.impact, -r.impact, order(r)))


@dataclass(frozen=True)
class Cell[R: Rated]:
    """One square of the matrix: its coordinates, level and the risks rated there."""

    likelihood: int
    impact: int
    level: Level
    risks: tuple[R, ...]


def matrix[R: Rated](ratings: Sequence[R]) -> list[list[Cell[R]]]:
    """Rows of impact 5 down to 1, columns of likelihood 1 to 5, every cell present."""
    return [
        [
            Cell(
                likelihood=likelihood,
                impact=impact,
                level=level(likelihood, impact),
                risks=tuple(
                    r for r in ratings if r.likelihood == likelihood and r.impact == impact
                ),
            )
            for likelihood in SCALE
        ]
        for impact in reversed(SCALE)
    ]
