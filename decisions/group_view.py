"""What a group result looks like to a reader (part of :mod:`decisions.presentation`).

``FunctionView.group`` is a :class:`GroupView`, or ``None`` for a function with one
respondent and nothing settled. Built only from the stored records, like the rest of the
presentation layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from decisions import records
from decisions.formatting import out_of_ten, points

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The consensus indicator's words (lower bounds, best first).
CONSENSUS_WORDS: tuple[tuple[float, StrOrPromise], ...] = (
    (0.9, gettext_lazy("Strong agreement")),
    (0.75, gettext_lazy("Broad agreement")),
    (0.5, gettext_lazy("Partial agreement")),
    (0.0, gettext_lazy("Little agreement")),
)


def consensus_words(consensus: float) -> str:
    """The consensus indicator in plain words ("Broad agreement")."""
    for bound, words in CONSENSUS_WORDS:
        if consensus >= bound:
            return str(words)
    return str(CONSENSUS_WORDS[-1][1])


def spread_words(spread: float, answered: int) -> str:
    """How far apart the answers are on one criterion, in plain words."""
    if answered < 2:
        return _("Only one answer")
    apart = out_of_ten(spread)
    if apart == 0:
        return _("No difference in scores")
    return ngettext("Up to %(n)d point of 10 apart", "Up to %(n)d points of 10 apart", apart) % {
        "n": apart
    }


@dataclass(frozen=True)
class StanceView:
    """One person's answer on one criterion."""

    name: str
    option_label: str
    pulls_toward: str  # a model's abbreviation, or ""


@dataclass(frozen=True)
class CriterionGroupView:
    """Who chose what on one criterion, how far apart, and what the owner settled."""

    slug: str
    name: str
    question_id: int | None
    stances: tuple[StanceView, ...]
    spread: str
    split: bool
    settled: records.SettledEntry | None
    left_out: bool
    differs: bool = False  # the respondents gave different answers

    @property
    def open_disagreement(self) -> bool:
        return self.split and self.settled is None


@dataclass(frozen=True)
class SettledView:
    criterion: str
    option_label: str
    note: str
    by: str
    at: datetime


class GroupView:
    """The respondents, their agreement and each one's own recommendation."""

    def __init__(self, group: records.GroupRecord, snapshot: records.Snapshot) -> None:
        self.record = group
        self.snapshot = snapshot
        self.outcome = group.outcome

    def _model(self, slug: str | None) -> records.ModelEntry | None:
        return self.snapshot.model(slug)

    def _criterion_name(self, slug: str) -> str:
        criterion = self.snapshot.criterion(slug)
        return criterion.name if criterion is not None else slug

    def _option_label(self, slug: str, code: str | None) -> str:
        if code is None:
            return _("Not sure")
        criterion = self.snapshot.criterion(slug)
        for question in criterion.questions if criterion is not None else ():
            for option in question.options:
                if option.code == code:
                    return option.label
        return code

    @property
    def respondents(self) -> list[str]:
        return [r.name for r in self.record.respondents]

    @property
    def rule(self) -> str:
        return self.record.rule

    @property
    def consensus(self) -> float:
        """The consensus indicator, 0 (answers at opposite ends) to 1 (the same answers)."""
        return self.outcome.consensus

    @property
    def consensus_points(self) -> int:
        return points(self.consensus)

    @property
    def consensus_words(self) -> str:
        return consensus_words(self.consensus)

    @cached_property
    def criteria(self) -> list[CriterionGroupView]:
        settled = {s.criterion: s for s in self.record.settled}
        rows = []
        for c in self.outcome.criteria:
            entry = self.snapshot.criterion(c.slug)
            rows.append(
                CriterionGroupView(
                    slug=c.slug,
                    name=self._criterion_name(c.slug),
                    question_id=entry.questions[0].id if entry and entry.questions else None,
                    stances=tuple(
                        StanceView(
                            name=self.record.name(s.respondent),
                            option_label=self._option_label(c.slug, s.option),
                            pulls_toward=(
                                model.abbreviation
                                if (model := self._model(s.pulls_toward)) is not None
                                else ""
                            ),
                        )
                        for s in c.stances
                    ),
                    spread=spread_words(c.spread, sum(1 for s in c.stances if s.option)),
                    split=c.split,
                    settled=settled.get(c.slug),
                    left_out=c.left_out,
                    differs=len({s.option for s in c.stances}) > 1,
                )
            )
        return rows

    @property
    def open_disagreements(self) -> list[str]:
        """The names of criteria on which people pull toward different models, not settled."""
        return [c.name for c in self.criteria if c.open_disagreement]

    @property
    def split_criteria(self) -> list[CriterionGroupView]:
        return [c for c in self.criteria if c.split]

    @property
    def agreed_count(self) -> int:
        """Criteria on which everyone gave the same answer and nothing was settled."""
        return sum(1 for c in self.criteria if not c.differs and c.settled is None)

    @property
    def settled(self) -> list[SettledView]:
        return [
            SettledView(
                criterion=s.criterion_name,
                option_label=s.option_label,
                note=s.note,
                by=s.by,
                at=s.at,
            )
            for s in self.record.settled
        ]

    @property
    def individual(self) -> list[tuple[str, str]]:
        """(name, the model that person's own answers recommend), in respondent order."""
        rows = []
        for r in self.record.respondents:
            slug = self.record.individual.get(r.id)
            model = self._model(slug)
            label: StrOrPromise = (
                model.name if model is not None else _("nothing (not sure of anything)")
            )
            rows.append((r.name, str(label)))
        return rows

    @property
    def dissenters(self) -> list[str]:
        """Names of the people whose own answers lead elsewhere than the group's."""
        group = self.snapshot.model(self.outcome.engine.winner)
        names = []
        for r in self.record.respondents:
            slug = self.record.individual.get(r.id)
            if slug is not None and group is not None and slug != group.slug:
                # A specialisation (LPO for KPO) is not a dissent.
                model = self._model(slug)
                if model is None or model.specialises != group.slug:
                    names.append(r.name)
        return names
