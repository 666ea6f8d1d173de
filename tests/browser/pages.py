"""What a person does in the browser, reused by the journeys: sign in, answer a step."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def sign_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the app's own form and land on the dashboard."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_text(f"Account menu for {username}")).to_be_attached()


def sign_in_to_admin(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Catalogue and organisations")).to_be_visible()


def starts_with(text: str) -> re.Pattern[str]:
    """An accessible name that begins with ``text`` (labels may carry an explanation)."""
    return re.compile("^" + re.escape(text))


def step_url(pk: int, step: int) -> re.Pattern[str]:
    return re.compile(rf"/functions/{pk}/steps/{step}/(#question)?$")
