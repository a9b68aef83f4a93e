"""Database upkeep the application does itself, since SQLite has no autovacuum."""

from django.db import connection


def refresh_statistics() -> None:
    """Refresh the query planner's statistics (after bulk loads, and daily)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
