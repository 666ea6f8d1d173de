"""``manage.py load_catalogue [fixture ...]``: load catalogue fixtures, checked, all or nothing.

Django's ``loaddata`` saves raw rows without validation: a fixture with a
negative weight, a NaN score or a question with a single option would load
silently and break the questionnaire later. This command wraps ``loaddata``
through its public API only. Inside one ``transaction.atomic()`` it

1. calls ``loaddata`` for each fixture in turn, and checks each row just before
   it is saved (``pre_save``, which fixtures send with ``raw=True``): its field
   validators and a slug that may no longer change. The database enforces
   uniqueness and the models' constraints as the row is saved; when it refuses
   one, Django's own checks of that row say which field and why;
2. once every row is in, runs ``clean()`` of every loaded row and the rules
   that span rows (``decisions.catalogue_rules.catalogue_problems``);
3. gives each new or changed row its django-simple-history entry (raw saves
   record none), so the first admin edit shows what it changed.

On any problem the transaction rolls back and the command stops with a
``CommandError`` naming the fixture, the row (model, pk, slug or code) and the
field. A fixture may refer to rows in itself, in an earlier fixture of the same
command, or already in the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, models, transaction
from django.db.models import prefetch_related_objects
from django.db.models.signals import pre_save
from django.utils import timezone

from decisions.catalogue_rules import Problem, catalogue_problems, problems_of
from decisions.models.catalogue import CATALOGUE_MODELS, NOT_FINITE, SlugLockedModel

DEFAULT_FIXTURE = "catalogue"

NOT_CATALOGUE = "not a catalogue row: load it with loaddata"
HISTORY_REASON = "Loaded from fixture {name}"


class CatalogueLoadError(Exception):
    """The fixtures cannot be loaded; the message names the fixture, row and field."""


@dataclass(frozen=True)
class LoadedRow:
    instance: models.Model
    fixture: Path


class RowRefused(Exception):  # noqa: N818  # raised through loaddata, caught below
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__()
        self.problems = problems


def row_name(fields: Mapping[str, Any]) -> dict[str, str]:
    """The slug, or else the code, that names a row (``Problem``'s ``slug`` and ``code``)."""
    if fields.get("slug"):
        return {"slug": str(fields["slug"])}
    return {"code": str(fields.get("code") or "")}


def problems_of_row(error: ValidationError, instance: models.Model) -> list[Problem]:
    label = instance._meta.label_lower
    return problems_of(error, model=label, pk=instance.pk, **row_name(vars(instance)))


def fixture_path(label: str) -> Path:
    """A JSON fixture by path, or by name in a fixture directory (``catalogue``)."""
    name = label if label.endswith(".json") else f"{label}.json"
    if Path(name).is_file():
        return Path(name).resolve()
    directories = [
        *map(Path, settings.FIXTURE_DIRS),
        *(Path(app.path) / "fixtures" for app in apps.get_app_configs()),
    ]
    found = [directory / name for directory in directories if (directory / name).is_file()]
    if len(found) != 1:
        reason = "No JSON fixture" if not found else "More than one fixture"
        raise CatalogueLoadError(f"{reason} named {label!r} (looked in the fixture directories).")
    return found[0]


def check_before_save(instance: models.Model) -> None:
    """What can be checked of a row before it is saved, as an admin form would check it.

    Its field validators, and that a used slug keeps its stored value. Relations
    are left to the database (a row may refer to one later in the fixture) and to
    the checks after loading. Uniqueness and the models' constraints are the
    database's to enforce; ``constraint_problems`` explains a refusal.
    """
    if not isinstance(instance, CATALOGUE_MODELS):
        error = ValidationError(NOT_CATALOGUE)
        raise RowRefused(problems_of_row(error, instance))
    relations = {field.name for field in instance._meta.get_fields() if field.is_relation}
    try:
        instance.clean_fields(exclude=relations)
        if isinstance(instance, SlugLockedModel):
            instance.validate_slug_unchanged()
    except ValidationError as error:
        raise RowRefused(problems_of_row(error, instance)) from error


def constraint_problems(instance: models.Model) -> list[Problem]:
    """Why the database refused a row, in Django's words (which name the field)."""
    # Compare with *other* rows: this one may already be stored under its pk.
    instance._state.adding = False
    try:
        instance.validate_unique()
        instance.validate_constraints()
    except ValidationError as error:
        return problems_of_row(error, instance)
    return []


@contextmanager
def checking_saves(
    fixture: Path, loaded: dict[tuple[str, Any], LoadedRow]
) -> Iterator[list[models.Model]]:
    """While loading ``fixture``: check each row before it is saved and remember it.

    Yields a list holding the row being saved, to explain a database refusal.
    """
    saving: list[models.Model] = []

    def receiver(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
        if kwargs.get("raw"):
            check_before_save(instance)
            saving[:] = [instance]
            loaded[instance._meta.label_lower, instance.pk] = LoadedRow(instance, fixture)

    pre_save.connect(receiver, weak=False, dispatch_uid="load_catalogue")
    try:
        yield saving
    finally:
        pre_save.disconnect(dispatch_uid="load_catalogue")


def is_non_finite(value: Any) -> bool:
    try:
        return not Decimal(str(value)).is_finite()
    except (InvalidOperation, ValueError):
        return False


def unconvertible_value(fixture: Path) -> Problem | None:
    """The first value Django cannot convert, by row and field (its own error names neither)."""
    try:
        rows = json.loads(fixture.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    models_by_label = {model._meta.label_lower: model for model in CATALOGUE_MODELS}
    for row in rows if isinstance(rows, list) else []:
        model = models_by_label.get(str(row.get("model"))) if isinstance(row, dict) else None
        fields = row.get("fields") if model is not None else None
        if model is None or not isinstance(fields, dict):
            continue
        for name, value in fields.items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.is_relation or not isinstance(field, models.Field):
                continue
            try:
                field.to_python(value)
            except ValidationError as error:
                message = str(NOT_FINITE) if is_non_finite(value) else " ".join(error.messages)
                return Problem(
                    model=model._meta.label_lower,
                    pk=row.get("pk"),
                    field=name,
                    message=f"{message.rstrip('.')} (value {value!r})",
                    **row_name(fields),
                )
    return None


def load_fixture(fixture: Path, loaded: dict[tuple[str, Any], LoadedRow]) -> None:
    with checking_saves(fixture, loaded) as saving:
        try:
            call_command("loaddata", str(fixture), verbosity=0)
        except RowRefused as refused:
            raise CatalogueLoadError(describe(refused.problems, {}, fixture)) from refused
        except DeserializationError as error:
            problem = unconvertible_value(fixture)
            message = describe([problem], {}, fixture) if problem else str(error)
            raise CatalogueLoadError(naming(fixture, message)) from error
        except (DatabaseError, ValueError) as error:
            # loaddata's savepoint has rolled back: the database can answer Django's checks.
            problems = constraint_problems(saving[0]) if saving else []
            if problems:
                raise CatalogueLoadError(describe(problems, {}, fixture)) from error
            # loaddata names the model and the pk; the database names the column.
            raise CatalogueLoadError(naming(fixture, str(error))) from error


def naming(fixture: Path, message: str) -> str:
    """The message, prefixed with the fixture unless loaddata has named it already."""
    return message if str(fixture) in message else f"Problem in fixture '{fixture}': {message}"


def problems_after_loading(loaded: dict[tuple[str, Any], LoadedRow]) -> list[Problem]:
    """Each loaded row's ``clean()``, then the rules that span rows; each problem once."""
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for row in loaded.values():
        by_model.setdefault(type(row.instance), []).append(row.instance)
    for model, instances in by_model.items():
        # clean() may read the rows a row points at: fetch them per model, not per row.
        parents = [field.name for field in model._meta.concrete_fields if field.many_to_one]
        prefetch_related_objects(instances, *parents)
    found: dict[tuple[str, Any, str, str], Problem] = {}
    for row in loaded.values():
        try:
            row.instance.clean()
        except ValidationError as error:
            for problem in problems_of_row(error, row.instance):
                found.setdefault(
                    (problem.model, problem.pk, problem.field, problem.message), problem
                )
    for problem in catalogue_problems():
        found.setdefault((problem.model, problem.pk, problem.field, problem.message), problem)
    return list(found.values())


def describe(
    problems: list[Problem], loaded: dict[tuple[str, Any], LoadedRow], fixture: Path | None = None
) -> str:
    lines = []
    for problem in problems:
        row = loaded.get((problem.model, problem.pk))
        source = fixture or (row.fixture if row else None)
        where = f"Problem in fixture '{source}'" if source else "Problem in a row already stored"
        lines.append(f"{where}: {problem}")
    return "\n".join(lines)


def record_history(loaded: dict[tuple[str, Any], LoadedRow]) -> int:
    """A history entry for each new ("+") or changed ("~") row; none for an unchanged one."""
    now = timezone.now()
    by_model: dict[type[models.Model], list[LoadedRow]] = {}
    for row in loaded.values():
        by_model.setdefault(type(row.instance), []).append(row)
    recorded = 0
    for model, rows in by_model.items():
        history = getattr(model, "history", None)
        if history is None:
            continue
        tracked = [field.attname for field in history.model.tracked_fields]
        stored = history.filter(id__in=[row.instance.pk for row in rows])
        latest = {
            record["id"]: record
            for record in stored.order_by("history_date", "history_id").values(*tracked)
        }
        batches: dict[tuple[bool, Path], list[models.Model]] = {}
        for row in rows:
            values = {attname: getattr(row.instance, attname) for attname in tracked}
            previous = latest.get(row.instance.pk)
            if previous != values:
                batches.setdefault((previous is not None, row.fixture), []).append(row.instance)
        for (is_update, fixture), instances in batches.items():
            history.bulk_history_create(
                instances,
                update=is_update,
                default_change_reason=HISTORY_REASON.format(name=fixture.name)[:100],
                default_date=now,
            )
            recorded += len(instances)
    return recorded


def load_catalogue(labels: list[str]) -> tuple[int, int]:
    """Load the fixtures in one transaction; (rows loaded, history entries recorded)."""
    fixtures = [fixture_path(label) for label in labels]
    loaded: dict[tuple[str, Any], LoadedRow] = {}
    with transaction.atomic():
        for fixture in fixtures:
            load_fixture(fixture, loaded)
        problems = problems_after_loading(loaded)
        if problems:
            raise CatalogueLoadError(describe(problems, loaded))
        return len(loaded), record_history(loaded)


class Command(BaseCommand):
    help = (
        "Load catalogue fixtures (default: catalogue) in one transaction, checking every row "
        "and every catalogue rule; on any problem nothing is loaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "fixtures",
            nargs="*",
            metavar="fixture",
            help="Fixture names (looked up like loaddata's, JSON only) or JSON file paths.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows, recorded = load_catalogue(options["fixtures"] or [DEFAULT_FIXTURE])
        except CatalogueLoadError as error:
            raise CommandError(f"{error}\nNothing was loaded.") from error
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Loaded {rows} catalogue rows ({recorded} new or changed); "
                "the catalogue passes every rule."
            )
