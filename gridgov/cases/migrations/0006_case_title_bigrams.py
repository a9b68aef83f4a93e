from django.db import migrations

from gridgov.core.textsearch import bigram_index


class Migration(migrations.Migration):
    """An index of the two-character pieces of case titles, for searches by a word of
    two characters ("井盖"), which holds no trigram."""

    dependencies = [
        ("cases", "0005_case_title_trigram"),
    ]

    operations = [
        bigram_index("cases_case", "title", 100),
    ]
