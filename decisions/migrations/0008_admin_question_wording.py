"""Reword four questions managers found hard to answer honestly (issue 13).

Complexity no longer assumes work repeated many times a day (monthly work such
as payroll fits); expertise no longer lists finance, which routine accounting
teams picked; skill asks for the qualification the work needs, not the one
staff hold; decision authority asks which decisions a provider could take, not
which decisions the function takes. fixtures/catalogue.json carries the same
wording for new databases. Each reworded row gets a history entry with the reason.

A row is reworded only while it still reads as shipped, so wording an admin
changed is kept; reversing restores the shipped wording the same way. Stored
results computed before keep their snapshot and show as computed under older
criteria, as after any wording change in the admin.
"""

from django.db import migrations
from django.utils import timezone

# (model, criterion slug, option code or None for the question, field, shipped, reworded)
REWORDING = [
    (
        "question",
        "complexity",
        None,
        "help_text",
        "Picture an ordinary week: is it mostly the same steps repeated, or analysing information and solving problems?",
        "Picture an ordinary cycle of the work, whether it comes round daily or once a month: is it mostly the same steps repeated, or analysing information and solving problems?",
    ),
    (
        "answeroption",
        "complexity",
        "repetitive",
        "label",
        "Simple, standard steps repeated many times a day",
        "Simple, standard steps, the same each time the work comes round",
    ),
    (
        "answeroption",
        "complexity",
        "repetitive",
        "explanation",
        "Volume is the challenge, not difficulty.",
        "Many times a day or once a month, like a payroll run: volume and deadlines are the challenge, not difficulty.",
    ),
    (
        "answeroption",
        "expertise",
        "experienced-practitioner",
        "label",
        "Solid experience with this kind of process",
        "Solid experience with this kind of process, as in a seasoned accounts or payroll team",
    ),
    (
        "answeroption",
        "expertise",
        "domain-expert",
        "label",
        "Deep specialist expertise: finance, law, medicine or data science",
        "A profession's expert judgment, such as a lawyer's advice, an actuary's models or a data scientist's analysis",
    ),
    (
        "answeroption",
        "expertise",
        "domain-expert",
        "explanation",
        "It takes a professional in the domain.",
        "Only someone qualified in the field could do it. Routine accounting or payroll is a process, however financial.",
    ),
    (
        "question",
        "skill-level",
        None,
        "help_text",
        "Think of the job advert you would write for it.",
        "Think of the job advert you would write for the work itself, not of who does it today: qualified people doing routine work are doing trained staff's work.",
    ),
    (
        "answeroption",
        "skill-level",
        "qualified-professionals",
        "label",
        "Highly qualified professionals: analysts, lawyers, engineers, doctors",
        "Highly qualified professionals the work itself needs: analysts, lawyers, engineers, doctors",
    ),
    (
        "answeroption",
        "skill-level",
        "qualified-professionals",
        "explanation",
        "Degree-level specialists with advanced skills.",
        "Degree-level specialists who use their advanced skills in this work, not only hold them.",
    ),
    (
        "question",
        "decision-authority",
        None,
        "text",
        "What decisions would whoever runs this function take on your behalf?",
        "If an outside provider did this work, which decisions could you let them take for you?",
    ),
    (
        "question",
        "decision-authority",
        None,
        "help_text",
        "Think of who signs off the outcome, and how much of it is decided along the way.",
        "Not the decisions this function takes for the firm, but the ones you could hand to whoever does the work: what could they settle without asking you?",
    ),
    (
        "answeroption",
        "decision-authority",
        "follow-procedure",
        "label",
        "None: they follow our procedure and escalate anything unusual",
        "None: they would follow our procedure and pass anything unusual back to us",
    ),
    (
        "answeroption",
        "decision-authority",
        "low-level-decisions",
        "label",
        "Professional judgments on our behalf, based on their own analysis",
        "Professional judgments based on their own analysis, while we decide what matters most",
    ),
    (
        "answeroption",
        "decision-authority",
        "low-level-decisions",
        "explanation",
        "Lower-level decisions, with us deciding what matters most.",
        "They weigh the evidence and settle the lower-level questions for us.",
    ),
    (
        "answeroption",
        "decision-authority",
        "strategic-own",
        "label",
        "Strategic decisions that we must own ourselves",
        "None we could hand over: the decisions in this work are strategic and ours to take",
    ),
]


def _rows(apps, model, slug, code):
    if model == "question":
        return apps.get_model("decisions", "Question").objects.filter(criterion__slug=slug)
    return apps.get_model("decisions", "AnswerOption").objects.filter(
        question__criterion__slug=slug, code=code
    )


HISTORY_REASON = "Reworded so managers find an honest answer (issue 13)"
RESTORED_REASON = "Shipped wording restored (migration reversed)"


def _record_history(apps, row, reason):
    """A history entry like the admin's, so the criterion's history tells the change."""
    model = type(row)
    historical = apps.get_model("decisions", f"Historical{model.__name__}")
    values = {field.attname: getattr(row, field.attname) for field in model._meta.concrete_fields}
    historical.objects.create(
        **values,
        history_date=timezone.now(),
        history_type="~",
        history_change_reason=reason,
    )


def _reword(apps, *, forward):
    for model, slug, code, field, shipped, reworded in REWORDING:
        old, new = (shipped, reworded) if forward else (reworded, shipped)
        for row in _rows(apps, model, slug, code).filter(**{field: old}):
            setattr(row, field, new)
            row.save(update_fields=[field])
            _record_history(apps, row, HISTORY_REASON if forward else RESTORED_REASON)


def reword(apps, schema_editor):
    _reword(apps, forward=True)


def restore(apps, schema_editor):
    _reword(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0007_business_case")]

    operations = [migrations.RunPython(reword, restore)]
