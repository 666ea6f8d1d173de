"""The catalogue version, and in-process caches keyed on it.

Whatever the engine, the questionnaire or the guide reads lives in the
catalogue tables. A database trigger on each of them replaces the random token
in ``decisions_catalogueversion`` on every insert, update, delete or truncate,
so the token changes through *any* write path: the admin, the load command, a
queryset ``update()``, raw SQL, a restore. ``tests/test_catalogue_version.py``
writes to every catalogue table with raw SQL and checks the token moved, so a
catalogue table added without its trigger fails the suite.

Reading the token is one small query; :func:`cached` keeps one value per key
in this process and rebuilds it when the token differs. The token is read
*before* the value is built: a change committed in between makes the value
newer than its token, never older, and the next request rebuilds it.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Hashable, Iterable
from typing import Any, cast

from django.db import IntegrityError, connection, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

VERSION_TABLE = "decisions_catalogueversion"
PG_FUNCTION = "decisions_catalogue_changed"

# Table names come from the models, never from input.
_PG_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {VERSION_TABLE} (id, token, changed_at)
  VALUES (1, md5(random()::text || clock_timestamp()::text), clock_timestamp())
  ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token, changed_at = EXCLUDED.changed_at;
  RETURN NULL;
END $$;
"""  # noqa: S608

_SQLITE_BODY = f"""
BEGIN
  INSERT INTO {VERSION_TABLE} (id, token, changed_at)
  VALUES (1, lower(hex(randomblob(16))), strftime('%Y-%m-%d %H:%M:%f', 'now'))
  ON CONFLICT (id) DO UPDATE SET token = excluded.token, changed_at = excluded.changed_at;
END
"""  # noqa: S608


def _sqlite_trigger(table: str, event: str) -> str:
    return f"{PG_FUNCTION}_{table}_{event.lower()}"


def install_triggers(schema_editor: BaseDatabaseSchemaEditor, tables: Iterable[str]) -> None:
    """Make every write to ``tables`` replace the catalogue token (for migrations)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_PG_FUNCTION_SQL)
    for table in tables:
        quoted = schema_editor.quote_name(table)
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {PG_FUNCTION} ON {quoted}")
            schema_editor.execute(
                f"CREATE TRIGGER {PG_FUNCTION} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {quoted} FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()"
            )
        elif vendor == "sqlite":
            for event in ("INSERT", "UPDATE", "DELETE"):
                name = schema_editor.quote_name(_sqlite_trigger(table, event))
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
                schema_editor.execute(
                    f"CREATE TRIGGER {name} AFTER {event} ON {quoted} FOR EACH ROW {_SQLITE_BODY}"
                )
        else:  # pragma: no cover - the project supports PostgreSQL and SQLite
            raise NotImplementedError(f"catalogue version triggers for {vendor}")


def remove_triggers(schema_editor: BaseDatabaseSchemaEditor, tables: Iterable[str]) -> None:
    """Undo :func:`install_triggers` (for reversing migrations)."""
    vendor = schema_editor.connection.vendor
    for table in tables:
        quoted = schema_editor.quote_name(table)
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {PG_FUNCTION} ON {quoted}")
        elif vendor == "sqlite":
            for event in ("INSERT", "UPDATE", "DELETE"):
                name = schema_editor.quote_name(_sqlite_trigger(table, event))
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def current_token() -> str:
    """The catalogue's current version token (one query; creates the row if it is missing)."""
    from decisions.models import CatalogueVersion

    token = CatalogueVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    if token is not None:
        return token
    # A flushed database (tests) has no row until the next catalogue write.
    try:
        with transaction.atomic():
            row, _created = CatalogueVersion.objects.get_or_create(
                pk=1, defaults={"token": secrets.token_hex(16)}
            )
    except IntegrityError:  # created by a parallel request
        row = CatalogueVersion.objects.get(pk=1)
    return row.token


_lock = threading.Lock()
_entries: dict[tuple[str, Hashable], tuple[str, Any]] = {}


def cached[T](key: Hashable, build: Callable[[str], T]) -> T:
    """The value ``build(token)`` made for ``key`` under the current catalogue token (made
    again when the token moved).

    Values are shared by every request of this process: treat them as read-only.
    """
    token = current_token()
    slot = (connection.alias, key)
    entry = _entries.get(slot)
    if entry is not None and entry[0] == token:
        return cast(T, entry[1])
    value = build(token)
    with _lock:
        _entries[slot] = (token, value)
    return value


def clear() -> None:
    """Forget every cached value (tests that need a cold cache)."""
    with _lock:
        _entries.clear()
