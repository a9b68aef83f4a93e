"""Database upkeep the application does itself: SQLite has no autovacuum, and a
PostgreSQL server may be run without it."""

from django.db import connection


def refresh_statistics() -> None:
    """Refresh the query planner's statistics (after bulk loads, and daily). On
    PostgreSQL, outside a transaction, also reclaim the dead row versions that
    updates leave behind: without autovacuum every index scan steps over them, and
    a hall's tickets are updated three times each (called, serving, done)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")
