"""Text stands out from its background by 4.5:1 or more on every page a manager sees, errors
and outline buttons included (axe-core's color-contrast rule; the other rules of these pages
are checked page by page with tests/browser/axe.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import axe_violations, describe
from tests.browser.pages import sign_in
from tests.conftest import answer_archetype

pytestmark = pytest.mark.browser

CONTRAST = ["color-contrast"]


def test_every_page_and_error_state_has_enough_contrast(live, page, console, manager, organization):
    assessment = factories.AssessmentFactory(organization=organization, owner=manager)
    done = factories.FunctionAssessmentFactory(assessment=assessment, name="Market research")
    answer_archetype(done, manager, "Market research")
    open_ = factories.FunctionAssessmentFactory(assessment=assessment, name="Payroll")
    failures = []

    def check(what: str) -> None:
        expect(page.get_by_role("main")).to_be_visible()
        violations = axe_violations(page, rules=CONTRAST)
        if violations:
            failures.append(f"{what} ({page.url}):\n{describe(violations)}")

    page.goto(live + reverse("login"))
    page.get_by_label("Username").fill(manager.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    check("sign-in error")
    sign_in(page, live, manager.username)
    for url in [
        reverse("decisions:dashboard"),
        reverse("decisions:guide"),
        reverse("decisions:assessment-create"),
        reverse("decisions:assessment-detail", args=[assessment.pk]),
        reverse("decisions:function-step", args=[open_.pk, 1]),
        reverse("decisions:function-review", args=[open_.pk]),
        reverse("decisions:function-result", args=[done.pk]),
        "/no-such-page/",
    ]:
        page.goto(live + url)
        check(url)

    page.goto(live + reverse("decisions:assessment-create"))
    page.get_by_role("button", name="Create assessment").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    check("new assessment with errors")
    page.goto(live + reverse("decisions:function-step", args=[open_.pk, 1]))
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#option-errors")).to_have_text(
        "Choose the answer that fits this function best."
    )
    check("step without an answer")

    assert not failures, "\n".join(failures)
    # Chromium logs the 404 response itself as a failed resource: expected here.
    console.problems = [p for p in console.problems if "/no-such-page/" not in p]
    console.assert_clean()
