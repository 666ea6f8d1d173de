"""Existing members become members; each organisation's first member becomes its owner."""

from django.db import migrations


def first_member_owns(apps, schema_editor):
    Membership = apps.get_model("decisions", "Membership")
    seen = set()
    owners = []
    for membership in Membership.objects.order_by("organization_id", "joined_at", "pk"):
        if membership.organization_id not in seen:
            seen.add(membership.organization_id)
            owners.append(membership.pk)
    Membership.objects.filter(pk__in=owners).update(role="owner")


def everyone_member(apps, schema_editor):
    apps.get_model("decisions", "Membership").objects.update(role="member")


class Migration(migrations.Migration):
    dependencies = [("decisions", "0014_approval_roles_versions_renders")]

    operations = [migrations.RunPython(first_member_owns, everyone_member)]
