"""Step 2 of 3: copy the old office, structure and profile-answer strings into references.

The old encodings matched by string: an activity's office "front"/"back", a
provider's offices "front"/"back"/"both" and structure "independent"/"captive",
and a profile answer option whose code equalled a delivery option's slug. The
strings are spelled out here, not imported: a migration records what the
database held when it was written.
"""

from django.db import migrations

OFFICE_SLUGS = {"front": "front-office", "back": "back-office"}
OFFICES_SERVED = {
    "front": ["front-office"],
    "back": ["back-office"],
    "both": ["front-office", "back-office"],
}
STRUCTURE_SLUGS = {"independent": "independent-firm", "captive": "captive-division"}
PROFILE_KINDS = {"delivery-location": "location", "office": "office"}


def forwards(apps, schema_editor):
    DeliveryOption = apps.get_model("decisions", "DeliveryOption")
    by_slug = {option.slug: option for option in DeliveryOption.objects.all()}

    def option(slug):
        return by_slug.get(slug)

    for model_name in ("Activity", "HistoricalActivity"):
        model = apps.get_model("decisions", model_name)
        for code, slug in OFFICE_SLUGS.items():
            model.objects.filter(office_code=code).update(office=option(slug))
    for model_name in ("Provider", "HistoricalProvider"):
        model = apps.get_model("decisions", model_name)
        for code, slug in STRUCTURE_SLUGS.items():
            model.objects.filter(structure_code=code).update(structure=option(slug))
    Provider = apps.get_model("decisions", "Provider")
    for provider in Provider.objects.all():
        offices = [option(slug) for slug in OFFICES_SERVED.get(provider.offices_code, [])]
        provider.offices.set([office for office in offices if office is not None])
    # Profile answers: a location option's code is its delivery option's slug; an office
    # option's code is the office's old value ("front" -> "front-office").
    AnswerOption = apps.get_model("decisions", "AnswerOption")
    for criterion_slug, kind in PROFILE_KINDS.items():
        options = AnswerOption.objects.filter(question__criterion__slug=criterion_slug)
        for answer_option in options:
            code = answer_option.code
            target = option(OFFICE_SLUGS.get(code, "") if kind == "office" else code)
            if target is not None and target.kind == kind:
                answer_option.delivery_option = target
                answer_option.save(update_fields=["delivery_option"])


def backwards(apps, schema_editor):
    slug_to_office = {slug: code for code, slug in OFFICE_SLUGS.items()}
    slug_to_structure = {slug: code for code, slug in STRUCTURE_SLUGS.items()}
    for model_name in ("Activity", "HistoricalActivity"):
        model = apps.get_model("decisions", model_name)
        for row in model.objects.exclude(office=None).select_related("office"):
            row.office_code = slug_to_office.get(row.office.slug, "n/a")
            row.save(update_fields=["office_code"])
    for model_name in ("Provider", "HistoricalProvider"):
        model = apps.get_model("decisions", model_name)
        for row in model.objects.exclude(structure=None).select_related("structure"):
            row.structure_code = slug_to_structure.get(row.structure.slug, "independent")
            row.save(update_fields=["structure_code"])
    Provider = apps.get_model("decisions", "Provider")
    for provider in Provider.objects.prefetch_related("offices"):
        served = {slug_to_office.get(office.slug) for office in provider.offices.all()}
        provider.offices_code = served.pop() if len(served) == 1 else "both"
        provider.save(update_fields=["offices_code"])


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0003_catalogue_delivery_refs"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
