from django.urls import path

from decisions.views import (
    assessments,
    business,
    editing,
    guide,
    pages,
    questionnaire,
    reports,
    results,
)

app_name = "decisions"

urlpatterns = [
    path("", pages.home, name="home"),
    path("guide/", guide.guide, name="guide"),
    path("dashboard/", assessments.dashboard, name="dashboard"),
    path("assessments/new/", assessments.assessment_create, name="assessment-create"),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/edit/", editing.assessment_edit, name="assessment-edit"),
    path("assessments/<int:pk>/delete/", editing.assessment_delete, name="assessment-delete"),
    path(
        "assessments/<int:pk>/recompute/",
        editing.assessment_recompute,
        name="assessment-recompute",
    ),
    path("assessments/<int:pk>/functions/add/", editing.functions_add, name="functions-add"),
    path(
        "assessments/<int:pk>/functions/import/",
        editing.functions_import,
        name="functions-import",
    ),
    path("functions/<int:pk>/remove/", editing.function_remove, name="function-remove"),
    path("functions/<int:pk>/", questionnaire.function_start, name="function-start"),
    path(
        "functions/<int:pk>/steps/<int:step>/",
        questionnaire.function_step,
        name="function-step",
    ),
    path("functions/<int:pk>/review/", questionnaire.function_review, name="function-review"),
    path("functions/<int:pk>/result/", results.function_result, name="function-result"),
    path("functions/<int:pk>/recompute/", results.function_recompute, name="function-recompute"),
    path(
        "functions/<int:pk>/business-case/",
        business.function_business_case,
        name="function-business-case",
    ),
    path(
        "functions/<int:pk>/business-case/delete/",
        business.function_business_case_delete,
        name="function-business-case-delete",
    ),
    path(
        "functions/<int:pk>/business-case/prices/<slug:model>/",
        business.function_price,
        name="function-price",
    ),
    path(
        "functions/<int:pk>/business-case/prices/<slug:model>/delete/",
        business.function_price_delete,
        name="function-price-delete",
    ),
    path("functions/<int:pk>/risks/", business.function_risks, name="function-risks"),
    path(
        "organizations/<int:pk>/settings/",
        business.organization_settings,
        name="organization-settings",
    ),
    path("assessments/<int:pk>/report.pdf", reports.assessment_report, name="assessment-report"),
    path(
        "assessments/<int:pk>/export.csv",
        reports.assessment_export_csv,
        name="assessment-export-csv",
    ),
    path(
        "assessments/<int:pk>/export.json",
        reports.assessment_export_json,
        name="assessment-export-json",
    ),
]
