from typing import Any

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_catalogue_triggers(using: str, **_kwargs: Any) -> None:
    """(Re)install the catalogue-version triggers on every catalogue table after ``migrate``.

    Idempotent. It runs after every migration run because SQLite rebuilds a table
    to alter it, and a rebuilt table has lost its triggers; and so a catalogue
    table a later migration adds is covered without a migration remembering to.
    """
    from django.db import connections

    from decisions.catalogue_version import install_triggers
    from decisions.models.catalogue import catalogue_tables

    connection = connections[using]
    existing = set(connection.introspection.table_names())
    tables = [table for table in catalogue_tables() if table in existing]
    with connection.schema_editor() as editor:
        install_triggers(editor, tables)


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Sourcing decisions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_install_catalogue_triggers, sender=self)
        from django.contrib.auth.signals import user_logged_in

        from outsourcing.middleware import start_session_clock

        # The idle and absolute session limits count from the sign-in.
        user_logged_in.connect(start_session_clock, dispatch_uid="start_session_clock")


class SourcingAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the catalogue grouped apart on the index (decisions.admin_site).

    Listed in INSTALLED_APPS in place of ``django.contrib.admin``; not this module's
    default (that is ``DecisionsConfig``).
    """

    default = False
    default_site = "decisions.admin_site.SourcingAdminSite"
