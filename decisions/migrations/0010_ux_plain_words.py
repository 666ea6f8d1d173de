"""Plain words in what managers read (issue 13): the documents' "arbitrage", "the client"
(meaning the manager's own firm), "captive unit" and "the documents draw…" become plain
English in criteria, delivery options, activities, benefits and provider profiles.
fixtures/catalogue.json carries the same wording for new databases.

As in 0008, a row is reworded only while it still reads as shipped (an admin's own wording
is kept), each reworded row gets a history entry with the reason, and reversing restores the
shipped wording the same way. Wording is part of the criteria version, so results computed
before show as computed under older criteria and offer a recompute.
"""

from django.db import migrations
from django.utils import timezone

# (model, slug, field, shipped, plain)
REWORDING = [
    ("DeliveryOption", "onshore", "description",
     "The provider works from the same country as the client.",
     "The provider works from your own country."),
    ("DeliveryOption", "captive-division", "description",
     "A unit owned by the client's own group, set up in another geography to do the work more cheaply; educba describes this shape for KPO.",
     "A unit your own group owns and sets up in another country to do the work more cheaply (a “captive” unit); the sources describe this shape for KPO."),
    ("DeliveryOption", "front-office", "description",
     "Work that deals with the client's customers directly, such as a contact centre.",
     "Work that deals with your customers directly, such as a contact centre."),
    ("Activity", "finance-accounting", "description",
     "Routine finance work such as invoicing, payables, receivables and period-end processing, done to the client's procedures.",
     "Routine finance work such as invoicing, payables, receivables and period-end processing, done to your procedures."),
    ("Activity", "data-analytics", "description",
     "Analysing the client's data to find patterns, build forecasts and support data-driven decisions.",
     "Analysing your firm's data to find patterns, build forecasts and support data-driven decisions."),
    ("Benefit", "cost-savings", "description",
     "Providers run well-tuned processes and keep improving them, so the client spends less on administration, staff and training.",
     "Providers run well-tuned processes and keep improving them, so your firm spends less on administration, staff and training."),
    ("Benefit", "focus-on-core", "description",
     "Handing work to a provider frees the client's own people for the activities the business competes on.",
     "Handing work to a provider frees your own people for the activities the business competes on."),
    ("Benefit", "better-non-core", "description",
     "Specialist providers often run supporting functions better than the client could, because that work is their main business.",
     "Specialist providers often run supporting functions better than your firm could, because that work is their main business."),
    ("Benefit", "scalability", "description",
     "A process provider can take on more or less volume as demand changes, without the client hiring or laying off staff.",
     "A process provider can take on more or less volume as demand changes, without your firm hiring or laying off staff."),
    ("Criterion", "arbitrage", "explanation",
     "The gap an outsourcing deal exploits: doing the same work for less (cost arbitrage) or reaching expertise the client lacks (knowledge arbitrage).",
     "What the deal is for: getting the same work done for less, or reaching expertise your firm lacks."),
    ("Criterion", "arbitrage", "bpo_side",
     "Cost arbitrage: the same work done more cheaply.",
     "Lower cost: the same work done more cheaply."),
    ("Criterion", "arbitrage", "kpo_side",
     "Knowledge arbitrage: access to expertise, with cost as a possible extra.",
     "Expertise: access to specialist knowledge, with lower cost as a possible extra."),
    ("Criterion", "coordination", "name",
     "Coordination with the client",
     "Coordination with your team"),
    ("Criterion", "coordination", "explanation",
     "How much the provider and the client's people would need to work together while the work is done.",
     "How much the provider and your own people would need to work together while the work is done."),
    ("Criterion", "coordination", "kpo_side",
     "High coordination and collaboration with the client's staff.",
     "Close, frequent work with your own staff."),
    ("Criterion", "decision-authority", "explanation",
     "How far whoever runs the function decides on the client's behalf, rather than following a procedure.",
     "How far whoever runs the function decides on your firm's behalf, rather than following a procedure."),
    ("Criterion", "decision-authority", "bpo_side",
     "The provider follows the client's procedure consistently and escalates the rest.",
     "The provider follows your procedure consistently and passes the rest back to you."),
    ("Criterion", "decision-authority", "kpo_side",
     "The provider works with information and takes lower-level decisions for the client.",
     "The provider analyses information and takes lower-level decisions for you."),
    ("Criterion", "delivery-location", "kpo_side",
     "KPO work may be done by an independent firm or by a captive unit of the parent in another geography.",
     "KPO work may be done by an independent firm or by a unit your own group sets up in another country."),
    ("Criterion", "office", "kpo_side",
     "The documents draw the front/back split for BPO; knowledge work is mostly internal.",
     "The front/back office split matters mainly for BPO: knowledge work mostly happens behind the scenes."),
    ("Provider", "example-onshore-contact-centres", "description",
     "Sample profile: a home-country contact-centre firm answering customers by phone, chat and e-mail in the client's name, run to service levels.",
     "Sample profile: a home-country contact-centre firm answering customers by phone, chat and e-mail in your name, run to service levels."),
    ("Provider", "example-captive-knowledge-centre", "description",
     "Sample profile: the captive research and analytics division of a multinational group, set up abroad to serve the group's own businesses at lower cost; what a firm builds when it sets up its own KPO unit.",
     "Sample profile: the research and analytics unit a multinational group owns abroad to serve its own businesses at lower cost; what a firm builds when it sets up its own KPO unit."),
    ("Provider", "example-nearshore-analytics", "description",
     "Sample profile: a small data-analytics and market-research team in a neighbouring country, working in the client's time zone.",
     "Sample profile: a small data-analytics and market-research team in a neighbouring country, working in your time zone."),
]  # fmt: skip

HISTORY_REASON = "Plain words for managers (issue 13)"
RESTORED_REASON = "Shipped wording restored (migration reversed)"


def _record_history(apps, row, reason):
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
    for model, slug, field, shipped, plain in REWORDING:
        old, new = (shipped, plain) if forward else (plain, shipped)
        rows = apps.get_model("decisions", model).objects.filter(slug=slug, **{field: old})
        for row in rows:
            setattr(row, field, new)
            row.save(update_fields=[field])
            _record_history(apps, row, HISTORY_REASON if forward else RESTORED_REASON)


def reword(apps, schema_editor):
    _reword(apps, forward=True)


def restore(apps, schema_editor):
    _reword(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0009_ux_completed_status")]

    operations = [migrations.RunPython(reword, restore)]
