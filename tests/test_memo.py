"""The decision memo (issue 12): page 1 is one page at any size, a page at most per
function, method and sources, a portfolio grid that hides nothing, a tagged PDF.

Portfolios of 50 and 200 functions are cloned from the demo's ten (stored results,
business cases, risk ratings and own prices copied row for row), so they read like
the demo without answering 200 questionnaires.
"""

from __future__ import annotations

import copy
import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from pypdf import PdfReader

from decisions import demo, selectors
from decisions.models import (
    Assessment,
    BusinessCase,
    FunctionAssessment,
    PriceOverride,
    RiskRating,
)
from decisions.presentation import AssessmentView, FunctionView, SensitivityRow
from decisions.reports import memo as memo_module
from decisions.reports.document import DocumentControl, draft_control
from decisions.reports.memo import NAME_CHARS, FunctionPage, Memo, shorten
from decisions.reports.pdf import PDFReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_assessment() -> Assessment:
    demo.setup_demo()
    return Assessment.objects.get(title=demo.COMPLETED_TITLE)


def clone(source: Assessment, size: int) -> Assessment:
    """A new assessment of ``size`` functions copied, in turn, from ``source``'s."""
    originals = list(source.functions.order_by("order"))
    assessment = Assessment.objects.create(
        organization=source.organization, owner=source.owner, title=f"Portfolio of {size}"
    )
    functions = []
    for number in range(size):
        function = copy.copy(originals[number % len(originals)])
        function.pk = None
        function._state.adding = True
        function.assessment = assessment
        function.order = number
        function.name = f"{function.name} {number + 1}"
        functions.append(function)
    FunctionAssessment.objects.bulk_create(functions)
    source_of = {f.pk: originals[i % len(originals)] for i, f in enumerate(functions)}
    cases, overrides, ratings = [], [], []
    for function in functions:
        original = source_of[function.pk]
        for model, rows, target in (
            (BusinessCase, BusinessCase.objects.filter(function=original), cases),
            (PriceOverride, original.price_overrides.all(), overrides),
            (RiskRating, original.risk_ratings.all(), ratings),
        ):
            for row in rows:
                row.pk = None
                row._state.adding = True
                row.function = function
                target.append(row)
            del model
    BusinessCase.objects.bulk_create(cases)
    PriceOverride.objects.bulk_create(overrides)
    RiskRating.objects.bulk_create(ratings)
    return assessment


def render(assessment: Assessment, **options) -> tuple[PdfReader, list[str], bytes]:
    functions = selectors.assessment_functions(assessment, full=True)
    _name, _type, content = PDFReport().render(assessment, functions, **options)
    reader = PdfReader(io.BytesIO(content))
    # A word hyphenated at a line's end extracts as "in- house": join it back.
    pages = [
        " ".join(page.extract_text().split()).replace("in- house", "in-house")
        for page in reader.pages
    ]
    return reader, pages, content


# ---- page 1 -------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 10, 50, 200])
def test_the_memo_is_exactly_one_page_at_any_size(demo_assessment, size):
    assessment = demo_assessment if size == 10 else clone(demo_assessment, size)

    _reader, pages, _content = render(assessment)

    memo, following = pages[0], pages[1]
    for heading in (
        "Expected benefit",
        "Top risks",
        "Needs attention",
        "Decision requested",
        "Next steps",
        "Document control",
        "Signature",
    ):
        assert heading in memo, heading
    assert "Document control" not in following
    assert "Signature" not in following
    assert following.startswith("Portfolio Each function appears once")
    counted = re.search(r"(Outsource|Keep) (\d+) of the (\d+) function", memo)
    assert counted is not None
    assert int(counted.group(3)) == size
    if size >= 50:
        assert "more (see page 2)" in memo


def test_the_memo_counts_final_decisions_and_names_what_to_decide(demo_assessment):
    _reader, pages, _content = render(demo_assessment)
    memo = pages[0]

    # The demo records one final decision (reporting kept in-house against a BPO
    # recommendation): the headline counts it in-house, not as recommended.
    assert "Outsource 8 of the 10 functions (4 BPO, 3 KPO, 1 LPO) and keep 2 in-house" in memo
    assert "Counted on 1 final decision; 9 recommendations not yet decided." in memo
    assert "Keep in-house 2 Product research and development (9); Monthly management" in memo
    assert "1 decision differs from the recommendation" in memo
    assert "1 close call" in memo
    assert "Expected saving €761,570 a year (range €126,620 to €1,141,620)" in memo
    assert "pays back in about 11 months" in memo
    assert "KPO may or may not save cost" in memo
    assert "Data security and confidentiality, Contract review and legal research (8): high" in memo
    assert "Approve the sourcing decisions in this memo: outsource 4 functions to BPO" in memo
    assert "Status Draft" in memo
    assert "Prepared by Maria Lindqvist" in memo
    assert "UTC" in memo  # dates carry their time zone
    version = demo_assessment.functions.first().criteria_version
    assert f"Criteria of {timezone.localdate():%-d %b %Y} (ref. {version}, current)" in memo


def test_document_control_prints_what_the_approval_gives_it(demo_assessment):
    now = timezone.now()
    document = DocumentControl(
        status="Approved",
        version=3,
        prepared_by="Maria Lindqvist",
        prepared_for="Board of Northwind",
        generated_at=now,
        submitted_at=now - timedelta(days=1),
        approved_by="Ana Approver",
        approved_at=now,
        fingerprint="ab" * 32,
    )

    _reader, pages, _content = render(demo_assessment, document=document)

    memo = pages[0]
    assert "Status Approved" in memo
    assert "Version 3" in memo
    assert "Prepared for Board of Northwind" in memo
    assert "Approved Ana Approver" in memo
    assert "Submitted" in memo
    assert "ab" * 32 in memo.replace(" ", "")
    assert "Approved · version 3" in pages[-1]  # the footer of every page


def test_names_on_page_one_are_shortened_not_overflowing():
    assert shorten("Short name", NAME_CHARS) == "Short name"
    long = "Accounts payable and receivable for the Scandinavian subsidiaries and branches"
    short = shorten(long, NAME_CHARS)
    assert len(short) <= NAME_CHARS
    assert short.endswith("…")
    assert short.startswith("Accounts payable and receivable")


# ---- the functions ------------------------------------------------------------------


def test_demo_report_is_at_most_fifteen_pages_and_a_function_never_splits(demo_assessment):
    _reader, pages, _content = render(demo_assessment)

    assert len(pages) <= 15
    text = "\n".join(pages)
    # Confidence as a band with the number in brackets, robustness in words.
    assert re.search(r"Confidence (Clear|Leaning|Close call) \(\d+ points?\)", text)
    assert "How robust" in text
    # The contract shape once per model, not once per function.
    assert text.count("fixed fee per matter") <= 1
    # No answers, contributions or shortlists without the appendix.
    assert "Answers given" not in text
    assert "Provider shortlist" not in text
    # Each function's section starts and ends on the same page.
    for number, function in enumerate(demo_assessment.functions.order_by("order"), 1):
        heading = f"{number}. {function.name}"
        where = [i for i, page in enumerate(pages) if heading in page]
        assert where, heading
        assert "How robust" in pages[where[0]][pages[where[0]].index(heading) :]


def test_a_function_with_everything_still_fits_one_page(demo_assessment, manager):
    function = demo_assessment.functions.get(name="Contract review and legal research")
    FunctionAssessment.objects.filter(pk=function.pk).update(
        final_model=function.recommended_model, final_reason="Long reason. " * 150
    )

    _reader, pages, _content = render(demo_assessment)

    heading = f"8. {function.name}"
    page = next(p for p in pages if heading in p)
    after = page[page.index(heading) :]
    assert "Long reason." in after
    assert "Top risks" in after
    assert "Regulation and compliance" in after  # its last risk line


def test_the_appendix_only_when_asked(demo_assessment):
    _reader, without, _content = render(demo_assessment)
    _reader, with_appendix, _content = render(demo_assessment, include_appendix=True)

    text = "\n".join(with_appendix)
    assert "Appendix: answers and analysis" in text
    assert "Answers given" in text
    assert "Points added to the model" in text  # the contributions chart, as text
    assert "Provider shortlist" in text
    assert len(with_appendix) > len(without)


def test_robustness_says_how_much_would_have_to_change(demo_assessment, monkeypatch):
    view = AssessmentView(demo_assessment, list(demo_assessment.functions.all())).with_result[0]
    row = SensitivityRow(
        slug="x",
        name="Complexity of the work",
        weight=1.0,
        lower=None,
        upper=20.0,
        below="",
        above="KPO",
        change=19.0,
        weakest=True,
    )
    monkeypatch.setattr(FunctionView, "weakest", property(lambda self: row))
    word, sentence = FunctionPage(view).robustness
    assert word == "Robust"  # a twentyfold change is not "most sensitive"
    assert "20 times as much" in sentence
    assert "KPO" in sentence

    fragile = SensitivityRow("x", "Complexity", 2.0, 1.8, None, "BPO", "", 0.1, True)
    monkeypatch.setattr(FunctionView, "weakest", property(lambda self: fragile))
    word, sentence = FunctionPage(view).robustness
    assert word == "Sensitive"
    assert "10\u00a0% less" in sentence


def test_open_disagreement_from_a_group_needs_attention(demo_assessment, monkeypatch):
    functions = list(demo_assessment.functions.order_by("order"))
    disputed = functions[2].pk
    group = SimpleNamespace(
        respondents=["Maria", "Arun", "Li"],
        consensus="two of three agree",
        consensus_words="two of three agree",
        open_disagreements=[SimpleNamespace(criterion=SimpleNamespace(name="Complexity"))],
        settled=[],
        individual=[],
    )
    monkeypatch.setattr(
        FunctionView,
        "group",
        property(lambda self: group if self.function.pk == disputed else None),
        raising=False,
    )
    memo = Memo(AssessmentView(demo_assessment, functions), draft_control(demo_assessment))

    attention = {entry.slug: entry for entry in memo.attention}
    assert [item.number for item in attention["disagreement"].items] == [3]
    assert any("open disagreement" in step for step in memo.next_steps)
    assert memo.respondents == "Maria, Arun, Li"


# ---- the portfolio grid ------------------------------------------------------------


def chart_numbers(page: str, title: str) -> set[int]:
    """The numbers on the portfolio chart: its text follows the page's tagged text."""
    chart = page[page.index("BPO KPO LPO In-house Clear Leaning Close call") :]
    chart = chart[: chart.index(title)]  # the running header and footer follow
    return {int(n) for n in re.findall(r"\b(\d{1,3})\b", chart)}


def test_the_portfolio_grid_hides_no_function_at_200(demo_assessment):
    assessment = clone(demo_assessment, 200)

    _reader, pages, _content = render(assessment)

    assert chart_numbers(pages[1], assessment.title) == set(range(1, 201))


def test_a_grid_too_tall_for_a_chart_is_a_table_that_hides_nothing(demo_assessment, monkeypatch):
    monkeypatch.setattr(memo_module, "CHART_MAX_HEIGHT", 0)

    _reader, pages, _content = render(demo_assessment)

    text = "\n".join(pages)
    grid = text[text.index("Confidence BPO KPO LPO In-house") : text.index("No. Business function")]
    assert "Clear 1, 2, 3, 4 5, 6, 7 8 9" in grid
    # 10 is a close call, in its recommended model's column (KPO since the demo's second
    # respondent answered it too), not under the in-house decision taken against it.
    assert "Close call — — — 10" not in grid
    assert re.search(r"Close call — 10 — —", grid)


def test_the_portfolio_chart_numbers_every_function_as_the_memo_does(demo_assessment):
    _reader, pages, _content = render(demo_assessment)

    portfolio = pages[1]
    assert chart_numbers(portfolio, demo_assessment.title) == set(range(1, 11))
    # The memo's numbers are the index's numbers.
    assert "8 Contract review and legal research LPO" in portfolio


# ---- the PDF itself ----------------------------------------------------------------


def test_the_pdf_is_tagged_with_title_author_language_and_date(demo_assessment):
    reader, pages, _content = render(demo_assessment)

    info = reader.metadata
    assert info.title == f"{demo_assessment.title} — Decision memo"
    assert info.author == "Maria Lindqvist"
    assert info.creation_date is not None
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert catalog["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in catalog
    # Headings extract as words, not letter by letter.
    assert "Decision requested" in pages[0]
    assert "Method, assumptions and sources" in "\n".join(pages)


def test_method_assumptions_and_sources(demo_assessment):
    _reader, pages, _content = render(demo_assessment)
    text = "\n".join(pages)
    method = text[text.index("Method, assumptions and sources") :]

    assert "weighted average" in method
    assert "self-assessment by Northwind Manufacturing (demo), given by Maria Lindqvist" in method
    assert "Sample figures for illustration, not market data and not taken from the source" in (
        method
    )
    assert "Harappa" in method
    assert "Where the sources disagree" in method
    assert "Does KPO save money?" in method


def test_the_report_user_is_the_author(demo_assessment):
    user = get_user_model().objects.get(username="manager")
    assert draft_control(demo_assessment).prepared_by == user.get_full_name()
