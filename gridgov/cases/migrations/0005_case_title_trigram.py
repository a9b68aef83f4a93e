from django.db import migrations

from gridgov.core.textsearch import trigram_index


class Migration(migrations.Migration):
    """A trigram index on case titles, for the case list's search by words of the title."""

    dependencies = [
        ("cases", "0004_case_verifier"),
    ]

    operations = [
        trigram_index("cases_case", "title"),
    ]
