"""Database triggers that refuse UPDATE and DELETE on the audit tables, so that not
even raw SQL through the application's connection can alter the record."""

from django.db import migrations

from gridgov.core import append_only


def create_triggers(apps, schema_editor):
    append_only.install(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    append_only.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
