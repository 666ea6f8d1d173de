"""Today's answers become the answers of one respondent per function.

Stage one kept one shared set of answers per function (the last writer won). That set
becomes the answers of the person who saved the most recent answer (``answered_by``), else
the assessment's owner, so every existing function is a one-respondent function whose
result is exactly what it was. A function with a recommendation counts as submitted.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Answer = apps.get_model("decisions", "Answer")
    FunctionAssessment = apps.get_model("decisions", "FunctionAssessment")
    Respondent = apps.get_model("decisions", "Respondent")
    functions = FunctionAssessment.objects.filter(answers__isnull=False).distinct()
    for function in functions.select_related("assessment").iterator():
        latest = (
            Answer.objects.filter(function=function, answered_by__isnull=False)
            .order_by("-updated_at", "-pk")
            .values_list("answered_by_id", flat=True)
            .first()
        )
        user_id = latest if latest is not None else function.assessment.owner_id
        respondent = Respondent.objects.create(
            function=function,
            user_id=user_id,
            submitted_at=function.computed_at if function.status == "recommended" else None,
        )
        Answer.objects.filter(function=function).update(respondent=respondent)


def backwards(apps, schema_editor):
    Answer = apps.get_model("decisions", "Answer")
    Respondent = apps.get_model("decisions", "Respondent")
    Answer.objects.update(respondent=None)
    Respondent.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("decisions", "0011_group_respondents")]

    operations = [migrations.RunPython(forwards, backwards)]
