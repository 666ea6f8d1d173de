"""The admin passes axe-core: its index, and the list and change form of every catalogue model.

Catalogue models come from ``CATALOGUE_MODELS``, so a catalogue model added
later is checked here without another change. A page fails on a violation of
any impact (tests/browser/axe.py).
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from playwright.sync_api import expect

from decisions.models import Criterion
from decisions.models.catalogue import CATALOGUE_MODELS
from tests.admin_forms import catalogue_row
from tests.browser.axe import assert_no_axe_violations, axe_violations, describe
from tests.browser.pages import sign_in_to_admin

pytestmark = pytest.mark.browser

ADMINED = [model for model in CATALOGUE_MODELS if admin.site.is_registered(model)]


def _pages() -> list[str]:
    """The index, and each catalogue model's list and change form (add form without a row)."""
    urls = [reverse("admin:index")]
    for model in ADMINED:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        row = catalogue_row(model)
        if row is None:
            urls.append(reverse(f"{prefix}_add"))
        else:
            urls.append(reverse(f"{prefix}_change", args=[row.pk]))
    urls.append(reverse("admin:decisions_criterion_add"))
    urls.append(reverse("admin:decisions_criterion_history", args=[catalogue_row(Criterion).pk]))
    return urls


def test_every_catalogue_page_of_the_admin_passes_axe_core(live, page, staff):
    sign_in_to_admin(page, live, staff.username)
    failures = []
    for url in _pages():
        response = page.goto(live + url)
        assert response is not None
        assert response.status == 200, url
        expect(page.locator("#content")).to_be_visible()
        page.wait_for_load_state("load")  # the admin's scripts have built their widgets
        violations = axe_violations(page)
        if violations:
            failures.append(f"{url}:\n{describe(violations)}")
    assert not failures, "axe-core violations:\n" + "\n".join(failures)


def test_the_checker_reports_a_violation(live, page, staff):
    """axe-core really runs: an input without a name is reported (this test can fail)."""
    sign_in_to_admin(page, live, staff.username)
    page.evaluate(
        """() => {
            const input = document.createElement("input");
            input.type = "text";
            document.querySelector("#content").append(input);
        }"""
    )

    with pytest.raises(AssertionError, match=r"critical: label"):
        assert_no_axe_violations(page)
