"""``loaddata`` that validates catalogue rows as admin forms would.

Django's loaddata saves raw rows without validation, so a fixture with a
negative weight, a NaN score or a question with a single option would load
silently and break the questionnaire later. This command runs each catalogue
row's field validators and ``clean()`` before saving it, checks the rules that
span rows (every question has two options or more, every option of a scored
criterion scores each scored model) once all fixtures are in, and stops with a
``CommandError`` naming the fixture, the row, the field and the problem.
Everything happens inside loaddata's transaction, so a bad fixture saves
nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.db import IntegrityError, models
from django.db.models import Count

from decisions.models import catalogue
from decisions.models.catalogue import (
    NOT_FINITE,
    TOO_FEW_OPTIONS,
    AnswerOption,
    Criterion,
    Question,
)

CATALOGUE_MODELS: tuple[type[models.Model], ...] = (
    catalogue.Source,
    catalogue.SourcingModel,
    catalogue.DeliveryOption,
    catalogue.Activity,
    catalogue.Industry,
    catalogue.Benefit,
    catalogue.Disagreement,
    catalogue.Reading,
    catalogue.Criterion,
    catalogue.Question,
    catalogue.AnswerOption,
    catalogue.OptionScore,
    catalogue.Provider,
)


class FixtureRowError(Exception):
    """A fixture row failed validation; ``handle`` turns it into a ``CommandError``."""


def describe_row(instance: models.Model) -> str:
    """Like ``decisions.criterion pk=3 (slug 'complexity')``: enough to find the row."""
    return name_row(instance._meta.label_lower, instance.pk, vars(instance))


def name_row(model_label: str, pk: Any, fields: dict[str, Any]) -> str:
    label = f"{model_label} pk={pk}"
    for key in ("slug", "code"):
        if fields.get(key):
            return f"{label} ({key} {fields[key]!r})"
    return label


def sentence(messages: list[str]) -> str:
    return " ".join(messages).rstrip(".")


def describe_errors(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field if field != '__all__' else 'row'}: {sentence(messages)}"
            for field, messages in error.message_dict.items()
        )
    return sentence(error.messages)


def is_non_finite(value: Any) -> bool:
    try:
        return not Decimal(str(value)).is_finite()
    except (InvalidOperation, ValueError):
        return False


class Command(loaddata.Command):
    help = loaddata.Command.help + " Catalogue rows are validated before they are saved."

    def handle(self, *fixture_labels: str, **options: Any) -> None:
        try:
            super().handle(*fixture_labels, **options)
        except (FixtureRowError, DeserializationError, IntegrityError) as exc:
            # loaddata's transaction has rolled back by now: nothing was saved.
            raise CommandError(f"{exc} Nothing was loaded.") from exc

    def loaddata(self, fixture_labels: Any) -> None:
        self.row_origin: dict[tuple[type[models.Model], Any], str] = {}
        super().loaddata(fixture_labels)

    def reset_sequences(self, connection: Any, models: Any) -> None:
        # loaddata calls this once every row and deferred reference is saved and the
        # database's own constraint check has passed, before it reports "Installed N
        # object(s)": the place for rules that span rows.
        if self.row_origin:
            self.check_catalogue()
        super().reset_sequences(connection, models)

    def load_label(self, fixture_label: str) -> None:
        self.current_label = fixture_label
        try:
            super().load_label(fixture_label)
        except DeserializationError as exc:
            # Django names the model, pk and value it could not convert, not the field.
            found = self.find_unconvertible_field(fixture_label)
            if found is None:
                raise
            raise FixtureRowError(found) from exc

    def save_obj(self, obj: DeserializedObject) -> bool:
        instance = obj.object
        if isinstance(instance, CATALOGUE_MODELS):
            self.validate_row(instance)
            self.row_origin[type(instance), instance.pk] = self.current_label
        return super().save_obj(obj)

    def validate_row(self, instance: models.Model) -> None:
        """Field validators, ``clean()`` and uniqueness, as an admin form would run them."""
        model = type(instance)
        # Relations are checked by the database once every row is in (forward references).
        relations = {field.name for field in model._meta.get_fields() if field.is_relation}
        # Unique checks must skip the stored copy of this very row when reloading a fixture.
        instance._state.adding = not model._default_manager.filter(pk=instance.pk).exists()
        try:
            instance.clean_fields(exclude=relations)
            instance.clean()
            instance.validate_unique()
            instance.validate_constraints()
        except ValidationError as exc:
            raise FixtureRowError(f"{describe_row(instance)}: {describe_errors(exc)}.") from exc

    def check_catalogue(self) -> None:
        """Rules spanning rows, checked after every fixture is loaded (still in the transaction)."""
        problems = []
        thin_questions = Question.objects.annotate(n=Count("options")).filter(n__lt=2)
        for question in thin_questions.order_by("pk"):
            problems.append(
                f"{self.origin_of(question)}: {describe_row(question)} {question.text!r}: "
                f"{sentence([str(TOO_FEW_OPTIONS)])}; it has {question.n}."  # type: ignore[attr-defined]
            )
        options = AnswerOption.objects.filter(
            question__criterion__kind=Criterion.Kind.SCORED
        ).select_related("question__criterion")
        for option in options.order_by("pk"):
            try:
                option.validate_scores()
            except ValidationError as exc:
                problems.append(
                    f"{self.origin_of(option)}: {describe_row(option)} {option.label!r} "
                    f"(criterion {option.question.criterion.slug!r}): {sentence(exc.messages)}."
                )
        if problems:
            raise FixtureRowError("\n".join(problems))

    def origin_of(self, instance: models.Model) -> str:
        label = self.row_origin.get((type(instance), instance.pk))
        if label is None:
            return "Problem in a row already in the database"
        return f"Problem installing fixture {label!r}"

    def find_unconvertible_field(self, fixture_label: str) -> str | None:
        """Name the field of the first value Django cannot convert (JSON fixtures only)."""
        for fixture_file, _dir, _name in self.find_fixtures(fixture_label):
            if not str(fixture_file).endswith(".json"):
                continue
            try:
                rows = json.loads(Path(fixture_file).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            for row in rows if isinstance(rows, list) else []:
                problem = self.unconvertible_field(row)
                if problem:
                    return f"Problem installing fixture '{fixture_file}': {problem}."
        return None

    @staticmethod
    def unconvertible_field(row: Any) -> str | None:
        try:
            model = next(m for m in CATALOGUE_MODELS if m._meta.label_lower == row["model"])
        except (StopIteration, KeyError, TypeError):
            return None
        fields = row.get("fields") or {}
        for name, value in fields.items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.is_relation or not isinstance(field, models.Field):
                continue
            try:
                field.to_python(value)
            except ValidationError as exc:
                messages = [str(NOT_FINITE)] if is_non_finite(value) else exc.messages
                row_name = name_row(model._meta.label_lower, row.get("pk"), fields)
                return f"{row_name}: {name}: {sentence(messages)} (value {value!r})"
        return None
