"""Migration 0101: stage one's shared answers become one respondent's, with the same result."""

from __future__ import annotations

import importlib
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from decisions import services
from decisions.models import Answer, Respondent
from tests import factories
from tests.conftest import answer_archetype

pytestmark = pytest.mark.django_db


def data_migration() -> ModuleType:
    folder = Path(importlib.import_module("decisions.migrations").__file__).parent
    (path,) = folder.glob("*_group_respondents_data.py")
    return importlib.import_module(f"decisions.migrations.{path.stem}")


def test_the_answers_go_to_the_last_writer_and_the_result_stays(function, manager, organization):
    answer_archetype(function, manager, "Monthly management reporting")
    before = (function.stored_result.engine.to_dict(), function.recommended_model_id)
    colleague = factories.UserFactory(username="colleague")
    factories.MembershipFactory(organization=organization, user=colleague)
    # Stage one: a colleague changed one shared answer last.
    last = Answer.objects.filter(function=function).order_by("pk").last()
    Answer.objects.filter(pk=last.pk).update(
        answered_by=colleague, updated_at=timezone.now() + timedelta(minutes=5)
    )
    module = data_migration()
    apps = (
        MigrationExecutor(connection)
        .loader.project_state(("decisions", module.__name__.rsplit(".", 1)[1]))
        .apps
    )

    module.forwards(apps, None)

    respondent = Respondent.objects.get(function=function, user=colleague)
    assert respondent.submitted
    assert set(Answer.objects.filter(function=function).values_list("respondent", flat=True)) == {
        respondent.pk
    }
    services.recommendation_recompute(function=function)
    function.refresh_from_db()
    assert (function.stored_result.engine.to_dict(), function.recommended_model_id) == before
    assert function.stored_result.group is None
