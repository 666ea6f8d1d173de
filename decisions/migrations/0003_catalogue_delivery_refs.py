"""Delivery location, office and provider structure become references to DeliveryOption rows.

Step 1 of 3: the old string columns are kept under a ``*_code`` name while the
new foreign keys are added; ``0004_catalogue_delivery_refs_data`` copies the
values across and ``0005_catalogue_delivery_refs_cleanup`` drops the old
columns. Three migrations, so PostgreSQL never alters a table in the
transaction that updated its rows.
"""

import django.db.models.deletion
from django.db import migrations, models

DELIVERY_OPTION = "decisions.deliveryoption"
OFFICE_HELP = "Front or back office; empty when the split does not apply."
DELIVERY_HELP = (
    "Profile questions only: the delivery location or office this answer asks of a provider. "
    "Empty for answers such as 'No preference'."
)


def historical_fk(**kwargs):
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to=DELIVERY_OPTION,
        **kwargs,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0002_catalogue_version_and_records"),
    ]

    operations = [
        # The old values, kept until the data migration has read them.
        migrations.RenameField("activity", "office", "office_code"),
        migrations.RenameField("historicalactivity", "office", "office_code"),
        migrations.RenameField("provider", "offices", "offices_code"),
        migrations.RenameField("provider", "structure", "structure_code"),
        migrations.RenameField("historicalprovider", "structure", "structure_code"),
        migrations.RemoveField("historicalprovider", "offices"),  # many-to-many: no history
        # Delivery kinds listed in the order the guide shows them.
        migrations.AlterField(
            model_name="deliveryoption",
            name="kind",
            field=models.CharField(
                choices=[
                    ("location", "Delivery location"),
                    ("office", "Office"),
                    ("structure", "Provider structure"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeliveryoption",
            name="kind",
            field=models.CharField(
                choices=[
                    ("location", "Delivery location"),
                    ("office", "Office"),
                    ("structure", "Provider structure"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="answeroption",
            name="code",
            field=models.SlugField(
                help_text="Stable short code, e.g. 'offshore'; exports and reports show it.",
                max_length=40,
                verbose_name="code",
            ),
        ),
        migrations.AlterField(
            model_name="historicalansweroption",
            name="code",
            field=models.SlugField(
                help_text="Stable short code, e.g. 'offshore'; exports and reports show it.",
                max_length=40,
                verbose_name="code",
            ),
        ),
        # The references.
        migrations.AddField(
            model_name="answeroption",
            name="delivery_option",
            field=models.ForeignKey(
                blank=True,
                help_text=DELIVERY_HELP,
                limit_choices_to={"kind__in": ["location", "office"]},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="answer_options",
                to=DELIVERY_OPTION,
                verbose_name="delivery option",
            ),
        ),
        migrations.AddField(
            model_name="historicalansweroption",
            name="delivery_option",
            field=historical_fk(
                help_text=DELIVERY_HELP,
                limit_choices_to={"kind__in": ["location", "office"]},
                verbose_name="delivery option",
            ),
        ),
        migrations.AddField(
            model_name="activity",
            name="office",
            field=models.ForeignKey(
                blank=True,
                help_text=OFFICE_HELP,
                limit_choices_to={"kind": "office"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="activities",
                to=DELIVERY_OPTION,
                verbose_name="office",
            ),
        ),
        migrations.AddField(
            model_name="historicalactivity",
            name="office",
            field=historical_fk(
                help_text=OFFICE_HELP, limit_choices_to={"kind": "office"}, verbose_name="office"
            ),
        ),
        migrations.AddField(
            model_name="provider",
            name="offices",
            field=models.ManyToManyField(
                blank=True,
                help_text="Front office, back office or both.",
                limit_choices_to={"kind": "office"},
                related_name="office_providers",
                to=DELIVERY_OPTION,
                verbose_name="offices served",
            ),
        ),
        migrations.AddField(
            model_name="provider",
            name="structure",
            field=models.ForeignKey(
                blank=True,
                limit_choices_to={"kind": "structure"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="structure_providers",
                to=DELIVERY_OPTION,
                verbose_name="structure",
            ),
        ),
        migrations.AddField(
            model_name="historicalprovider",
            name="structure",
            field=historical_fk(limit_choices_to={"kind": "structure"}, verbose_name="structure"),
        ),
    ]
