"""Seed the capacity-level table from queues.load.DEFAULT_RULES (editable in the admin)."""

from django.db import migrations


def seed(apps, schema_editor):
    from queues.load import DEFAULT_RULES

    LevelThreshold = apps.get_model("queues", "LevelThreshold")
    for rule in DEFAULT_RULES:
        LevelThreshold.objects.update_or_create(
            level=rule.level,
            defaults={
                "name": rule.name,
                "staffing_at_or_below": rule.staffing_at_or_below,
                "load_above": rule.load_above,
                "contingency": rule.contingency,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("queues", "0001_staffing_load_notices")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
