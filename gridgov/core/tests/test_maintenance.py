"""The daily upkeep: statistics on both databases; on PostgreSQL, outside a
transaction, a VACUUM as well, so that updated rows do not pile up where autovacuum
is off; inside a transaction (where VACUUM cannot run) the statistics alone."""

import pytest
from django.db import connection, transaction

from gridgov.core.maintenance import refresh_statistics


def _last_vacuum():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'hall_ticket'")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_tables_are_vacuumed_on_postgresql():
    before = _last_vacuum() if connection.vendor == "postgresql" else None

    refresh_statistics()

    if connection.vendor == "postgresql":
        after = _last_vacuum()
        assert after is not None and (before is None or after > before)


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_only_the_statistics_are_refreshed():
    before = _last_vacuum() if connection.vendor == "postgresql" else None

    with transaction.atomic():
        refresh_statistics()  # no "VACUUM cannot run inside a transaction block"

    if connection.vendor == "postgresql":
        assert _last_vacuum() == before
