"""The database triggers that make the audit tables append-only.

Used by the migration that installs them, and by transactional tests, which must lift
them for a moment to empty the test database between tests. TRUNCATE is left to the
database's privileges: the application's role should not own the tables in production.
"""

TABLES = ("core_auditentry", "core_accesslog")

_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t} "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS {t}_no_delete BEFORE DELETE ON {t} "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
]
_POSTGRES_FUNCTION = (
    "CREATE OR REPLACE FUNCTION gridgov_refuse_change() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit records are append-only'; END; $$ LANGUAGE plpgsql"
)
_POSTGRES = [
    "CREATE OR REPLACE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
    "FOR EACH ROW EXECUTE FUNCTION gridgov_refuse_change()",
]
_DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS {t}_no_update", "DROP TRIGGER IF EXISTS {t}_no_delete"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS {t}_append_only ON {t}",
    ],
}


def install(connection) -> None:
    vendor = connection.vendor
    statements = {"sqlite": _SQLITE, "postgresql": _POSTGRES}.get(vendor, [])
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(_POSTGRES_FUNCTION)
        for table in TABLES:
            for statement in statements:
                cursor.execute(statement.format(t=table))


def remove(connection) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            for statement in _DROP.get(connection.vendor, []):
                cursor.execute(statement.format(t=table))
