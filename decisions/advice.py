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
from typing import Any

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


def drivers(result: Mapping[str, Any], *, limit: int = 4) -> dict[str, list[dict[str, Any]]]:
    """The contributions that pushed toward the winner (``for``) and against it.

    ``result`` is ``ScoringResult.to_dict()``; entries keep the engine's fields.
    """
    contributions = list(result.get("contributions", []))
    pushing = sorted(
        (c for c in contributions if c["push"] > 0), key=lambda c: c["push"], reverse=True
    )
    against = sorted((c for c in contributions if c["push"] < 0), key=lambda c: c["push"])
    return {"for": pushing[:limit], "against": against[:limit]}


def _criteria_by_slug(snapshot: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {c["slug"]: c for c in snapshot.get("criteria", [])}


def _option_scores(criterion: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    return {
        option["code"]: option["scores"]
        for question in criterion.get("questions", [])
        for option in question.get("options", [])
    }


def snapshot_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Catalogue differences that matter to scoring, as plain records.

    Each record has ``kind`` (``weight``, ``scores``, ``added``, ``removed``),
    the criterion ``slug`` and ``name``, and for weights ``before``/``after``.
    """
    old, new = _criteria_by_slug(before), _criteria_by_slug(after)
    changes: list[dict[str, Any]] = []
    for slug, criterion in new.items():
        if slug not in old:
            changes.append({"kind": "added", "slug": slug, "name": criterion["name"]})
            continue
        previous = old[slug]
        if Decimal(previous["weight"]) != Decimal(criterion["weight"]):
            changes.append(
                {
                    "kind": "weight",
                    "slug": slug,
                    "name": criterion["name"],
                    "before": previous["weight"],
                    "after": criterion["weight"],
                }
            )
        if _option_scores(previous) != _option_scores(criterion):
            changes.append({"kind": "scores", "slug": slug, "name": criterion["name"]})
    changes.extend(
        {"kind": "removed", "slug": slug, "name": criterion["name"]}
        for slug, criterion in old.items()
        if slug not in new
    )
    return changes


def specialised_model(
    winner: str, activity_typical_model: str | None, models: Sequence[Mapping[str, Any]]
) -> str:
    """Name the specialisation (LPO) when its parent (KPO) wins for a function of its field.

    A function is "of its field" when its catalogue activity typically goes to
    that specialisation (legal services → LPO).
    """
    if activity_typical_model is None:
        return winner
    for model in models:
        if model["slug"] == activity_typical_model and model.get("specialises") == winner:
            return str(model["slug"])
    return winner
