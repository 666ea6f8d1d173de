"""Benchmark data: a database of its own, the demo, and organisations loaded in bulk.

Organisations with stored results are loaded server-side: the rows' own
columns go in with COPY into a staging table, then one ``INSERT ... SELECT``
copies every column of a *real* computed function (whatever it stores: the
recommendation, its criteria snapshot...) and its answers onto each new
function. So 100,000 functions carry what a manager's answers produce,
without shipping gigabytes through the client, and without the bench knowing
how a result is stored.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import psycopg
from django.db import models

ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def ensure_postgres() -> None:
    """Start the local cluster when it is down (Debian's pg_ctlcluster)."""
    if _pg_ready():
        return
    clusters = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not clusters:
        raise SystemExit("bench: PostgreSQL is not installed (no /etc/postgresql).")
    print("bench: PostgreSQL is down, starting it", flush=True)
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main", "start"],
        check=False,
    )
    for _ in range(30):
        if _pg_ready():
            return
        time.sleep(1)
    raise SystemExit("bench: PostgreSQL did not start on 127.0.0.1:5432.")


def _pg_ready() -> bool:
    try:
        with psycopg.connect(ADMIN_DSN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def recreate_database(name: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_facts() -> str:
    with psycopg.connect(ADMIN_DSN) as conn:
        facts = [
            str(row[0]) if (row := conn.execute(f"SHOW {name}").fetchone()) else "?"
            for name in ("server_version", "shared_buffers", "work_mem")
        ]
    return f"{facts[0]} (shared_buffers {facts[1]}, work_mem {facts[2]})"


# --- everything below runs with Django set up (bench.settings) -------------------


@dataclass
class Org:
    """An organisation made for the bench, its manager and its assessments (oldest first)."""

    name: str
    organization_id: int
    user_id: int
    assessment_ids: list[int] = field(default_factory=list)
    function_ids: list[int] = field(default_factory=list)  # of the newest assessment
    seconds: float = 0.0

    @property
    def assessment_id(self) -> int:
        """The newest assessment: first on the dashboard."""
        return self.assessment_ids[-1]

    @property
    def function_id(self) -> int:
        """The first function of the newest assessment."""
        return self.function_ids[0]


def _make_org(name: str, slug: str) -> Org:
    from django.contrib.auth import get_user_model

    from decisions.models import Membership, Organization

    user = get_user_model().objects.create(username=slug, first_name="Bench", last_name=name)
    organization = Organization.objects.create(name=name, slug=slug)
    Membership.objects.create(organization=organization, user=user)
    return Org(name=name, organization_id=organization.pk, user_id=user.pk)


def computed_functions() -> list[int]:
    """Ids of the demo's computed functions: the real results every bulk function copies."""
    from decisions.models import FunctionAssessment

    ids = list(
        FunctionAssessment.objects.filter(status=FunctionAssessment.Status.RECOMMENDED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        raise SystemExit("bench: setup_demo left no computed function to copy results from.")
    return ids


def _copy_assessments(org: Org, count: int, *, status: str, title: str) -> list[int]:
    from django.db import connection

    now = dt.datetime.now(dt.UTC)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        with cursor.copy(
            "COPY decisions_assessment "
            "(organization_id, title, owner_id, status, created_at, updated_at) FROM STDIN"
        ) as copy:
            for i in range(count):
                # Spread over the past weeks, the newest last in id order.
                when = now - dt.timedelta(minutes=37 * (count - i))
                copy.write_row(
                    (org.organization_id, f"{title} {i + 1}", org.user_id, status, when, when)
                )
        cursor.execute(
            "SELECT id FROM decisions_assessment WHERE organization_id = %s ORDER BY id",
            (org.organization_id,),
        )
        return [row[0] for row in cursor.fetchall()]


def _columns(model: type[models.Model], overrides: dict[str, str]) -> tuple[str, str]:
    """Every concrete column of ``model`` but the id: (column list, select list from t.)."""
    names = [f.column for f in model._meta.concrete_fields if f.column and not f.primary_key]
    select = [overrides.get(name, f't."{name}"') for name in names]
    return ", ".join(f'"{n}"' for n in names), ", ".join(select)


def load_computed_org(name: str, slug: str, sizes: Sequence[int], sources: Sequence[int]) -> Org:
    """An organisation with one completed assessment per entry of ``sizes`` (its number
    of functions), every function a copy of one of ``sources`` (a computed function)."""
    from django.db import connection, transaction

    from decisions.models import Answer, Assessment, FunctionAssessment

    started = time.perf_counter()
    org = _make_org(name, slug)
    with transaction.atomic(), connection.cursor() as wrapper:
        org.assessment_ids = _copy_assessments(
            org, len(sizes), status=Assessment.Status.COMPLETED, title="Review"
        )
        names = dict(FunctionAssessment.objects.filter(pk__in=sources).values_list("pk", "name"))
        cursor = wrapper.cursor
        cursor.execute(
            "CREATE TEMP TABLE bench_stage (assessment_id bigint, name text, "
            '"order" integer, source_id bigint) ON COMMIT DROP'
        )
        with cursor.copy("COPY bench_stage FROM STDIN") as copy:
            k = 0
            for assessment_id, size in zip(org.assessment_ids, sizes, strict=True):
                for order in range(1, size + 1):
                    source = sources[k % len(sources)]
                    label = names[source] if size <= len(sources) else f"{names[source]} {order}"
                    copy.write_row((assessment_id, label, order, source))
                    k += 1
        columns, select = _columns(
            FunctionAssessment,
            {
                "assessment_id": "s.assessment_id",
                "name": "s.name",
                "order": 's."order"',
                "decided_by_id": f"CASE WHEN t.decided_at IS NULL THEN NULL ELSE {org.user_id} END",
            },
        )
        cursor.execute(
            f"INSERT INTO decisions_functionassessment ({columns}) "
            f"SELECT {select} FROM bench_stage s "
            "JOIN decisions_functionassessment t ON t.id = s.source_id"
        )
        a_columns, a_select = _columns(
            Answer,
            {"function_id": "f.id", "answered_by_id": str(org.user_id), "updated_at": "now()"},
        )
        cursor.execute(
            f"INSERT INTO decisions_answer ({a_columns}) "
            f"SELECT {a_select} FROM bench_stage s "
            "JOIN decisions_functionassessment f "
            '  ON f.assessment_id = s.assessment_id AND f."order" = s."order" '
            "JOIN decisions_answer t ON t.function_id = s.source_id"
        )
    org.function_ids = _functions_of(org.assessment_id)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    org.seconds = time.perf_counter() - started
    return org


def load_walk_org(name: str, slug: str, assessments: int, per_assessment: int) -> Org:
    """An organisation of unanswered functions for the POST run; ``function_ids`` lists
    them so that neighbours belong to different assessments (no two POSTs in flight
    side by side touch the same assessment)."""
    from django.db import transaction

    from decisions.models import Assessment, FunctionAssessment

    started = time.perf_counter()
    org = _make_org(name, slug)
    with transaction.atomic():
        org.assessment_ids = _copy_assessments(
            org, assessments, status=Assessment.Status.IN_PROGRESS, title="Walkthrough"
        )
        FunctionAssessment.objects.bulk_create(
            [
                FunctionAssessment(assessment_id=a, name=f"Function {order}", order=order)
                for a in org.assessment_ids
                for order in range(1, per_assessment + 1)
            ],
            batch_size=2000,
        )
    rows = FunctionAssessment.objects.filter(assessment_id__in=org.assessment_ids).values_list(
        "pk", "assessment_id", "order"
    )
    org.function_ids = [pk for pk, _a, _o in sorted(rows, key=lambda r: (r[2], r[1]))]
    org.seconds = time.perf_counter() - started
    return org


def _functions_of(assessment_id: int) -> list[int]:
    from decisions import selectors
    from decisions.models import Assessment

    assessment = Assessment.objects.get(pk=assessment_id)
    return [f.pk for f in selectors.assessment_functions(assessment)]


def answers_stored(function_ids: Sequence[int]) -> int:
    from decisions.models import Answer

    return Answer.objects.filter(function_id__in=function_ids).count()


def make_superuser(username: str) -> int:
    """A superuser made by Django's own command (no password: the bench signs in directly)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command(
        "createsuperuser",
        interactive=False,
        username=username,
        email=f"{username}@example.com",
        verbosity=0,
    )
    return int(get_user_model().objects.get(username=username).pk)


def session_cookie(user_id: int) -> str:
    """A signed-in session for the user, created programmatically: its Cookie header."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(pk=user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def database_size(name: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(%s))", [name])
        row = cursor.fetchone()
    return str(row[0]) if row else "?"
