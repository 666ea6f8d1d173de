"""The manager's pages speak plainly (issue 13, item 5): no "arbitrage", no "the client"
meaning the manager's own firm, no "captive unit", no "the documents draw…" in what a manager
reads; new databases get the wording from the fixture, existing ones from a data migration that
rewords a row only while it reads as shipped."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from decisions import questionnaire
from tests.conftest import answer_archetype

pytestmark = pytest.mark.django_db

JARGON = re.compile(r"arbitrage|the client|captive unit|the documents draw", re.IGNORECASE)


def plain_words_migration() -> ModuleType:
    folder = Path(importlib.import_module("decisions.migrations").__file__).parent
    (path,) = folder.glob("*_ux_plain_words.py")
    return importlib.import_module(f"decisions.migrations.{path.stem}")


def migration_apps(module: ModuleType) -> Any:
    name = module.__name__.rsplit(".", 1)[1]
    return MigrationExecutor(connection).loader.project_state(("decisions", name)).apps


def stored(entry) -> str:
    model, slug, field, _shipped, _plain = entry
    return getattr(django_apps.get_model("decisions", model).objects.get(slug=slug), field)


def test_the_shipped_catalogue_carries_the_plain_wording():
    for entry in plain_words_migration().REWORDING:
        assert stored(entry) == entry[4], entry[:3]


def test_the_migration_rewords_rows_as_shipped_keeps_an_admins_words_and_reverses():
    migration = plain_words_migration()
    entries = migration.REWORDING
    for model, slug, field, shipped, _plain in entries:
        django_apps.get_model("decisions", model).objects.filter(slug=slug).update(
            **{field: shipped}
        )
    model, slug, field, *_ = entries[0]
    django_apps.get_model("decisions", model).objects.filter(slug=slug).update(
        **{field: "Our own words"}
    )

    migration.reword(migration_apps(migration), None)
    assert stored(entries[0]) == "Our own words"
    for entry in entries[1:]:
        assert stored(entry) == entry[4], entry[:3]

    migration.restore(migration_apps(migration), None)
    assert stored(entries[0]) == "Our own words"
    for entry in entries[1:]:
        assert stored(entry) == entry[3], entry[:3]


def test_no_document_jargon_on_the_step_and_result_pages(manager_client, function, manager):
    pages = [
        manager_client.get(reverse("decisions:function-step", args=[function.pk, number]))
        for number in range(1, len(questionnaire.current()) + 1)
    ]
    answer_archetype(function, manager, "Market research")
    pages.append(manager_client.get(reverse("decisions:function-result", args=[function.pk])))
    for response in pages:
        text = re.sub(r"<[^>]+>", " ", response.content.decode())
        assert not JARGON.search(text), JARGON.search(text)
