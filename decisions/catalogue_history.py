"""A criterion's history in words: its own changes and those of its questions, options and scores.

django-simple-history keeps one history table per model, so a criterion's page
showed only the criterion's own rows, and a score changed on that very page
appeared elsewhere as "Option score #8 — KPO: 9.00". :func:`criterion_history`
reads the four tables (eight queries, however long the history)
and describes each recorded change the way staff would say it:

    Score of “Mostly rules” for KPO: 4 → 6
    Option “Mostly rules” — Label: “Mostly rules” → “Mostly rules, few exceptions”

with who made it, when, and the reason they gave.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from decisions.formatting import plain_number
from decisions.models import (
    AnswerOption,
    Criterion,
    DeliveryOption,
    OptionScore,
    Question,
    SourcingModel,
)

MAX_TEXT = 90  # characters of a text value shown in a change line

ACTIONS = {
    "+": gettext_lazy("Added"),
    "~": gettext_lazy("Changed"),
    "-": gettext_lazy("Removed"),
}
NO_REASON = gettext_lazy("—")


@dataclass(frozen=True)
class Change:
    """One field's old and new value, as text."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    """One recorded change of the criterion or of a row under it."""

    date: datetime
    history_id: int
    model_name: str  # "optionscore": names the admin page of this version
    object_id: int
    user: Any  # the user who made it, or None (a fixture load, a script)
    reason: str
    action: str  # "+", "~" or "-"
    subject: str  # "Score of “Mostly rules” for KPO"
    changes: tuple[Change, ...] = ()
    value: str = ""  # what an added or removed score was ("6")

    @property
    def action_label(self) -> str:
        return str(ACTIONS[self.action])

    @property
    def reason_text(self) -> str:
        return self.reason or str(NO_REASON)

    @property
    def summary(self) -> str:
        """The change in one line when it is one value (a score), else the subject."""
        if len(self.changes) == 1 and not self.changes[0].field:
            change = self.changes[0]
            return f"{self.subject}: {change.old} → {change.new}"
        if self.value:
            return f"{self.subject}: {self.value}"
        return self.subject


# The fields a change line names, per model (the parent's foreign key is the subject).
DESCRIBED_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Criterion: ("name", "slug", "kind", "weight", "order", "explanation", "bpo_side", "kpo_side"),
    Question: ("text", "help_text", "order"),
    AnswerOption: ("label", "code", "delivery_option", "explanation", "order"),
    OptionScore: ("score",),
}


def _quoted(text: str) -> str:
    return f"“{Truncator(text).chars(MAX_TEXT)}”"


def _value(field: models.Field, value: Any, names: Mapping[int, str]) -> str:
    if value is None or value == "":
        return _("(empty)")
    if isinstance(field, models.ForeignKey):
        return names.get(value, f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, (Decimal, float)):
        return plain_number(value)
    if isinstance(value, str):
        return _quoted(value)
    return str(value)


def _changes(
    model: type[models.Model], old: Any, new: Any, names: Mapping[int, str], *, bare: bool = False
) -> tuple[Change, ...]:
    """What differs between two versions of a row (``bare``: one value, no field name)."""
    changes = []
    for name in DESCRIBED_FIELDS[model]:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)
        before, after = getattr(old, field.attname), getattr(new, field.attname)
        if before != after:
            label = "" if bare else str(capfirst(field.verbose_name))
            changes.append(Change(label, _value(field, before, names), _value(field, after, names)))
    return tuple(changes)


def _entries(
    model: type[models.Model],
    records: Iterable[Any],
    subject: Any,
    names: Mapping[int, str],
    *,
    bare: bool = False,
) -> list[Entry]:
    """Entries for one model's history rows; ``subject(record)`` names the row."""
    latest: dict[int, Any] = {}
    entries = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        previous = latest.get(record.id)
        latest[record.id] = record
        changes: tuple[Change, ...] = ()
        if record.history_type == "~" and previous is not None:
            changes = _changes(model, previous, record, names, bare=bare)
            if not changes:
                continue  # saved without a difference worth telling
        value = ""
        if bare and record.history_type in {"+", "-"}:
            field = model._meta.get_field(DESCRIBED_FIELDS[model][0])
            assert isinstance(field, models.Field)
            value = _value(field, getattr(record, field.attname), names)
        entries.append(
            Entry(
                date=record.history_date,
                history_id=record.history_id,
                model_name=model._meta.model_name or "",
                object_id=record.id,
                user=record.history_user,
                reason=record.history_change_reason or "",
                action=record.history_type,
                subject=subject(record),
                changes=changes,
                value=value,
            )
        )
    return entries


def criterion_history(criterion_id: int) -> list[Entry]:
    """Every recorded change of the criterion and of its questions, options and scores,
    newest first (eight queries)."""
    criteria = Criterion.history.filter(id=criterion_id).select_related("history_user")
    questions = list(
        Question.history.filter(criterion_id=criterion_id).select_related("history_user")
    )
    options = list(
        AnswerOption.history.filter(question_id__in={q.id for q in questions}).select_related(
            "history_user"
        )
    )
    scores = OptionScore.history.filter(option_id__in={o.id for o in options}).select_related(
        "history_user"
    )
    model_names = dict(SourcingModel.objects.values_list("pk", "abbreviation"))
    delivery_names = dict(DeliveryOption.objects.values_list("pk", "name"))
    # A row is named by its label today (its last recorded one once deleted), so every
    # entry about it reads the same.
    option_labels = {
        o.id: o.label for o in sorted(options, key=lambda r: (r.history_date, r.history_id))
    }
    option_labels.update(
        AnswerOption.objects.filter(pk__in=option_labels).values_list("pk", "label")
    )

    entries = [
        *_entries(Criterion, criteria, lambda r: _("Criterion %s") % _quoted(r.name), {}),
        *_entries(Question, questions, lambda r: _("Question %s") % _quoted(r.text), {}),
        *_entries(
            AnswerOption,
            options,
            lambda r: _("Option %s") % _quoted(option_labels[r.id]),
            delivery_names,
        ),
        *_entries(
            OptionScore,
            scores,
            lambda r: (
                _("Score of %(option)s for %(model)s")
                % {
                    "option": _quoted(option_labels.get(r.option_id, f"#{r.option_id}")),
                    "model": model_names.get(r.model_id, f"#{r.model_id}"),
                }
            ),
            {},
            bare=True,
        ),
    ]
    entries.sort(key=lambda e: (e.date, e.history_id), reverse=True)
    return entries
