"""An assessment is "Completed" only once every function has a final decision recorded
(issue 13): assessments marked completed on recommendations alone go back to in progress."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def forwards(apps, schema_editor):
    Assessment = apps.get_model("decisions", "Assessment")
    FunctionAssessment = apps.get_model("decisions", "FunctionAssessment")
    undecided = FunctionAssessment.objects.filter(
        assessment_id=OuterRef("pk"), final_model__isnull=True
    )
    Assessment.objects.filter(status="completed").filter(Exists(undecided)).update(
        status="in-progress"
    )


def backwards(apps, schema_editor):
    Assessment = apps.get_model("decisions", "Assessment")
    FunctionAssessment = apps.get_model("decisions", "FunctionAssessment")
    pending = FunctionAssessment.objects.filter(assessment_id=OuterRef("pk")).exclude(
        status="recommended"
    )
    Assessment.objects.filter(status="in-progress").exclude(Exists(pending)).update(
        status="completed"
    )


class Migration(migrations.Migration):
    dependencies = [("decisions", "0008_admin_question_wording")]
    operations = [migrations.RunPython(forwards, backwards)]
