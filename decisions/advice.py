"""Pure helpers that turn answers and engine output into advice (no Django import).

- ``contradictions``: pairs of answers on related criteria that pull hard in
  opposite directions ("fully rule-based" yet "needs bespoke judgment").
- ``drivers``: the criteria that drove a recommendation, in plain data.
- ``snapshot_changes``: what changed in the catalogue between two snapshots.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from decisions.records import CriterionEntry, ModelEntry, Snapshot
from decisions.scoring import Contribution, ScoringResult
from decisions.vocabulary import BPO, KPO

# Criteria that describe the same reality from two angles: answers on them
# should not point to opposite models.
RELATED_CRITERIA: tuple[tuple[str, str], ...] = (
    ("task-definition", "complexity"),
    ("task-definition", "decision-authority"),
    ("complexity", "skill-level"),
    ("complexity", "expertise"),
    ("expertise", "skill-level"),
    ("driver", "value-addition"),
    ("arbitrage", "value-addition"),
    ("coordination", "decision-authority"),
)
# How far apart (on the 0-10 option scale) BPO and KPO must be for an answer
# to count as a strong pull.
STRONG_PULL = Decimal(5)


@dataclass(frozen=True)
class AnsweredCriterion:
    slug: str
    name: str
    option_label: str
    scores: Mapping[str, Decimal]


@dataclass(frozen=True)
class Contradiction:
    first: AnsweredCriterion
    second: AnsweredCriterion
    first_pulls_to: str
    second_pulls_to: str


def _pull(answer: AnsweredCriterion) -> str | None:
    bpo = answer.scores.get(BPO, Decimal(0))
    kpo = answer.scores.get(KPO, Decimal(0))
    if bpo - kpo >= STRONG_PULL:
        return BPO
    if kpo - bpo >= STRONG_PULL:
        return KPO
    return None


def contradictions(answers: Iterable[AnsweredCriterion]) -> list[Contradiction]:
    """Pairs of related answers that pull strongly toward opposite models."""
    by_slug = {a.slug: a for a in answers}
    found = []
    for first_slug, second_slug in RELATED_CRITERIA:
        first, second = by_slug.get(first_slug), by_slug.get(second_slug)
        if first is None or second is None:
            continue
        first_pull, second_pull = _pull(first), _pull(second)
        if first_pull and second_pull and first_pull != second_pull:
            found.append(Contradiction(first, second, first_pull, second_pull))
    return found


def drivers(
    engine: ScoringResult, *, limit: int = 4
) -> tuple[list[Contribution], list[Contribution]]:
    """The contributions that pushed toward the winner, and those that pushed against it."""
    pushing = sorted((c for c in engine.contributions if c.push > 0), key=lambda c: -c.push)
    against = sorted((c for c in engine.contributions if c.push < 0), key=lambda c: c.push)
    return pushing[:limit], against[:limit]


@dataclass(frozen=True)
class CatalogueChange:
    """A difference between two snapshots that matters to scoring.

    ``kind`` is ``weight``, ``scores``, ``added`` or ``removed``; ``before`` and
    ``after`` are the weights (for ``weight`` changes).
    """

    kind: str
    slug: str
    name: str
    before: Decimal | None = None
    after: Decimal | None = None


def _option_scores(criterion: CriterionEntry) -> dict[str, Mapping[str, Decimal]]:
    return {option.code: option.scores for q in criterion.questions for option in q.options}


def snapshot_changes(before: Snapshot, after: Snapshot) -> list[CatalogueChange]:
    """What changed in the criteria, weights and option scores between two snapshots."""
    old = {c.slug: c for c in before.criteria}
    new = {c.slug: c for c in after.criteria}
    changes: list[CatalogueChange] = []
    for slug, criterion in new.items():
        previous = old.get(slug)
        if previous is None:
            changes.append(CatalogueChange("added", slug, criterion.name))
            continue
        if previous.weight != criterion.weight:
            changes.append(
                CatalogueChange("weight", slug, criterion.name, previous.weight, criterion.weight)
            )
        if _option_scores(previous) != _option_scores(criterion):
            changes.append(CatalogueChange("scores", slug, criterion.name))
    changes.extend(
        CatalogueChange("removed", slug, criterion.name)
        for slug, criterion in old.items()
        if slug not in new
    )
    return changes


def specialised_model(
    winner: str, activity_typical_model: str | None, models: Sequence[ModelEntry]
) -> str:
    """Name the specialisation (LPO) when its parent (KPO) wins for a function of its field.

    A function is "of its field" when its catalogue activity typically goes to
    that specialisation (legal services → LPO).
    """
    if activity_typical_model is None:
        return winner
    for model in models:
        if model.slug == activity_typical_model and model.specialises == winner:
            return model.slug
    return winner
