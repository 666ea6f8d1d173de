"""The report page offers the decision memo with and without the analyst's appendix."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pypdf import PdfReader

from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import sign_in
from tests.conftest import add_archetype

pytestmark = pytest.mark.browser


def download_text(page: Page, name: str) -> str:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    reader = PdfReader(info.value.path())
    return "\n".join(" ".join(p.extract_text().split()) for p in reader.pages)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_report_page_offers_the_memo_with_and_without_the_appendix(
    live, page, console, manager, assessment, width
):
    add_archetype(assessment, manager, "Payroll processing")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live, manager.username)
    page.goto(live + reverse("decisions:assessment-detail", args=[assessment.pk]))

    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if width == 390:
        return
    page.get_by_role("link", name="Report and approval").click()
    # Rendered in the background (the immediate task backend in tests).
    page.get_by_role("button", name="Prepare the report", exact=True).click()
    page.get_by_role("button", name="Prepare the report with the appendix").click()
    assert_no_axe_violations(page)
    memo = download_text(page, "Download the report (PDF)")
    full = download_text(page, "Download the report with the appendix (PDF)")
    assert "Decision requested" in memo
    assert "Answers given" not in memo
    assert "Answers given" in full
    console.assert_clean()
