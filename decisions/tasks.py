"""Background tasks (Django's Tasks framework; ``manage.py db_worker`` runs them).

Each task takes ids, not objects (its arguments are stored as JSON in the queue), and
leaves its outcome in the rows it was given: a web page reads them, never the task result.
"""

from __future__ import annotations

from django.tasks import task

from decisions import approvals


@task()
def render_report(render_id: int) -> None:
    """Render a requested report and keep its bytes."""
    approvals.report_render(render_id=render_id)


@task()
def freeze_report(version_id: int) -> None:
    """Render an approved version's report once and freeze its bytes."""
    try:
        approvals.report_freeze(version_id=version_id)
    except Exception:
        approvals.freeze_failed(version_id=version_id)
        raise
