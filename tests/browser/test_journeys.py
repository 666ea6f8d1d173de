"""Whole journeys in a real browser, done as a person would: by role and label.

Every page visited is watched for console errors and CSP violations (the
``page`` fixture in conftest.py), so these also prove the pages work under the
production Content-Security-Policy.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from decisions import questionnaire
from decisions.demo_profiles import ARCHETYPES
from decisions.models import Assessment, Criterion, FunctionAssessment
from tests import factories
from tests.browser.pages import sign_in, sign_in_to_admin, starts_with, step_url
from tests.conftest import answer_archetype

pytestmark = pytest.mark.browser


def planned_answers(archetype: str) -> list[tuple[str, str]]:
    """(criterion name, option label) per step, in walkthrough order, as the archetype answers."""
    codes = ARCHETYPES[archetype]
    plan = []
    for question in questionnaire.current().questions:
        option = next(o for o in question.options if o.code == codes[question.criterion.slug])
        plan.append((question.criterion.name, option.label))
    return plan


def answer(page: Page, criterion: str, label: str, button: str = "Save and continue") -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(criterion)
    page.get_by_role("radio", name=starts_with(label)).check()
    page.get_by_role("button", name=button).click()


def pdf_pages(page: Page, link_name: str) -> list[str]:
    if link_name == "Download PDF report":
        # The report is prepared in the background (the immediate backend in tests).
        page.get_by_role("link", name="Report and approval").click()
        page.get_by_role("button", name="Prepare the report", exact=True).click()
        link_name = "Download the report (PDF)"
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(download.path())
    return [pdf_page.extract_text() for pdf_page in reader.pages]


def pdf_text(page: Page, link_name: str) -> str:
    return "\n".join(pdf_pages(page, link_name))


def test_manager_assesses_two_functions_resumes_and_downloads_the_report(
    live, page, console, manager
):
    payroll = planned_answers("Payroll processing")
    research = planned_answers("Market research")
    steps = len(payroll)

    sign_in(page, live, manager.username)
    page.get_by_role("link", name="Start a new assessment").first.click()
    page.get_by_label("Title").fill("Back office review 2027")
    page.get_by_label("Payroll processing").check()
    page.get_by_label("Market research").check()
    page.get_by_role("button", name="Create assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Back office review 2027")
    assessment = Assessment.objects.get(title="Back office review 2027")
    payroll_fn = assessment.functions.get(name="Payroll processing")

    # First function: a few steps, Back, more steps, then leave with "Save and exit".
    page.get_by_role("link", name="Start — Payroll processing").click()
    expect(page).to_have_url(step_url(payroll_fn.pk, 1))
    for criterion, label in payroll[:3]:
        answer(page, criterion, label)
    expect(page).to_have_url(step_url(payroll_fn.pk, 4))
    page.get_by_role("button", name="Back").click()
    expect(page).to_have_url(step_url(payroll_fn.pk, 3))
    expect(page.get_by_role("radio", name=starts_with(payroll[2][1]))).to_be_checked()
    page.get_by_role("button", name="Save and continue").click()
    for criterion, label in payroll[3:5]:
        answer(page, criterion, label)
    criterion, label = payroll[5]
    answer(page, criterion, label, button="Save and exit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Back office review 2027")

    # Resume lands on the first unanswered step.
    page.get_by_role("link", name="Resume — Payroll processing").click()
    expect(page).to_have_url(step_url(payroll_fn.pk, 7))
    for criterion, label in payroll[6:-1]:
        answer(page, criterion, label)
    criterion, label = payroll[-1]
    answer(page, criterion, label, button="Save and review")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review: Payroll processing")
    expect(page.get_by_role("row")).to_have_count(steps + 1)
    page.get_by_role("link", name="See the recommendation").click()
    expect(page.get_by_role("region", name="Recommended model")).to_contain_text(
        "Business process outsourcing"
    )

    # Second function, straight through.
    page.get_by_role("link", name="Back to assessment").click()
    page.get_by_role("link", name="Start — Market research").click()
    for criterion, label in research[:-1]:
        answer(page, criterion, label)
    criterion, label = research[-1]
    answer(page, criterion, label, button="Save and review")
    page.get_by_role("link", name="See the recommendation").click()
    expect(page.get_by_role("region", name="Recommended model")).to_contain_text(
        "Knowledge process outsourcing"
    )

    page.get_by_role("link", name="Back to assessment").click()
    expect(page.get_by_text("2 of 2 functions have a recommendation.")).to_be_visible()
    text = pdf_text(page, "Download PDF report")
    for expected in ("Back office review 2027", "Payroll processing", "Market research"):
        assert expected in text
    # The summary table: each function with its recommended model.
    assert re.search(r"Payroll processing\s+BPO\b", text), text[:2000]
    assert re.search(r"Market research\s+KPO\b", text), text[:2000]
    console.assert_clean()


def sign_out(page: Page, username: str) -> None:
    page.get_by_text(f"Account menu for {username}").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_admin_reweights_a_criterion_new_results_use_it_and_stored_ones_do_not_change(
    live, page, console, manager, organization, staff
):
    earlier = factories.AssessmentFactory(
        organization=organization, owner=manager, title="Last year's review"
    )
    payroll = factories.FunctionAssessmentFactory(assessment=earlier, name="Payroll processing")
    answer_archetype(payroll, manager, "Payroll processing")
    stored = FunctionAssessment.objects.values("result", "snapshot", "criteria_version").get(
        pk=payroll.pk
    )
    old_weight = Criterion.objects.get(slug="complexity").weight
    assert old_weight != Decimal("6.00")

    sign_in(page, live, manager.username)
    page.goto(live + reverse("decisions:assessment-detail", args=[earlier.pk]))
    report_before = pdf_pages(page, "Download PDF report")
    sign_out(page, manager.username)

    # The admin changes the weight on the criterion's (nested-admin) page.
    sign_in_to_admin(page, live, staff.username)
    page.get_by_role("link", name="Criteria", exact=True).click()
    page.get_by_role("link", name="Complexity of the work").click()
    expect(page.get_by_label("Weight")).to_have_value(f"{old_weight:.2f}")
    page.get_by_label("Weight").fill("6.00")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.get_by_role("button", name="Log out").click()
    assert Criterion.objects.get(slug="complexity").weight == Decimal("6.00")

    # A new recommendation is computed with the new weight...
    later = factories.AssessmentFactory(organization=organization, owner=manager, title="Now")
    fresh = factories.FunctionAssessmentFactory(assessment=later, name="Payroll processing")
    answer_archetype(fresh, manager, "Payroll processing")
    weights = {c["slug"]: c["weight"] for c in fresh.snapshot["criteria"]}
    assert weights["complexity"] == "6.00"
    assert fresh.criteria_version != stored["criteria_version"]

    # ...while the stored one, its page and its report stay as they were.
    payroll.refresh_from_db()
    assert payroll.result == stored["result"]
    assert payroll.snapshot == stored["snapshot"]
    assert payroll.criteria_version == stored["criteria_version"]
    old_weights = {c["slug"]: c["weight"] for c in payroll.snapshot["criteria"]}
    assert old_weights["complexity"] == f"{old_weight:.2f}"

    sign_in(page, live, manager.username)
    page.goto(live + reverse("decisions:function-result", args=[payroll.pk]))
    expect(page.get_by_text("The criteria have changed since this recommendation")).to_be_visible()
    expect(page.get_by_role("region", name="Recommended model")).to_contain_text(
        "Business process outsourcing"
    )
    page.goto(live + reverse("decisions:assessment-detail", args=[earlier.pk]))
    report_after = pdf_pages(page, "Download PDF report")
    # The memo's page 1 says the criteria have changed since; the rest reads the same.
    assert "since changed" in " ".join(report_after[0].split())
    assert report_after[1:] == report_before[1:]
    console.assert_clean()


def is_focused(locator) -> bool:
    return bool(locator.evaluate("element => element === document.activeElement"))


def tab_to(page: Page, locator, limit: int = 60) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if is_focused(locator):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} never got the focus after {limit} presses of Tab")


def choose_with_arrows(page: Page, label: str) -> None:
    """Tab into the radio group, then Space or arrow keys onto the option."""
    radios = page.get_by_role("radio")
    tab_to(page, radios.first)  # Tab enters an unanswered group on its first option
    target = page.get_by_role("radio", name=starts_with(label))
    names = [radio.get_attribute("id") for radio in radios.all()]
    index = names.index(target.get_attribute("id"))
    if index == 0:
        page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    expect(target).to_be_checked()
    expect(target).to_be_focused()


def test_the_questionnaire_can_be_completed_with_the_keyboard_alone(
    live, page, console, manager, organization
):
    assessment = factories.AssessmentFactory(
        organization=organization, owner=manager, title="Keyboard review"
    )
    function = factories.FunctionAssessmentFactory(assessment=assessment, name="Data entry")
    plan = planned_answers("Data entry")

    page.goto(f"{live}/accounts/login/")
    expect(page.get_by_label("Username")).to_be_focused()  # autofocus
    page.keyboard.type(manager.username)
    page.keyboard.press("Tab")
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    tab_to(page, page.get_by_role("link", name="Keyboard review", exact=True))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Start — Data entry"))
    page.keyboard.press("Enter")

    for number, (criterion, label) in enumerate(plan, start=1):
        expect(page).to_have_url(step_url(function.pk, number))
        expect(page.get_by_role("heading", level=1)).to_have_text(criterion)
        choose_with_arrows(page, label)
        button = "Save and review" if number == len(plan) else "Save and continue"
        tab_to(page, page.get_by_role("button", name=button))
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Review: Data entry")
    tab_to(page, page.get_by_role("link", name="See the recommendation"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("region", name="Recommended model")).to_contain_text(
        "Business process outsourcing"
    )

    # The final decision, differing from the recommendation, with its reason.
    decision = page.get_by_label("Final decision")
    tab_to(page, decision)
    while decision.evaluate("select => select.selectedOptions[0].text") != "KPO":
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Reason")).to_be_focused()
    page.keyboard.type("Our data entry feeds analytics the provider will also run.")
    tab_to(page, page.get_by_role("button", name="Record final decision"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Final decision recorded.")).to_be_visible()
    function.refresh_from_db()
    assert function.final_model.slug == "kpo"
    console.assert_clean()
