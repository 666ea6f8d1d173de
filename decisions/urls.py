from django.urls import path

from decisions.views import assessments, pages, questionnaire, results

app_name = "decisions"

urlpatterns = [
    path("", pages.home, name="home"),
    path("dashboard/", assessments.dashboard, name="dashboard"),
    path("assessments/new/", assessments.assessment_create, name="assessment-create"),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment-detail"),
    path("functions/<int:pk>/", questionnaire.function_start, name="function-start"),
    path(
        "functions/<int:pk>/steps/<int:step>/",
        questionnaire.function_step,
        name="function-step",
    ),
    path("functions/<int:pk>/review/", questionnaire.function_review, name="function-review"),
    path("functions/<int:pk>/result/", results.function_result, name="function-result"),
    path(
        "functions/<int:pk>/recompute/", results.function_recompute, name="function-recompute"
    ),
]
