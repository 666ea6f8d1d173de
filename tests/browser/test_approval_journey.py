"""The report rendered by a real ``db_worker``, submitted, approved and frozen, in a browser.

The live server enqueues on django-tasks-db's database backend; a ``manage.py db_worker``
process (started here, against the live server's database: on SQLite a file, see
tests/conftest.py) renders. Every new page is checked with axe-core.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from playwright.sync_api import Page, expect

from decisions.models import AssessmentVersion, FrozenReport
from tests import factories
from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import sign_in
from tests.conftest import answer_archetype

pytestmark = [pytest.mark.browser]

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
WORKER_WAIT_MS = 90_000  # a cold worker on a busy 2-core machine


def database_url() -> str:
    """The URL of the database this test (and its live server) uses."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


@pytest.fixture
def worker_factory() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Starts ``db_worker`` processes on demand; stops each one (by its own handle) after."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_worker(started: list[subprocess.Popen[bytes]], log: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TASK_BACKEND": DATABASE_BACKEND,
        "DEBUG": "true",
    }
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"]
    with log.open("wb") as out:
        started.append(
            subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
                [*command, "--no-startup-delay"],
                cwd=django_settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        )


def shown_sha(page: Page, selector: str) -> str:
    text = page.locator(selector).first.inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", text), text
    return text


def download_sha(page: Page, link_name: str) -> str:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    return hashlib.sha256(Path(download_info.value.path()).read_bytes()).hexdigest()


def assert_fits(page: Page, shots: Path, name: str) -> None:
    """No horizontal scrolling at 1280 or 390 px; screenshots kept for a look."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: {overflow}px of horizontal scrolling at {width}px"
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_real_worker_renders_the_report_then_it_is_approved_and_frozen(
    live, page, console, settings, manager, organization, worker_factory, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": DATABASE_BACKEND}}
    approver = factories.UserFactory(username="approver")
    factories.MembershipFactory(organization=organization, user=approver, role="approver")
    assessment = factories.AssessmentFactory(
        organization=organization, owner=manager, title="Back office review 2027"
    )
    answer_archetype(
        factories.FunctionAssessmentFactory(assessment=assessment, name="Payroll processing"),
        manager,
        "Payroll processing",
    )
    report_url = live + reverse("decisions:report-detail", args=[assessment.pk])

    sign_in(page, live, manager.username)
    page.goto(live + reverse("decisions:organization-members", args=[organization.pk]))
    expect(page.get_by_role("combobox", name=re.compile("^approver"))).to_have_value("approver")
    assert_no_axe_violations(page)
    assert_fits(page, tmp_path, "members")

    page.goto(live + reverse("decisions:assessment-detail", args=[assessment.pk]))
    page.get_by_role("link", name="Report and approval").click()
    expect(page).to_have_url(report_url)
    assert_no_axe_violations(page)

    # Asked for, the report waits for a worker; the page says so and offers a refresh.
    page.get_by_role("button", name="Prepare the report", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Waiting for a worker")).to_be_visible()
    expect(page.get_by_role("link", name="Refresh to see whether it is ready")).to_be_visible()
    assert_no_axe_violations(page)
    assert_fits(page, tmp_path, "waiting")

    # A real worker renders it; htmx polling shows the download without a reload.
    start_worker(worker_factory, tmp_path / "worker.log")
    download_link = page.get_by_role("link", name="Download the report (PDF)")
    expect(download_link).to_be_visible(timeout=WORKER_WAIT_MS)
    assert download_sha(page, "Download the report (PDF)") == shown_sha(page, "code.sha")
    assert_no_axe_violations(page)

    page.get_by_label("Approver").select_option(label="approver")
    page.get_by_role("button", name="Submit version 1 for approval").click()
    expect(page.get_by_text("Version 1 is submitted for approval.")).to_be_visible()
    page.get_by_text("Account menu for manager").click()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live, approver.username)
    page.goto(report_url)
    expect(page.get_by_text("manager submitted it to approver for approval")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Comment").fill("Agreed: go ahead with payroll.")
    page.get_by_role("button", name="Approve version 1").click()
    expect(page.get_by_text("Version 1 is approved")).to_be_visible()

    # The worker freezes the approved report; the page shows it once it is there.
    frozen_link = page.get_by_role("link", name="Download the approved report of version 1 (PDF)")
    for _attempt in range(WORKER_WAIT_MS // 1000):
        if FrozenReport.objects.exists():
            break
        page.wait_for_timeout(1000)
    page.goto(report_url)
    expect(frozen_link).to_be_visible()
    assert_no_axe_violations(page)
    frozen_sha = shown_sha(page, "[data-frozen-sha256]")
    assert download_sha(page, "Download the approved report of version 1 (PDF)") == frozen_sha
    assert FrozenReport.objects.get().sha256 == frozen_sha
    assert AssessmentVersion.objects.get().state == "approved"

    assert_fits(page, tmp_path, "approved")
    console.assert_clean()
