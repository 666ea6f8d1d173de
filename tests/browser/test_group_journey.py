"""Deciding together in a real browser: the demo's two managers, disagreement, settling.

axe-core checks every page this issue added or changed (result with the group section,
who answers, invitation, a guest's dashboard and step with "Not sure").
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from decisions import respondents
from decisions.demo import COMPLETED_TITLE, setup_demo
from decisions.models import Assessment
from tests.browser.axe import assert_no_axe_violations

pytestmark = pytest.mark.browser


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_the_demo_manager_sees_the_disagreement_settles_it_and_the_recommendation_updates(
    page: Page, live: str
):
    setup_demo()
    assessment = Assessment.objects.get(title=COMPLETED_TITLE)
    reporting = assessment.functions.get(name="Monthly management reporting")
    sign_in(page, live, "manager", "advisor-demo-manager")

    page.goto(f"{live}/assessments/{assessment.pk}/")
    expect(page.get_by_text("Respondents disagree — settle it").first).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(f"{live}/functions/{reporting.pk}/result/")
    alert = page.get_by_role("alert").filter(has_text="The respondents disagree")
    expect(alert).to_contain_text("Complexity of the work")
    together = page.locator("#together")
    expect(together).to_contain_text("Felix Okafor: Knowledge process outsourcing")
    expect(together).to_contain_text("Maria Lindqvist: Business process outsourcing")
    expect(page.locator(".recommendation")).to_contain_text("KPO")
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    select = page.get_by_role("combobox", name=re.compile("Agreed answer.*Complexity of the work"))
    options = select.locator("option").all_inner_texts()
    maria = next(o for o in options if o.startswith("Mostly standard"))
    select.select_option(label=maria)
    page.get_by_role("textbox", name=re.compile("Why.*Complexity of the work")).fill(
        "Month-end is a standard cycle."
    )
    page.get_by_role("button", name=re.compile("^Settle — Complexity of the work")).click()

    expect(
        page.get_by_role("status")
        .or_(page.get_by_role("alert"))
        .filter(has_text="Settled Complexity of the work")
        .first
    ).to_be_visible()
    expect(page.locator(".recommendation")).to_contain_text("BPO")
    expect(page.locator("#together")).to_contain_text("Agreed answer")
    expect(page.get_by_role("alert").filter(has_text="The respondents disagree")).to_have_count(0)
    assert_no_axe_violations(page)

    page.goto(f"{live}/assessments/{assessment.pk}/respondents/")
    expect(page.get_by_role("heading", name="Who answers", level=1)).to_be_visible()
    assert_no_axe_violations(page)


def test_a_colleague_invited_by_link_answers_with_not_sure(page: Page, live: str):
    setup_demo()
    assessment = Assessment.objects.get(title=COMPLETED_TITLE)
    function = assessment.functions.get(name="Data entry")
    tokens: list[str] = []
    respondents.invitation_create(
        assessment=assessment,
        functions=[function],
        email="guest@example.com",
        created_by=assessment.owner,
        link_for=lambda token: tokens.append(token) or token,
    )

    page.goto(f"{live}/invitations/{tokens[0]}/")
    expect(page.get_by_role("heading", name="Invitation to answer")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Choose a user name").fill("guest")
    page.get_by_label("Choose a password").fill("a long secret 42")
    page.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="Asked of you")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("^Answer — Data entry")).click()
    page.get_by_role("radio", name=re.compile("^Not sure")).check()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(rf"/functions/{function.pk}/steps/2/(#question)?$"))
    # The breadcrumb names the assessment without linking to it: a guest cannot open it.
    expect(page.get_by_role("link", name=assessment.title)).to_have_count(0)
