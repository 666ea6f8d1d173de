"""Real-browser fixtures: the system Chromium driven by pytest-playwright.

- The browser is ``/usr/bin/chromium`` (``CHROMIUM_PATH`` overrides it). When it
  is missing the browser tests are skipped with the reason, except in CI
  (``CI=true``), where a missing browser fails them: CI must prove the journeys.
- ``live`` is the running app: pytest-django's ``live_server`` (transactional
  database, flushed after every test) with the catalogue loaded again, and
  cookies allowed over plain http (the Secure flag is for production).
- ``page`` is pytest-playwright's page, watched: any console error, uncaught
  exception or Content-Security-Policy violation fails the test, and a failing
  test leaves a full-page screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"

# Reported through console.error so one listener sees everything. Playwright
# injects init scripts itself, so the page's CSP does not apply to this one.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber + " (" + event.sample + ")"
  );
});
"""

_phase_reports = pytest.StashKey[dict[str, pytest.TestReport]]()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def _flushes_the_database(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    if "live_server" in fixtures or "transactional_db" in fixtures:
        return True
    marker = item.get_closest_marker("django_db")
    return bool(
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that flush the database last, after every other test.

    pytest-django orders them last, but pytest then regroups tests by
    session-scoped parameters — pytest-playwright's ``browser_name`` — which
    pulled the live-server tests into the middle of the run, and their flush
    emptied the catalogue that tests/conftest.py loads once for the session.
    """
    items.sort(key=_flushes_the_database)  # stable: the order is otherwise kept


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[Any]:
    report = yield
    item.stash.setdefault(_phase_reports, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not os.access(CHROMIUM, os.X_OK):
        reason = (
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "or set CHROMIUM_PATH."
        )
        if in_ci():
            pytest.fail(f"{reason} CI must run the browser tests.", pytrace=False)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Downloads (the PDF report) must be readable by the test.
    return {**browser_context_args, "accept_downloads": True, "locale": "en-GB"}


@pytest.fixture
def live(live_server, settings, catalogue):
    """The app served over http with the catalogue loaded; returns the base URL."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return live_server.url


class ConsoleWatch:
    """Collects console errors, page errors and CSP violations of every page."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: uncaught {error}"))

    def _console(self, page: Any, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"{page.url}: {message.text}")

    def assert_clean(self) -> None:
        problems, self.problems = self.problems, []
        assert not problems, "Console errors or CSP violations:\n" + "\n".join(problems)


@pytest.fixture
def console(context) -> ConsoleWatch:
    """Watches every page of the test's browser context (see ``page``)."""
    watch = ConsoleWatch()
    context.add_init_script(CSP_LISTENER)
    context.on("page", watch.attach)
    return watch


def _slug(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", nodeid).strip("-")[:180]


@pytest.fixture
def page(context, console: ConsoleWatch, request: pytest.FixtureRequest):
    """A page whose console must stay clean; a failure leaves a screenshot."""
    page = context.new_page()
    yield page
    reports = request.node.stash.get(_phase_reports, {})
    failed = any(report.failed for report in reports.values())
    if failed or console.problems:
        _screenshot_all(context, request.node.nodeid)
    if not failed:
        console.assert_clean()


def _screenshot_all(context: Any, nodeid: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for number, open_page in enumerate(context.pages, start=1):
        if open_page.is_closed():
            continue
        suffix = "" if number == 1 else f"-{number}"
        path = ARTIFACTS / f"{_slug(nodeid)}{suffix}.png"
        try:
            open_page.screenshot(path=str(path), full_page=True)
        except Exception as error:  # a failed screenshot must not hide the test's failure
            print(f"Screenshot of {open_page.url} failed: {error}")
        else:
            print(f"Screenshot saved: {path}")
