from django.db import migrations

from gridgov.core.textsearch import bigram_index


class Migration(migrations.Migration):
    """An index of the two-character pieces of residents' names, for searches by a
    given name ("明华"), which holds no trigram."""

    dependencies = [
        ("people", "0003_resident_name_trigram"),
    ]

    operations = [
        bigram_index("people_resident", "name", 50),
    ]
