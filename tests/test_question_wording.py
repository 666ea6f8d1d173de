"""The four questions reworded so each manager finds an honest answer (issue 13, item 5).

New databases get the wording from fixtures/catalogue.json; existing ones from a
data migration that rewords a row only while it reads as shipped.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from decisions.models import AnswerOption, Question

pytestmark = pytest.mark.django_db


def wording_migration() -> ModuleType:
    """The migration, found by name whatever number it is given when merged."""
    folder = Path(importlib.import_module("decisions.migrations").__file__).parent
    (path,) = folder.glob("*_admin_question_wording.py")
    return importlib.import_module(f"decisions.migrations.{path.stem}")


def migration_apps(module: ModuleType) -> Any:
    """The models as the migration sees them (no history signals: it writes history itself)."""
    name = module.__name__.rsplit(".", 1)[1]
    return MigrationExecutor(connection).loader.project_state(("decisions", name)).apps


def row(model: str, slug: str, code: str | None) -> Question | AnswerOption:
    if model == "question":
        return Question.objects.get(criterion__slug=slug)
    return AnswerOption.objects.get(question__criterion__slug=slug, code=code)


def stored(entry) -> str:
    model, slug, code, field, _shipped, _reworded = entry
    return getattr(row(model, slug, code), field)


def test_the_shipped_catalogue_carries_the_new_wording():
    for entry in wording_migration().REWORDING:
        assert stored(entry) == entry[5], entry[:4]


def test_the_questions_no_longer_steer_managers_to_a_wrong_answer():
    complexity = row("answeroption", "complexity", "repetitive")
    expertise = row("answeroption", "expertise", "domain-expert")
    skill = row("question", "skill-level", None)
    decisions = row("question", "decision-authority", None)

    assert "many times a day" not in complexity.label
    assert "once a month" in complexity.explanation  # monthly work such as payroll fits
    assert "finance" not in expertise.label.lower()
    assert "Routine accounting or payroll is a process" in expertise.explanation
    assert "not of who does it today" in skill.help_text
    assert decisions.text.startswith("If an outside provider did this work")


def test_the_migration_rewords_rows_as_shipped_and_keeps_an_admins_own_wording():
    migration = wording_migration()
    entries = migration.REWORDING
    for model, slug, code, field, shipped, _reworded in entries:
        target = row(model, slug, code)
        type(target).objects.filter(pk=target.pk).update(**{field: shipped})
    edited = entries[0]
    edited_row = row(*edited[:3])
    type(edited_row).objects.filter(pk=edited_row.pk).update(**{edited[3]: "Our own words"})

    history_before = Question.history.count() + AnswerOption.history.count()

    migration.reword(migration_apps(migration), None)

    assert stored(edited) == "Our own words"
    reworded = len(entries) - 1
    assert Question.history.count() + AnswerOption.history.count() == history_before + reworded
    latest = AnswerOption.history.order_by("-history_id").first()
    assert latest.history_change_reason == migration.HISTORY_REASON
    for entry in entries[1:]:
        if entry[:4] != edited[:4]:
            assert stored(entry) == entry[5], entry[:4]

    migration.restore(migration_apps(migration), None)

    assert stored(edited) == "Our own words"
    for entry in entries[1:]:
        assert stored(entry) == entry[4], entry[:4]
