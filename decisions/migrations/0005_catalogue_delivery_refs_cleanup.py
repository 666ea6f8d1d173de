"""Step 3 of 3: drop the old office and structure strings."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0004_catalogue_delivery_refs_data"),
    ]

    operations = [
        migrations.RemoveField("activity", "office_code"),
        migrations.RemoveField("historicalactivity", "office_code"),
        migrations.RemoveField("provider", "offices_code"),
        migrations.RemoveField("provider", "structure_code"),
        migrations.RemoveField("historicalprovider", "structure_code"),
    ]
