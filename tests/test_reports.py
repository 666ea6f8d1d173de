"""The assessment report (PDF) and its CSV and JSON exports.

PDFs are read back with pypdf and checked on their text; exports are parsed
and compared with the stored results.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader
from weasyprint import HTML

from decisions import questionnaire, selectors, services
from decisions.demo_profiles import ARCHETYPES, MIXED
from decisions.models import Activity, Criterion, FunctionAssessment, SourcingModel
from decisions.reports.fetcher import AssetFetcher, AssetRefusedError
from decisions.reports.pdf import PDFReport, ReportAssetError
from decisions.reports.safe_csv import neutralise
from tests import factories
from tests.conftest import answer_archetype

pytestmark = pytest.mark.django_db

REPORT_URLS = (
    "decisions:assessment-report",
    "decisions:assessment-export-csv",
    "decisions:assessment-export-json",
)
PORTFOLIO = {
    "Payroll processing": "bpo",
    "Market research": "kpo",
    "Contract review and legal research": "lpo",
    "Product research and development": "in-house",
}
SAFE_FILENAME = re.compile(r'filename="sourcing-\d+-[a-z0-9-]+-\d{4}-\d{2}-\d{2}\.(pdf|csv|json)"$')
# A 1x1 PNG, to prove the raster-image finder below finds raster images.
PNG_DATA_URI = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
    "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def url(name, assessment):
    return reverse(name, args=[assessment.pk])


def add_function(assessment, name, user, *, archetype=None, order=0):
    """A function of the assessment, answered as ``archetype`` (with its activity) if given."""
    activity = None
    if archetype is not None:
        activity = Activity.objects.get(slug=ARCHETYPES[archetype]["activity"])
    function = factories.FunctionAssessmentFactory(
        assessment=assessment, name=name, order=order, activity=activity
    )
    if archetype is not None:
        answer_archetype(function, user, archetype)
    return function


@pytest.fixture
def portfolio(assessment, manager):
    """Four functions recommended BPO, KPO, LPO and in-house, and one not answered."""
    functions = {
        name: add_function(assessment, name, manager, archetype=name, order=i)
        for i, name in enumerate(PORTFOLIO)
    }
    payroll = functions["Payroll processing"]
    question = questionnaire.current().questions[0]
    services.answer_save(
        function=payroll,
        question=question,
        option_id=payroll.answers.get(question_id=question.id).option_id,
        note="Checked with the payroll lead in March.",
        user=manager,
    )
    services.decision_record(
        function=functions["Market research"],
        final_model=SourcingModel.objects.get(slug="in-house"),
        reason="The research team is a strategic hire this year.",
        user=manager,
    )
    add_function(assessment, "Website services", manager, order=10)
    return assessment


def pdf_text(content: bytes) -> tuple[PdfReader, list[str]]:
    """The PDF and each page's text, whitespace collapsed (table cells wrap lines)."""
    reader = PdfReader(io.BytesIO(content))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


def raster_images(reader: PdfReader) -> list[str]:
    """Names of raster image XObjects anywhere in the pages' resources (forms, patterns)."""
    found: list[str] = []
    seen: set[int] = set()

    def walk(resources) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for kind in ("/XObject", "/Pattern"):
            entries = resources.get(kind)
            if entries is None:
                continue
            for name, ref in entries.get_object().items():
                obj = ref.get_object()
                if id(obj) in seen:
                    continue
                seen.add(id(obj))
                if obj.get("/Subtype") == "/Image":
                    found.append(name)
                walk(obj.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return found


# ---- the PDF report ------------------------------------------------------------------


def test_report_pdf_summarises_every_function_with_footer_and_criteria_version(
    manager_client, portfolio
):
    response = manager_client.get(url("decisions:assessment-report", portfolio) + "?appendix=1")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert SAFE_FILENAME.search(response["Content-Disposition"])
    assert response["Content-Disposition"].startswith("inline;")
    reader, pages = pdf_text(response.content)
    text = "\n".join(pages)
    total = len(pages)
    assert f"Page 1 of {total}" in pages[0]
    assert f"Page {total} of {total}" in pages[-1]
    assert portfolio.title in pages[0]
    assert portfolio.organization.name in pages[0]
    version = (
        FunctionAssessment.objects.filter(assessment=portfolio)
        .exclude(criteria_version="")
        .values_list("criteria_version", flat=True)[0]
    )
    assert version in pages[0]  # in the memo's document control
    for name, model in PORTFOLIO.items():
        function = FunctionAssessment.objects.get(assessment=portfolio, name=name)
        assert function.recommended_model.slug == model
        assert name in text
        assert function.recommended_model.abbreviation in text
        assert function.criteria_version in text
    # The differing final decision and its reason are in the summary.
    assert "The research team is a strategic hire this year." in text
    # Answers, with the manager's note, are in the appendix (asked for above).
    assert "Checked with the payroll lead in March." in text
    without = pdf_text(manager_client.get(url("decisions:assessment-report", portfolio)).content)
    assert "Checked with the payroll lead in March." not in "\n".join(without[1])
    # The unanswered function is listed but gets no section (sections are bookmarked).
    assert "Website services" in text
    assert "Not yet answered" in text

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    bookmarks = list(titles(reader.outline))
    assert {f"{n}. {name}" for n, name in enumerate(PORTFOLIO, 1)} <= set(bookmarks)
    assert not any("Website services" in title for title in bookmarks)


def test_report_draws_charts_as_vectors(manager_client, recommended_function):
    assessment = recommended_function.assessment
    response = manager_client.get(url("decisions:assessment-report", assessment) + "?appendix=1")

    reader, pages = pdf_text(response.content)
    text = "\n".join(pages)
    assert raster_images(reader) == []
    # Chart text is real text: axis titles and legends are extractable.
    assert "Close call" in text  # portfolio chart: the confidence band rows
    assert "Points added to the model" in text  # contributions chart axis


def test_raster_image_finder_finds_raster_images():
    """The vector check above would pass vacuously if the finder never found anything."""
    pdf = HTML(string=f'<p>x</p><img src="{PNG_DATA_URI}">').write_pdf()
    assert raster_images(PdfReader(io.BytesIO(pdf))) != []


def test_report_keeps_the_stored_result_after_an_admin_changes_a_weight(
    manager_client, assessment, manager
):
    function = add_function(assessment, MIXED, manager, archetype=MIXED)
    assert function.recommended_model.slug == "bpo"
    _reader, before = pdf_text(
        manager_client.get(url("decisions:assessment-report", assessment)).content
    )

    criterion = Criterion.objects.get(slug="task-definition")
    criterion.weight = Decimal(10)  # enough to flip this close call to KPO
    criterion.full_clean()
    criterion.save()
    _reader, after = pdf_text(
        manager_client.get(url("decisions:assessment-report", assessment)).content
    )

    # Page 1 says the criteria have since changed; the rest reads exactly the same.
    assert "since changed" in after[0]
    assert "current)" in before[0]
    assert after[1:] == before[1:]
    text = "\n".join(after)
    assert "BPO" in text
    assert function.criteria_version in text
    assert questionnaire.current().version != function.criteria_version
    # Recomputing under the new weights changes the report: the comparison above can fail.
    services.recommendation_recompute(function=function)
    assert function.recommended_model.slug == "kpo"
    _reader, recomputed = pdf_text(
        manager_client.get(url("decisions:assessment-report", assessment)).content
    )
    assert recomputed[1:] != before[1:]


def test_report_of_fifty_functions(
    manager_client, assessment, manager, django_assert_max_num_queries
):
    source = add_function(assessment, "Function 1", manager, archetype="Data entry", order=1)
    copies = [
        FunctionAssessment(
            assessment=assessment,
            name=f"Function {number}",
            order=number,
            activity=source.activity,
            status=source.status,
            answered_count=source.answered_count,
            recommended_model=source.recommended_model,
            confidence=source.confidence,
            borderline=source.borderline,
            result=source.result,
            snapshot=source.snapshot,
            criteria_version=source.criteria_version,
            computed_at=source.computed_at,
        )
        for number in range(2, 51)
    ]
    FunctionAssessment.objects.bulk_create(copies)

    # Query count does not grow with the functions (one shortlist per distinct profile;
    # the business cases, own prices and risk ratings are one query each). The request
    # asks for the report and, on the tests' immediate task backend, renders it too:
    # the content fingerprint is read three times (asked, before and after rendering).
    with django_assert_max_num_queries(61):
        response = manager_client.get(url("decisions:assessment-report", assessment))

    assert response.status_code == HTTPStatus.OK
    _reader, pages = pdf_text(response.content)
    # The memo, the portfolio index, at most a page per function, contracts and method.
    assert len(pages) <= 1 + 2 + 50 + 1 + 3
    text = "\n".join(pages)
    assert "50. Function 50" in text
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_report_of_an_assessment_with_nothing_answered(manager_client, assessment, manager):
    add_function(assessment, "Accounts payable", manager)

    response = manager_client.get(url("decisions:assessment-report", assessment))

    assert response.status_code == HTTPStatus.OK
    _reader, pages = pdf_text(response.content)
    text = "\n".join(pages)
    assert "Accounts payable" in text
    assert "Not yet answered" in text


def test_report_fails_loudly_when_an_asset_is_missing(assessment, tmp_path):
    """A report missing an asset fails loudly, as an ordinary exception."""
    report = PDFReport(asset_dirs=[tmp_path])  # no css/report.css in there
    with pytest.raises(ReportAssetError, match=r"css/report\.css"):
        report.render(assessment, [])


# ---- the URL fetcher -----------------------------------------------------------------


def test_fetcher_serves_the_report_stylesheet_from_disk():
    fetcher = AssetFetcher()
    css = Path(settings.REPORT_ASSET_DIRS[0]) / "css" / "report.css"

    response = fetcher.fetch(css.as_uri())

    assert response.content_type == "text/css"
    assert b"@page" in response.read()


@pytest.mark.parametrize(
    "address",
    [
        "http://example.com/report.css",
        "https://fonts.googleapis.com/css?family=Inter",
        "ftp://example.com/x.css",
        "file://evil.example.com/etc/passwd",
    ],
)
def test_fetcher_refuses_the_network(address):
    with pytest.raises(AssetRefusedError, match="disk only"):
        AssetFetcher().fetch(address)


def test_fetcher_refuses_files_outside_the_asset_dirs(tmp_path):
    assets = tmp_path / "assets"
    (assets / "css").mkdir(parents=True)
    (assets / "css" / "ok.css").write_text("p {}")
    secret = tmp_path / "secret.txt"
    secret.write_text("password")
    (assets / "css" / "link.css").symlink_to(secret)
    fetcher = AssetFetcher([assets])

    assert fetcher.fetch((assets / "css" / "ok.css").as_uri()).read() == b"p {}"
    for address in (
        secret.as_uri(),
        f"file://{assets}/css/../../secret.txt",
        f"file://{assets}/css/%2e%2e/%2e%2e/secret.txt",
        (assets / "css" / "link.css").as_uri(),  # a symlink pointing out
        Path(settings.BASE_DIR, "outsourcing", "settings.py").as_uri(),
    ):
        with pytest.raises(AssetRefusedError, match="REPORT_ASSET_DIRS"):
            fetcher.fetch(address)


def test_fetcher_allows_data_urls():
    response = AssetFetcher().fetch("data:text/css,p%20%7B%7D")
    assert response.read() == b"p {}"


def test_weasyprint_with_the_fetcher_never_loads_a_remote_image(tmp_path):
    html = HTML(
        string='<img src="http://127.0.0.1:9/tracker.png"><p>x</p>',
        base_url=str(tmp_path) + "/",
        url_fetcher=AssetFetcher([tmp_path], fail_on_errors=False),
    )
    pdf = html.write_pdf()
    assert raster_images(PdfReader(io.BytesIO(pdf))) == []


# ---- CSV and JSON --------------------------------------------------------------------


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_export_matches_the_stored_results(manager_client, portfolio):
    response = manager_client.get(url("decisions:assessment-export-csv", portfolio))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert SAFE_FILENAME.search(response["Content-Disposition"])
    rows = {row["function"]: row for row in read_csv(response.content)}
    assert set(rows) == {*PORTFOLIO, "Website services"}
    for function in FunctionAssessment.objects.filter(assessment=portfolio).select_related(
        "recommended_model", "final_model", "activity"
    ):
        row = rows[function.name]
        assert row["id"] == str(function.pk)
        assert row["status"] == function.status
        if function.result is None:
            assert row["recommended_model"] == ""
            assert row["score.bpo"] == ""
            assert row["task-definition.option_code"] == ""
            continue
        assert row["activity"] == function.activity.slug
        result = function.stored_result
        assert row["recommended_model"] == result.recommended
        assert row["recommended_model_name"] == function.recommended_model.abbreviation
        # The units the pages show: points out of 100.
        for model, score in result.scores.items():
            assert int(row[f"score.{model}"]) == round(score * 100)
        assert int(row["confidence_points"]) == round(function.confidence * 100)
        assert row["confidence_band"] in {"Clear", "Leaning", "Close call"}
        assert row["borderline"] == str(function.borderline).lower()
        assert row["criteria_version"] == function.criteria_version
        assert row["computed_at"] == function.computed_at.isoformat()
        assert row["final_decision"] == (function.final_model.slug if function.final_model else "")
        assert row["final_reason"] == function.final_reason
        for answer in result.answers:
            slug = answer.criterion
            assert row[f"{slug}.option_code"] == answer.option_code
            assert row[f"{slug}.option_label"] == answer.option_label
            assert row[f"{slug}.note"] == answer.note
    assert rows["Payroll processing"]["task-definition.note"] == (
        "Checked with the payroll lead in March."
    )
    assert rows["Market research"]["final_decision"] == "in-house"


def test_json_export_matches_the_stored_results(manager_client, portfolio):
    response = manager_client.get(url("decisions:assessment-export-json", portfolio))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert SAFE_FILENAME.search(response["Content-Disposition"])
    payload = json.loads(response.content)
    assert payload["assessment"]["title"] == portfolio.title
    assert payload["assessment"]["organization"] == portfolio.organization.name
    records = {record["name"]: record for record in payload["functions"]}
    assert list(records) == [*PORTFOLIO, "Website services"]
    for function in FunctionAssessment.objects.filter(assessment=portfolio):
        record = records[function.name]
        if function.result is None:
            assert record["recommended_model"] is None
            assert record["answers"] == {}
            continue
        result = function.stored_result
        assert record["recommended_model"] == result.recommended
        assert record["scores"] == {m: round(s * 100) for m, s in result.scores.items()}
        assert record["confidence_points"] == round(function.confidence * 100)
        assert record["borderline"] == function.borderline
        assert record["criteria_version"] == function.criteria_version
        assert record["computed_at"] == function.computed_at.isoformat()
        assert set(record["answers"]) == {a.criterion for a in result.answers}
        for answer in result.answers:
            exported = record["answers"][answer.criterion]
            assert exported["option_code"] == answer.option_code
            assert exported["option_label"] == answer.option_label
            assert exported["note"] == answer.note
    assert records["Market research"]["final_decision"] == "in-house"
    assert records["Market research"]["final_reason"] == (
        "The research team is a strategic hire this year."
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Payroll = people", "Payroll = people"),
        ("", ""),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_export_neutralises_formulas(manager_client, assessment, manager):
    function = add_function(
        assessment,
        '=HYPERLINK("http://evil.example","Click")',
        manager,
        archetype="Payroll processing",
    )
    question = questionnaire.current().questions[0]
    services.answer_save(
        function=function,
        question=question,
        option_id=function.answers.get(question_id=question.id).option_id,
        note="+cmd|' /C calc'!A0",
        user=manager,
    )
    services.decision_record(
        function=function,
        final_model=SourcingModel.objects.get(slug="kpo"),
        reason="@SUM(1+1)*cmd|' /C calc'!A0",
        user=manager,
    )

    response = manager_client.get(url("decisions:assessment-export-csv", assessment))

    (row,) = read_csv(response.content)
    assert row["function"] == "'" + function.name
    assert row["task-definition.note"] == "'+cmd|' /C calc'!A0"
    assert row["final_reason"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    # The JSON export is data, not a spreadsheet: it keeps the values as they are.
    payload = json.loads(
        manager_client.get(url("decisions:assessment-export-json", assessment)).content
    )
    assert payload["functions"][0]["name"] == function.name


def test_export_filename_is_safe_for_any_title(manager_client, manager, organization):
    assessment = factories.AssessmentFactory(
        organization=organization, owner=manager, title='Q3 "review"\r\n/../Ünïcode; rm -rf'
    )
    for name in REPORT_URLS[1:]:
        response = manager_client.get(url(name, assessment))
        assert SAFE_FILENAME.search(response["Content-Disposition"]), response[
            "Content-Disposition"
        ]


# ---- access --------------------------------------------------------------------------


@pytest.mark.parametrize("name", REPORT_URLS)
def test_reports_check_ownership(outsider_client, assessment, name):
    assert outsider_client.get(url(name, assessment)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("name", REPORT_URLS)
def test_reports_need_a_login(client, assessment, name):
    response = client.get(url(name, assessment))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", REPORT_URLS)
def test_reports_refuse_post(manager_client, assessment, name):
    response = manager_client.post(url(name, assessment))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.parametrize("name", REPORT_URLS)
def test_reports_are_not_cached(manager_client, assessment, name):
    response = manager_client.get(url(name, assessment))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_report_query_count_does_not_grow_with_functions(manager, assessment):
    """Shortlists for every function come from one load of the provider profiles."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    names = [name for name, spec in ARCHETYPES.items() if spec.get("expected")]

    def add(name):
        function = factories.FunctionAssessmentFactory(
            assessment=assessment,
            name=name,
            activity=Activity.objects.filter(slug=ARCHETYPES[name].get("activity")).first(),
        )
        answer_archetype(function, manager, name)

    def count():
        functions = selectors.assessment_functions(assessment, full=True)
        with CaptureQueriesContext(connection) as ctx:
            PDFReport().context(assessment, functions)
        return len(ctx.captured_queries)

    add(names[0])
    few = count()
    for name in names[1:5]:
        add(name)
    assert count() == few
