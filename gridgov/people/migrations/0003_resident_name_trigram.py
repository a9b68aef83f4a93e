from django.db import migrations

from gridgov.core.textsearch import trigram_index


class Migration(migrations.Migration):
    """A trigram index on residents' names, for searches by a part of a name."""

    dependencies = [
        ("people", "0002_resident_id_index"),
    ]

    operations = [
        trigram_index("people_resident", "name"),
    ]
