"""Benchmark data: a fresh database, the demo, and organisations loaded in bulk.

Organisations with stored results are loaded server-side: the rows' own
columns go in with COPY into a staging table, then one ``INSERT ... SELECT``
copies every column of a *real* computed function (result, criteria
snapshot, recommended model, confidence...) and its answers onto each new
function. So 100,000 functions carry the same JSON a manager's answers
produce, without shipping gigabytes of JSON through the client.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import time
from dataclasses import dataclass, field

import psycopg

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


def postgres_facts() -> dict[str, str]:
    with psycopg.connect(ADMIN_DSN) as conn:
        version = conn.execute("SHOW server_version").fetchone()
        buffers = conn.execute("SHOW shared_buffers").fetchone()
        work_mem = conn.execute("SHOW work_mem").fetchone()
    return {
        "version": str(version[0]) if version else "?",
        "shared_buffers": str(buffers[0]) if buffers else "?",
        "work_mem": str(work_mem[0]) if work_mem else "?",
    }


# --- everything below runs with Django set up (bench.settings) -------------------


@dataclass
class Org:
    """An organisation made for the bench, its manager and what it holds."""

    name: str
    organization_id: int
    user_id: int
    username: str
    assessment_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0


def _make_org(name: str, slug: str, username: str) -> Org:
    from django.contrib.auth import get_user_model

    from decisions.models import Membership, Organization

    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": "Bench", "last_name": username}
    )
    organization = Organization.objects.create(name=name, slug=slug)
    Membership.objects.create(organization=organization, user=user)
    return Org(name=name, organization_id=organization.pk, user_id=user.pk, username=username)


def templates() -> list[int]:
    """Ids of the demo's computed functions: the real results every bulk function copies."""
    from decisions.models import FunctionAssessment

    ids = list(
        FunctionAssessment.objects.filter(
            status=FunctionAssessment.Status.RECOMMENDED, result__isnull=False
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        raise SystemExit("bench: setup_demo left no computed function to copy results from.")
    return ids


def _copy_assessments(org: Org, count: int, *, status: str, title: str) -> list[int]:
    from django.db import connection

    now = dt.datetime.now(dt.UTC)
    raw = connection.connection
    with raw.cursor() as cursor:
        with cursor.copy(
            "COPY decisions_assessment "
            "(organization_id, title, owner_id, status, created_at, updated_at) FROM STDIN"
        ) as copy:
            for i in range(count):
                # Spread over the past months, newest first in id order reversed.
                when = now - dt.timedelta(minutes=37 * (count - i))
                copy.write_row(
                    (org.organization_id, f"{title} {i + 1}", org.user_id, status, when, when)
                )
        cursor.execute(
            "SELECT id FROM decisions_assessment WHERE organization_id = %s ORDER BY id",
            (org.organization_id,),
        )
        return [row[0] for row in cursor.fetchall()]


def _columns(model: type, overrides: dict[str, str]) -> tuple[str, str]:
    """Every concrete column of ``model`` but the id: (column list, select list from t.)."""
    names = [f.column for f in model._meta.concrete_fields if not f.primary_key]  # type: ignore[attr-defined]
    select = [overrides.get(name, f't."{name}"') for name in names]
    return ", ".join(f'"{n}"' for n in names), ", ".join(select)


def load_computed_org(
    *,
    name: str,
    slug: str,
    username: str,
    sizes: list[int],
    template_ids: list[int],
    title: str,
) -> Org:
    """An organisation with one assessment per entry of ``sizes`` (its function count),
    every function a copy of a real computed one (result, snapshot, answers)."""
    from django.db import connection, transaction

    from decisions.models import Answer, Assessment, FunctionAssessment

    started = time.perf_counter()
    org = _make_org(name, slug, username)
    with transaction.atomic():
        org.assessment_ids = _copy_assessments(
            org, len(sizes), status=Assessment.Status.COMPLETED, title=title
        )
        names = dict(
            FunctionAssessment.objects.filter(pk__in=template_ids).values_list("pk", "name")
        )
        raw = connection.connection
        with raw.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_stage (assessment_id bigint, name text, "
                '"order" integer, template_id bigint) ON COMMIT DROP'
            )
            with cursor.copy("COPY bench_stage FROM STDIN") as copy:
                k = 0
                for assessment_id, size in zip(org.assessment_ids, sizes, strict=True):
                    for order in range(1, size + 1):
                        template = template_ids[k % len(template_ids)]
                        label = names[template]
                        if size > len(template_ids):
                            label = f"{label} ({order})"
                        copy.write_row((assessment_id, label, order, template))
                        k += 1
            columns, select = _columns(
                FunctionAssessment,
                {
                    "assessment_id": "s.assessment_id",
                    "name": "s.name",
                    "order": 's."order"',
                    "previous": "NULL",
                    "decided_by_id": (
                        f"CASE WHEN t.decided_at IS NULL THEN NULL ELSE {org.user_id} END"
                    ),
                },
            )
            cursor.execute(
                f"INSERT INTO decisions_functionassessment ({columns}) "
                f"SELECT {select} FROM bench_stage s "
                "JOIN decisions_functionassessment t ON t.id = s.template_id"
            )
            a_columns, a_select = _columns(
                Answer,
                {
                    "function_id": "f.id",
                    "answered_by_id": str(org.user_id),
                    "updated_at": "now()",
                },
            )
            cursor.execute(
                f"INSERT INTO decisions_answer ({a_columns}) "
                f"SELECT {a_select} FROM bench_stage s "
                "JOIN decisions_functionassessment f "
                '  ON f.assessment_id = s.assessment_id AND f."order" = s."order" '
                "JOIN decisions_answer t ON t.function_id = s.template_id"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    org.seconds = time.perf_counter() - started
    return org


def load_post_targets(
    *, name: str, slug: str, username: str, assessments: int, per_assessment: int
) -> tuple[Org, list[int]]:
    """Unanswered functions for the POST run, listed so that neighbours in the list
    belong to different assessments (no two in-flight POSTs share an assessment)."""
    from django.db import transaction

    from decisions.models import Assessment, FunctionAssessment

    started = time.perf_counter()
    org = _make_org(name, slug, username)
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
    ordered = sorted(rows, key=lambda r: (r[2], r[1]))
    org.seconds = time.perf_counter() - started
    return org, [r[0] for r in ordered]


def session_cookie(user_id: int) -> str:
    """A signed-in session for the user, created programmatically: its cookie header."""
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
        return str(cursor.fetchone()[0])
