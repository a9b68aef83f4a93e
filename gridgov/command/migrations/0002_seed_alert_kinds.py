from django.db import migrations

from gridgov.command.seed import seed_alert_kinds


def seed(apps, schema_editor):
    seed_alert_kinds(apps.get_model("command", "AlertKind"))


class Migration(migrations.Migration):
    dependencies = [("command", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
