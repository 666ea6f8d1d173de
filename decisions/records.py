"""The shape of a stored decision: the one owner of the JSON kept on a function.

A :class:`~decisions.models.FunctionAssessment` keeps three JSON fields:

- ``snapshot`` — a :class:`Snapshot`: the models, criteria, weights, questions,
  options and option scores a recommendation was computed with, and their
  content hash (the *criteria version*);
- ``result`` — a :class:`StoredResult`: the scoring engine's output, the
  recommended model (LPO named for legal work) and the answers it came from;
- ``previous`` — a :class:`PreviousResult`: what the result was before the last
  recomputation under changed criteria, so a page can show what changed.

Each is a frozen dataclass with ``to_json()`` and ``from_json()`` and carries
``SCHEMA`` in its JSON. Nothing else in the code base reads these fields by
key: the model exposes them as ``function.stored_result``,
``function.stored_snapshot`` and ``function.stored_previous``. Changing what a
recommendation records means editing this module.

A snapshot may also record ``pricing``: the pricing assumptions (one per outsourced
model, for the function's delivery location) its business case is estimated with, so a
stored result keeps its figures until a recompute. Pricing is not part of the criteria
version: a changed price does not change the recommendation. Lists read only that member
of the stored snapshot (``PRICING_KEY``, through ``pricing_from_json``), never the rest.

Evolving the shapes: a new *optional* member (with a default, read with
``data.get(...)`` so rows written before it still load) keeps ``SCHEMA``; a
change that old rows cannot satisfy (a renamed, removed or newly required
member) raises ``SCHEMA`` and comes with a data migration that upgrades stored
rows, as ``0002`` did for the stage-one shapes.

A result may also record ``unsure`` (criteria answered "not sure", left out with the
weights renormalised) and ``group`` (a :class:`GroupRecord`: the respondents, the
aggregation rule and the engine's group outcome, the settled criteria); both are optional.

This module imports nothing from Django: it is plain data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from decisions import consensus, costing, scoring

SCHEMA = 2
PRICING_KEY = "pricing"

__all__ = [
    "SCHEMA",
    "AnswerEntry",
    "CriterionEntry",
    "GroupRecord",
    "ModelEntry",
    "OptionEntry",
    "PreviousResult",
    "PricingEntry",
    "QuestionEntry",
    "RecordError",
    "RespondentEntry",
    "SettledEntry",
    "Snapshot",
    "StoredResult",
]


class RecordError(ValueError):
    """A stored JSON value does not have the shape (or schema) this module writes."""


def _check_schema(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise RecordError(f"{what}: expected an object, got {type(data).__name__}")
    schema = data.get("schema")
    if schema != SCHEMA:
        raise RecordError(f"{what}: schema {schema!r} is not {SCHEMA} (run the migrations)")
    return data


# --- the criteria snapshot -------------------------------------------------------------------


@dataclass(frozen=True)
class ModelEntry:
    """A sourcing model as the snapshot recorded it."""

    slug: str
    abbreviation: str
    name: str
    is_scored: bool
    is_outsourced: bool
    specialises: str | None
    contract_shape: str


@dataclass(frozen=True)
class OptionEntry:
    """An answer option and its score (0-10) toward each scored model."""

    id: int
    code: str
    label: str
    scores: Mapping[str, Decimal]


@dataclass(frozen=True)
class QuestionEntry:
    id: int
    text: str
    options: tuple[OptionEntry, ...]


@dataclass(frozen=True)
class CriterionEntry:
    slug: str
    name: str
    kind: str
    weight: Decimal
    order: int
    bpo_side: str
    kpo_side: str
    questions: tuple[QuestionEntry, ...]


def _canonical(models: Iterable[ModelEntry], criteria: Iterable[CriterionEntry]) -> dict[str, Any]:
    """The hashed payload; its exact form is what stage one hashed, so versions stay equal."""
    return {
        "models": [asdict(m) for m in models],
        "criteria": [
            {
                "slug": c.slug,
                "name": c.name,
                "kind": c.kind,
                "weight": str(c.weight),
                "order": c.order,
                "bpo_side": c.bpo_side,
                "kpo_side": c.kpo_side,
                "questions": [
                    {
                        "id": q.id,
                        "text": q.text,
                        "options": [
                            {
                                "id": o.id,
                                "code": o.code,
                                "label": o.label,
                                "scores": {m: str(s) for m, s in o.scores.items()},
                            }
                            for o in q.options
                        ],
                    }
                    for q in c.questions
                ],
            }
            for c in criteria
        ],
    }


@dataclass(frozen=True)
class PricingEntry:
    """A pricing assumption as recorded: prices for one model x location, and its provenance.

    ``location`` is the delivery location's slug, ``""`` for an assumption that holds for
    any location. Values are on ``basis`` (see :class:`decisions.costing.Basis`).
    """

    model: str
    location: str
    basis: str
    low: Decimal
    expected: Decimal
    high: Decimal
    currency: str = ""
    transition_basis: str = costing.Basis.AMOUNT.value
    transition_value: Decimal = Decimal(0)
    governance_basis: str = costing.Basis.AMOUNT.value
    governance_value: Decimal = Decimal(0)
    note: str = ""
    is_sample: bool = False

    def pricing(self) -> costing.Pricing:
        """The costing input; raises :class:`decisions.costing.CostingError` (``field`` names
        this record's member) when the values do not make a pricing."""
        return costing.Pricing(
            model=self.model,
            location=self.location,
            basis=_basis(self.basis, "basis"),
            low=self.low,
            expected=self.expected,
            high=self.high,
            transition=_charge(self.transition_basis, self.transition_value, "transition"),
            governance=_charge(self.governance_basis, self.governance_value, "governance"),
            currency=self.currency or None,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            name: str(value) if isinstance(value, Decimal) else value
            for name, value in asdict(self).items()
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PricingEntry:
        decimals = ("low", "expected", "high", "transition_value", "governance_value")
        values = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**{**values, **{name: Decimal(data[name]) for name in decimals}})


def _basis(value: str, field: str) -> costing.Basis:
    try:
        return costing.Basis(value)
    except ValueError as error:
        raise costing.InvalidNumberError(f"unknown basis {value!r}", field=field) from error


def _charge(basis: str, value: Decimal, what: str) -> costing.Charge:
    """A charge; an error names ``<what>_value`` or ``<what>_basis``."""
    try:
        return costing.Charge(_basis(basis, f"{what}_basis"), value)
    except costing.CostingError as error:
        if error.field.endswith("_basis"):
            raise
        raise type(error)(str(error), field=f"{what}_value") from error


def pricing_from_json(data: Any) -> tuple[PricingEntry, ...]:
    """The ``pricing`` member of a stored snapshot (absent in older rows: none)."""
    if not data:
        return ()
    try:
        return tuple(PricingEntry.from_json(entry) for entry in data)
    except (KeyError, TypeError, ArithmeticError) as error:
        raise RecordError(f"snapshot pricing: malformed ({error!r})") from error


def version_of(payload: Mapping[str, Any]) -> str:
    """The criteria version: 8 hex digits of a SHA-256 over the canonical payload."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Snapshot:
    """What a recommendation depends on, frozen at the time it was computed."""

    version: str
    models: tuple[ModelEntry, ...]
    criteria: tuple[CriterionEntry, ...]
    pricing: tuple[PricingEntry, ...] = ()

    @classmethod
    def build(
        cls,
        models: Iterable[ModelEntry],
        criteria: Iterable[CriterionEntry],
        pricing: Iterable[PricingEntry] = (),
    ) -> Snapshot:
        """A snapshot of the given catalogue, its version computed from the criteria."""
        models, criteria = tuple(models), tuple(criteria)
        return cls(version_of(_canonical(models, criteria)), models, criteria, tuple(pricing))

    def with_pricing(self, pricing: Iterable[PricingEntry]) -> Snapshot:
        """The same snapshot recording ``pricing`` (the version does not change)."""
        return replace(self, pricing=tuple(pricing))

    def model(self, slug: str | None) -> ModelEntry | None:
        return next((m for m in self.models if m.slug == slug), None)

    def criterion(self, slug: str) -> CriterionEntry | None:
        return next((c for c in self.criteria if c.slug == slug), None)

    @property
    def scored_models(self) -> list[str]:
        return [m.slug for m in self.models if m.is_scored]

    def option_scores(self) -> dict[int, Mapping[str, Decimal]]:
        """Option id -> its scores, over every question of the snapshot."""
        return {
            option.id: option.scores
            for criterion in self.criteria
            for question in criterion.questions
            for option in question.options
        }

    def to_json(self) -> dict[str, Any]:
        data = {"schema": SCHEMA, "version": self.version, **_canonical(self.models, self.criteria)}
        if self.pricing:
            data[PRICING_KEY] = [entry.to_json() for entry in self.pricing]
        return data

    @classmethod
    def from_json(cls, data: Any) -> Snapshot:
        data = _check_schema(data, "snapshot")
        try:
            return cls(
                version=str(data["version"]),
                models=tuple(ModelEntry(**m) for m in data["models"]),
                criteria=tuple(
                    CriterionEntry(
                        slug=c["slug"],
                        name=c["name"],
                        kind=c["kind"],
                        weight=Decimal(c["weight"]),
                        order=c["order"],
                        bpo_side=c["bpo_side"],
                        kpo_side=c["kpo_side"],
                        questions=tuple(
                            QuestionEntry(
                                id=q["id"],
                                text=q["text"],
                                options=tuple(
                                    OptionEntry(
                                        id=o["id"],
                                        code=o["code"],
                                        label=o["label"],
                                        scores={m: Decimal(s) for m, s in o["scores"].items()},
                                    )
                                    for o in q["options"]
                                ),
                            )
                            for q in c["questions"]
                        ),
                    )
                    for c in data["criteria"]
                ),
                pricing=pricing_from_json(data.get(PRICING_KEY)),
            )
        except (KeyError, TypeError, ArithmeticError) as error:
            raise RecordError(f"snapshot: malformed ({error!r})") from error


# --- the stored result -----------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerEntry:
    """One answer as it was when the result was computed."""

    criterion: str
    criterion_name: str
    kind: str
    question_id: int
    question: str
    option_id: int
    option_code: str
    option_label: str
    note: str
    # "Not sure" (scored criteria only): no option; the engine left the criterion out.
    not_sure: bool = False


@dataclass(frozen=True)
class RespondentEntry:
    """Who answered: ``id`` is the respondent row's id, as the engine's result names them."""

    id: str
    name: str


@dataclass(frozen=True)
class SettledEntry:
    """A criterion the owner settled: the agreed answer (none: "not sure"), by whom, when."""

    criterion: str
    criterion_name: str
    option_code: str | None
    option_label: str
    note: str
    by: str
    at: datetime


@dataclass(frozen=True)
class GroupRecord:
    """How a result with several respondents (or a settlement) was reached.

    ``outcome`` is :class:`decisions.consensus.GroupResult` as the engine returned it (its
    ``rule`` names the aggregation rule); ``individual`` maps each respondent's id to the
    model their own answers recommend (``None``: they were not sure of anything).
    """

    respondents: tuple[RespondentEntry, ...]
    outcome: consensus.GroupResult
    settled: tuple[SettledEntry, ...]
    individual: Mapping[str, str | None]

    @property
    def rule(self) -> str:
        return self.outcome.rule

    def name(self, respondent_id: str) -> str:
        return next((r.name for r in self.respondents if r.id == respondent_id), respondent_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "respondents": [asdict(r) for r in self.respondents],
            "outcome": self.outcome.to_dict(),
            "settled": [{**asdict(s), "at": s.at.isoformat()} for s in self.settled],
            "individual": dict(self.individual),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GroupRecord:
        try:
            return cls(
                respondents=tuple(RespondentEntry(**r) for r in data["respondents"]),
                outcome=consensus.GroupResult.from_dict(data["outcome"]),
                settled=tuple(
                    SettledEntry(**{**s, "at": datetime.fromisoformat(s["at"])})
                    for s in data["settled"]
                ),
                individual=dict(data["individual"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise RecordError(f"group: malformed ({error!r})") from error


@dataclass(frozen=True)
class StoredResult:
    """The recommendation kept with a function: the engine's output and where it came from.

    ``recommended`` differs from ``engine.winner`` when a specialisation is named
    (LPO when KPO wins for legal work).
    """

    engine: scoring.ScoringResult
    recommended: str
    answers: tuple[AnswerEntry, ...]
    # Optional members (absent in older rows): the criteria answered "not sure" and their
    # share of the weight, and how a group reached the result.
    unsure: tuple[str, ...] = ()
    unsure_share: float = 0.0
    group: GroupRecord | None = None

    @property
    def winner(self) -> str:
        return self.engine.winner

    @property
    def scores(self) -> dict[str, float]:
        """Model slug -> normalised score (0..1), best first."""
        return self.engine.scores

    @property
    def specialised(self) -> bool:
        return self.recommended != self.engine.winner

    def answer(self, criterion: str) -> AnswerEntry | None:
        return next((a for a in self.answers if a.criterion == criterion), None)

    def profile(self, scored_kind: str) -> dict[str, AnswerEntry]:
        """Answers of the criteria that do not score (delivery location, office), by slug."""
        return {a.criterion: a for a in self.answers if a.kind != scored_kind}

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema": SCHEMA,
            "engine": self.engine.to_dict(),
            "recommended": self.recommended,
            "answers": [asdict(a) for a in self.answers],
        }
        if self.unsure:
            data["unsure"] = list(self.unsure)
            data["unsure_share"] = self.unsure_share
        if self.group is not None:
            data["group"] = self.group.to_json()
        return data

    @classmethod
    def from_json(cls, data: Any) -> StoredResult:
        data = _check_schema(data, "result")
        try:
            return cls(
                engine=scoring.ScoringResult.from_dict(data["engine"]),
                recommended=str(data["recommended"]),
                answers=tuple(AnswerEntry(**a) for a in data["answers"]),
                unsure=tuple(data.get("unsure") or ()),
                unsure_share=float(data.get("unsure_share") or 0),
                group=GroupRecord.from_json(data["group"]) if data.get("group") else None,
            )
        except (KeyError, TypeError, scoring.ScoringError) as error:
            raise RecordError(f"result: malformed ({error!r})") from error


@dataclass(frozen=True)
class PreviousResult:
    """The result a recomputation under changed criteria replaced."""

    recommended: str
    scores: Mapping[str, float]
    criteria_version: str
    computed_at: datetime | None
    snapshot: Snapshot | None = field(default=None)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "recommended": self.recommended,
            "scores": dict(self.scores),
            "criteria_version": self.criteria_version,
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "snapshot": self.snapshot.to_json() if self.snapshot else None,
        }

    @classmethod
    def from_json(cls, data: Any) -> PreviousResult:
        data = _check_schema(data, "previous result")
        try:
            computed_at = data.get("computed_at")
            return cls(
                recommended=str(data["recommended"]),
                scores={str(k): float(v) for k, v in (data.get("scores") or {}).items()},
                criteria_version=str(data.get("criteria_version") or ""),
                computed_at=datetime.fromisoformat(computed_at) if computed_at else None,
                snapshot=Snapshot.from_json(data["snapshot"]) if data.get("snapshot") else None,
            )
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, RecordError):
                raise
            raise RecordError(f"previous result: malformed ({error!r})") from error
