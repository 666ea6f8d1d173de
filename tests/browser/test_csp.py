"""Every admin page works under the strict Content-Security-Policy.

The app's own pages are covered by the journeys (test_journeys.py); the admin
has many more pages than a journey visits, so this walks all of them: the index,
every model's list, add page, change page and history page, with the console
watched (tests/browser/conftest.py) for errors and CSP violations.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import expect

from decisions.models import AnswerOption, Criterion
from tests import factories
from tests.browser.pages import sign_in, sign_in_to_admin
from tests.conftest import answer_archetype

pytestmark = pytest.mark.browser


def _admin_urls(staff) -> list[str]:
    """The admin index, and every registered model's list, add, change and history pages."""
    request = RequestFactory().get("/admin/")
    request.user = staff
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{prefix}_add"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls.append(reverse(f"{prefix}_change", args=[obj.pk]))
            urls.append(reverse(f"{prefix}_history", args=[obj.pk]))
    return urls


@pytest.fixture
def populated(manager, organization):
    """Data on every admin list: an assessment with an answered function, a criterion edit."""
    assessment = factories.AssessmentFactory(organization=organization, owner=manager)
    function = factories.FunctionAssessmentFactory(assessment=assessment, name="Payroll processing")
    answer_archetype(function, manager, "Payroll processing")
    return assessment


def test_every_admin_page_loads_without_console_errors_or_csp_violations(
    live, page, console, staff, populated
):
    sign_in_to_admin(page, live, staff.username)
    urls = _admin_urls(staff)
    assert len(urls) > 40  # every registered model, not just a few
    for url in urls:
        response = page.goto(live + url)
        assert response is not None
        assert response.status == 200, url
        expect(page.locator("#content")).to_be_visible()
    console.assert_clean()


def test_nested_criterion_page_adds_an_option_with_scores_under_the_csp(live, page, console, staff):
    """nested-admin's JavaScript adds a row to the option grid, with a score cell per scored
    model, and it saves."""
    criterion = Criterion.objects.get(slug="complexity")
    sign_in_to_admin(page, live, staff.username)
    page.goto(live + reverse("admin:decisions_criterion_change", args=[criterion.pk]))
    expect(page.get_by_role("checkbox", name=re.compile("Harappa Education"))).to_be_visible()

    page.get_by_role("link", name="Add another Answer option").click()
    # Grid cells are named by their column and row (a new row: "new option").
    page.get_by_role("textbox", name="Label — new option").fill("Half routine, half analysis")
    page.get_by_role("textbox", name="Code — new option").fill("half-and-half")
    for model in ("BPO", "KPO", "In-house"):
        page.get_by_role("spinbutton", name=f"{model} — new option").fill("5")
    page.get_by_role("textbox", name="Reason for this change").fill("A mixed answer")
    page.get_by_role("button", name="Save", exact=True).first.click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    option = AnswerOption.objects.get(question__criterion=criterion, code="half-and-half")
    assert sorted(option.scores.values_list("score", flat=True)) == [5, 5, 5]
    assert option.history.first().history_change_reason == "A mixed answer"
    console.assert_clean()


def test_history_of_a_reweighted_criterion_opens_under_the_csp(live, page, console, staff):
    criterion = Criterion.objects.get(slug="driver")
    sign_in_to_admin(page, live, staff.username)
    page.goto(live + reverse("admin:decisions_criterion_change", args=[criterion.pk]))
    page.get_by_label("Weight").fill("4.5")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name=re.compile("Change history"))).to_be_visible()
    newest = page.locator("#change-history tbody tr").first
    expect(newest).to_contain_text("staff")  # who changed it
    expect(newest).to_contain_text("→ 4.5")  # what changed, in words
    # Open the recorded version (simple_history's "revert" form) from its date.
    newest.get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile("^Revert"))).to_be_visible()
    expect(page.get_by_label("Weight")).to_have_value("4.50")
    console.assert_clean()


def test_the_console_watch_catches_csp_violations(live, page, console):
    """The watch the other browser tests rely on does see a violation (this test can fail)."""
    response = page.goto(live + reverse("decisions:guide"))
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy

    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
            document.body.setAttribute("style", "outline: 1px solid red");
        }"""
    )
    for _ in range(20):
        if sum("CSP violation" in problem for problem in console.problems) >= 2:
            break
        page.wait_for_timeout(50)

    assert page.evaluate("window.injected") is None  # the inline script was blocked
    reported = "\n".join(console.problems)
    assert "CSP violation: script-src" in reported
    assert "CSP violation: style-src" in reported
    console.problems.clear()  # expected here; the teardown check must not fail the test


@pytest.fixture
def member_urls(manager, organization) -> list[str]:
    """Every page of the app a member can open, with a result to show."""
    assessment = factories.AssessmentFactory(
        organization=organization, owner=manager, title="Survey"
    )
    done = factories.FunctionAssessmentFactory(assessment=assessment, name="Market research")
    answer_archetype(done, manager, "Market research")
    open_ = factories.FunctionAssessmentFactory(assessment=assessment, name="Payroll processing")
    return [
        reverse("decisions:dashboard"),
        reverse("decisions:guide"),
        reverse("decisions:assessment-create"),
        reverse("decisions:assessment-detail", args=[assessment.pk]),
        reverse("decisions:function-step", args=[open_.pk, 1]),
        reverse("decisions:function-step", args=[done.pk, 12]) + "?from=review",
        reverse("decisions:function-review", args=[open_.pk]),
        reverse("decisions:function-review", args=[done.pk]),
        reverse("decisions:function-result", args=[done.pk]),
        reverse("decisions:report-detail", args=[assessment.pk]),
        reverse("decisions:organization-members", args=[organization.pk]),
        "/no-such-page/",
    ]


def test_every_app_page_loads_without_console_errors_or_csp_violations(
    live, page, console, manager, member_urls
):
    sign_in(page, live, manager.username)
    for url in member_urls:
        response = page.goto(live + url)
        assert response is not None
        expected = 404 if url == "/no-such-page/" else 200
        assert response.status == expected, url
        expect(page.get_by_role("main")).to_be_visible()
    # A 404 response is logged by Chromium as a failed resource: that one is expected.
    console.problems = [p for p in console.problems if "/no-such-page/" not in p]
    console.assert_clean()
