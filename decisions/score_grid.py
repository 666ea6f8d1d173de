"""The option-by-model score grid: an answer option's form with one score field per scored model.

On a criterion's or a question's admin page each answer option is one row of a
table and each scored model (BPO, KPO, in-house) one column, so staff read and
type an option's scores side by side instead of in three nested rows with a
model dropdown each. The same form is the answer option's own change page.

The scores stay ``OptionScore`` rows: the form reads them from the option
(prefetched by the page, so a row costs no query), takes each value in the
score field's range (0 to 10, two decimals), applies the
"every scored model has a score" rule of :mod:`decisions.catalogue_rules` in
``clean()``, and writes only the scores that changed when the option is saved
(each with the option's change reason, so the history says why).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from decisions import catalogue_rules
from decisions.models import AnswerOption, Criterion, OptionScore, Question, SourcingModel
from decisions.models.catalogue import MAX_OPTION_SCORE

SCORE_PREFIX = "score_"
NEW_ROW = _("new option")


@dataclass(frozen=True)
class ScoredModel:
    """A model that competes in scoring: a column of the grid."""

    pk: int
    slug: str
    abbreviation: str

    @property
    def field_name(self) -> str:
        return f"{SCORE_PREFIX}{self.slug.replace('-', '_')}"


def scored_models() -> tuple[ScoredModel, ...]:
    """The grid's columns, in the models' order (one query)."""
    rows = SourcingModel.objects.filter(is_scored=True).order_by("order", "slug")
    return tuple(
        ScoredModel(pk, slug, abbreviation)
        for pk, slug, abbreviation in rows.values_list("pk", "slug", "abbreviation")
    )


def criterion_of(instance: Any) -> Criterion | None:
    """The criterion an option, a question or a criterion belongs to (None while it has none).

    Follows unsaved parents too: an inline formset sets each row's parent object
    before validating it, so a new option under a new question still finds the
    criterion of the page.
    """
    try:
        if isinstance(instance, AnswerOption):
            instance = instance.question
        if isinstance(instance, Question):
            instance = instance.criterion
    except ObjectDoesNotExist:
        return None
    return instance if isinstance(instance, Criterion) else None


def cell_label(column: object, row: object) -> str:
    """The accessible name of a table cell's input: its column, then its row.

    A table cell has no ``<label>``; screen readers and axe-core need a name, and
    the visible column heading comes first so the name contains what is shown.
    """
    return f"{column} — {row}"


class OptionScoresForm(forms.ModelForm):
    """An answer option and its score toward each scored model (see :func:`option_form`)."""

    columns: Sequence[ScoredModel] = ()
    scores_editable: bool = True
    in_table: bool = False  # a row of the grid: its formset names inputs by column and row
    shared_choices: dict[str, list[Any]]  # per form class, so per page (see option_form)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        option = self.instance
        # The page prefetches ``scores``; a new option has none to read.
        self.stored_scores = (
            {score.model_id: score for score in option.scores.all()} if option.pk else {}
        )
        for column in self.columns:
            field = self.fields[column.field_name]
            stored = self.stored_scores.get(column.pk)
            if stored is not None:
                self.initial.setdefault(column.field_name, stored.score)
            field.disabled = not self.scores_editable
        if self.in_table:
            self.share_choices()

    def share_choices(self) -> None:
        """Read a select's choices once for all the rows of a grid (a row each would query)."""
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                if name not in self.shared_choices:
                    self.shared_choices[name] = list(cast(Iterable[Any], field.choices))
                field.choices = self.shared_choices[name]

    def label_cells(self) -> None:
        """Name each visible input by its column and this row (inputs of a table row)."""
        row = self.instance.label if self.instance.pk else NEW_ROW
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs["aria-label"] = cell_label(field.label, row)

    def entered_scores(self) -> dict[int, Decimal]:
        """The scores this form holds, by model id (empty cells left out)."""
        values = {}
        for column in self.columns:
            value = self.cleaned_data.get(column.field_name)
            if value is not None:
                values[column.pk] = value
        return values

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # An option's own page picks its question; an inline row has its question set.
        question = cleaned.get("question")
        criterion = criterion_of(question if question is not None else self.instance)
        if criterion is None or not self.columns:
            return cleaned
        error = catalogue_rules.missing_scores(
            scored_criterion=criterion.kind == Criterion.Kind.SCORED,
            scored_models={column.pk: column.abbreviation for column in self.columns},
            scored_ids=self.entered_scores().keys(),
        )
        if error is not None:
            raise error
        return cleaned

    def save(self, commit: bool = True) -> AnswerOption:
        option = super().save(commit=commit)
        if commit:
            self.save_scores()
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_scores() -> None:
                save_m2m()
                self.save_scores()

            self.save_m2m = save_m2m_and_scores  # type: ignore[method-assign]
        return option

    def save_scores(self) -> None:
        """Write the scores that changed (the option is saved), with the option's change reason."""
        if not self.scores_editable:
            return
        option = self.instance
        reason = getattr(option, "_change_reason", None)
        entered = self.entered_scores()
        for column in self.columns:
            # Any: simple_history reads the reason from an attribute the model does not declare.
            stored: Any = self.stored_scores.get(column.pk)
            value = entered.get(column.pk)
            if value is None:
                if stored is not None:
                    stored._change_reason = reason
                    stored.delete()
                continue
            if stored is not None and stored.score == value:
                continue
            score: Any = stored or OptionScore(option=option, model_id=column.pk)
            score.score = value
            score._change_reason = reason
            score.save()


def option_form(
    columns: Sequence[ScoredModel],
    *,
    base: type[forms.ModelForm] = OptionScoresForm,
    scores_editable: bool = True,
    in_table: bool = False,
) -> type[OptionScoresForm]:
    """A form class for answer options with one score field per column (``base`` adds fields,
    e.g. the change reason of an option's own page)."""
    score_field = OptionScore._meta.get_field("score")
    assert isinstance(score_field, models.DecimalField)
    attrs: dict[str, Any] = {
        "columns": tuple(columns),
        "scores_editable": scores_editable,
        "in_table": in_table,
        "shared_choices": {},
        "__module__": __name__,
    }
    for column in columns:
        attrs[column.field_name] = forms.DecimalField(
            label=column.abbreviation,
            required=False,
            max_digits=score_field.max_digits,
            decimal_places=score_field.decimal_places,
            min_value=0,
            max_value=MAX_OPTION_SCORE,
            widget=forms.NumberInput(attrs={"step": "0.5", "class": "score-cell"}),
        )
    if not issubclass(base, OptionScoresForm):
        base = type("OptionScoresBase", (OptionScoresForm, base), {"__module__": __name__})
    return type("OptionScoresGridForm", (base,), attrs)


def score_field_names(columns: Sequence[ScoredModel]) -> list[str]:
    return [column.field_name for column in columns]
