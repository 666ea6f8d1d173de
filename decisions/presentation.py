"""Turn a stored recommendation (result + snapshot JSON) into what pages and reports show.

Reads only the stored JSON, never the live catalogue, so a result page or a
report printed next year says what it said when the result was computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from decisions.advice import drivers


@dataclass
class ModelLine:
    slug: str
    abbreviation: str
    name: str
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass
class Driver:
    slug: str
    name: str
    option_label: str
    favours: str
    push: float
    share: float

    @property
    def push_points(self) -> float:
        return round(self.push * 100, 1)


@dataclass
class Robustness:
    slug: str
    name: str
    weight: float
    lower: float | None
    upper: float | None
    flips_to_below: str | None
    flips_to_above: str | None
    change: float | None


@dataclass
class FunctionSummary:
    """Everything the result page, the overview and the PDF say about one function."""

    name: str
    recommended: ModelLine
    engine_winner: str
    ranking: list[ModelLine]
    margin: float
    borderline: bool
    drivers_for: list[Driver]
    drivers_against: list[Driver]
    sensitivity: list[Robustness]
    weakest: Robustness | None
    what_would_flip: str
    contract_shape: str
    answers: list[dict[str, Any]]
    profile: dict[str, str]
    profile_labels: dict[str, str]
    contributions: list[dict[str, Any]]
    criteria_version: str
    computed_at: datetime | None
    specialised: bool
    models: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def margin_points(self) -> int:
        return round(self.margin * 100)

    def abbreviation(self, slug: str | None) -> str:
        if slug is None:
            return ""
        return str(self.models.get(slug, {}).get("abbreviation", slug))


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _flip_sentence(weakest: Robustness | None, abbreviation: Any) -> str:
    if weakest is None:
        return _("No change to a single criterion's weight would change this recommendation.")
    if weakest.upper is not None and (
        weakest.lower is None or weakest.upper - weakest.weight <= weakest.weight - weakest.lower
    ):
        return _(
            "Raising the weight of “%(name)s” from %(now)s to %(to)s would make "
            "%(model)s the recommendation."
        ) % {
            "name": weakest.name,
            "now": _fmt(weakest.weight),
            "to": _fmt(weakest.upper),
            "model": abbreviation(weakest.flips_to_above),
        }
    assert weakest.lower is not None
    return _(
        "Lowering the weight of “%(name)s” from %(now)s to %(to)s would make "
        "%(model)s the recommendation."
    ) % {
        "name": weakest.name,
        "now": _fmt(weakest.weight),
        "to": _fmt(weakest.lower),
        "model": abbreviation(weakest.flips_to_below),
    }


def summarise(
    name: str,
    result: dict[str, Any],
    snapshot: dict[str, Any],
    *,
    criteria_version: str = "",
    computed_at: datetime | None = None,
) -> FunctionSummary:
    """Build the summary of one stored recommendation."""
    models = {m["slug"]: m for m in snapshot["models"]}
    criteria = {c["slug"]: c for c in snapshot["criteria"]}
    answers = {a["criterion"]: a for a in result["answers"]}
    engine = result["engine"]

    def line(slug: str, score: float) -> ModelLine:
        model = models[slug]
        return ModelLine(slug, model["abbreviation"], model["name"], score)

    def abbreviation(slug: str | None) -> str:
        return str(models[slug]["abbreviation"]) if slug in models else ""

    ranking = [line(r["model"], r["score"]) for r in engine["ranking"]]
    winner_score = ranking[0].score
    recommended_slug = result["recommended"]

    def driver(entry: dict[str, Any]) -> Driver:
        return Driver(
            slug=entry["slug"],
            name=criteria[entry["slug"]]["name"],
            option_label=answers[entry["slug"]]["option_label"],
            favours=abbreviation(entry["favours"]),
            push=entry["push"],
            share=entry["share"],
        )

    pulled = drivers(engine)

    def robustness(entry: dict[str, Any]) -> Robustness:
        return Robustness(
            slug=entry["slug"],
            name=criteria[entry["slug"]]["name"],
            weight=entry["weight"],
            lower=entry["lower"],
            upper=entry["upper"],
            flips_to_below=entry["flips_to_below"],
            flips_to_above=entry["flips_to_above"],
            change=entry.get("change"),
        )

    weakest = robustness(engine["weakest"]) if engine.get("weakest") else None
    profile = result.get("profile", {})
    return FunctionSummary(
        name=name,
        recommended=line(recommended_slug, winner_score),
        engine_winner=result["winner"],
        ranking=ranking,
        margin=engine["margin"],
        borderline=engine["borderline"],
        drivers_for=[driver(e) for e in pulled["for"]],
        drivers_against=[driver(e) for e in pulled["against"]],
        sensitivity=[robustness(e) for e in engine["sensitivity"]],
        weakest=weakest,
        what_would_flip=_flip_sentence(weakest, abbreviation),
        contract_shape=models[recommended_slug].get("contract_shape", ""),
        answers=result["answers"],
        profile=profile,
        profile_labels={slug: answers[slug]["option_label"] for slug in profile if slug in answers},
        contributions=[
            {
                "slug": c["slug"],
                "name": criteria[c["slug"]]["name"],
                "per_model": c["per_model"],
                "share": c["share"],
            }
            for c in engine["contributions"]
        ],
        criteria_version=criteria_version,
        computed_at=computed_at,
        specialised=recommended_slug != result["winner"],
        models=models,
    )


def summarise_function(function: Any) -> FunctionSummary | None:
    """The summary of a FunctionAssessment's stored result, or None if it has none yet."""
    if not function.result or not function.snapshot:
        return None
    return summarise(
        function.name,
        function.result,
        function.snapshot,
        criteria_version=function.criteria_version,
        computed_at=function.computed_at,
    )
