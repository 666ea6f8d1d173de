"""The catalogue version (a token every catalogue write replaces, by trigger) and the
stored results upgraded to the typed records of ``decisions.records`` (schema 2).

The triggers installed here are installed again after every ``migrate`` by
``decisions.apps`` (SQLite loses a table's triggers when it rebuilds the table
to alter it), so later migrations need not remember them."""

import secrets

from django.db import migrations, models

from decisions.catalogue_version import install_triggers, remove_triggers

# The catalogue's models at this migration; their many-to-many tables are found from them.
CATALOGUE_MODELS = (
    "Source",
    "SourcingModel",
    "DeliveryOption",
    "Activity",
    "Industry",
    "Benefit",
    "Disagreement",
    "Reading",
    "Criterion",
    "Question",
    "AnswerOption",
    "OptionScore",
    "Provider",
)


def catalogue_tables(apps):
    tables = []
    for name in CATALOGUE_MODELS:
        model = apps.get_model("decisions", name)
        tables.append(model._meta.db_table)
        tables.extend(
            field.remote_field.through._meta.db_table
            for field in model._meta.local_many_to_many
        )
    return tables


def add_triggers(apps, schema_editor):
    version = apps.get_model("decisions", "CatalogueVersion")
    version.objects.update_or_create(pk=1, defaults={"token": secrets.token_hex(16)})
    install_triggers(schema_editor, catalogue_tables(apps))


def drop_triggers(apps, schema_editor):
    remove_triggers(schema_editor, catalogue_tables(apps))


# Stage one stored plain dicts without a schema; schema 2 drops what is derived
# (scores, winner and profile come from the engine's output and the answers).
def _result_v2(result):
    return {
        "schema": 2,
        "engine": result["engine"],
        "recommended": result["recommended"],
        "answers": result["answers"],
    }


def _result_v1(result):
    engine = result["engine"]
    return {
        "engine": engine,
        "scores": {entry["model"]: entry["score"] for entry in engine["ranking"]},
        "winner": engine["winner"],
        "recommended": result["recommended"],
        "profile": {
            answer["criterion"]: answer["option_code"]
            for answer in result["answers"]
            if answer["kind"] != "scored"
        },
        "answers": result["answers"],
    }


def _snapshot_v2(snapshot):
    return {**snapshot, "schema": 2} if snapshot else snapshot


def _snapshot_v1(snapshot):
    if not snapshot:
        return snapshot
    return {key: value for key, value in snapshot.items() if key != "schema"}


def _previous(previous, snapshot_shape):
    if not previous:
        return previous
    upgraded = {key: value for key, value in previous.items() if key != "schema"}
    upgraded["snapshot"] = snapshot_shape(previous.get("snapshot"))
    return upgraded


def _convert(apps, to_v2):
    function_model = apps.get_model("decisions", "FunctionAssessment")
    rows = function_model.objects.filter(result__isnull=False).only("result", "snapshot", "previous")
    for function in rows.iterator(chunk_size=500):
        if (function.result.get("schema") == 2) == to_v2:
            continue
        if to_v2:
            function.result = _result_v2(function.result)
            function.snapshot = _snapshot_v2(function.snapshot)
            function.previous = _previous(function.previous, _snapshot_v2)
            if function.previous:
                function.previous["schema"] = 2
        else:
            function.result = _result_v1(function.result)
            function.snapshot = _snapshot_v1(function.snapshot)
            function.previous = _previous(function.previous, _snapshot_v1)
        function.save(update_fields=["result", "snapshot", "previous"])


def upgrade_results(apps, schema_editor):
    _convert(apps, to_v2=True)


def downgrade_results(apps, schema_editor):
    _convert(apps, to_v2=False)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=64)),
                ("changed_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={"verbose_name": "catalogue version"},
        ),
        migrations.RunPython(add_triggers, drop_triggers),
        migrations.RunPython(upgrade_results, downgrade_results),
    ]
