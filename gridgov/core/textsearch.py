"""Searches for text inside big text columns (residents' names, case titles) through a
trigram index, on both databases, behind one function: `contains_q`.

A plain `LIKE '%text%'` reads every row of the scope: 240–400 ms for a district of
1.2 million residents. A trigram index finds the rows holding every three-character
piece of the text instead:

- PostgreSQL: a GIN index with `pg_trgm`'s `gin_trgm_ops` on the column, which the
  planner uses for the very `LIKE '%text%'` Django writes; the filter stays as it was.
- SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34+), an index of the
  column alone (`content=` the model's table), kept in step by triggers. Its MATCH gives
  candidate row ids; the usual `contains` filter beside it keeps the result exactly what
  it was (the tokenizer folds case more widely than LIKE does).

A text of one or two characters (a Chinese given name, "三") holds no trigram, so no
trigram index can answer it: it keeps the plain filter, which callers run inside the
user's scope and cut with LIMIT (a search group, a list page). PostgreSQL's planner
then leaves the GIN index alone (it would have to read all of it) and scans the scope.

`trigram_index(table, column)` is the migration operation that builds either index.
On SQLite the triggers belong to the model's table: a later migration that rebuilds that
table drops them, which the index's own tests (a rename found by its new name) catch.
"""

from django.db import connection, migrations
from django.db.models import Q
from django.db.models.expressions import RawSQL

# The shortest text a trigram index can answer.
MIN_LENGTH = 3


def index_name(table: str, column: str) -> str:
    """The GIN index (PostgreSQL) or FTS5 table (SQLite) of `table.column`."""
    return f"{table}_{column}_trgm"


def contains_q(model, column: str, text: str) -> Q:
    """Rows of `model` whose `column` contains `text`, as `Q(column__contains=text)`
    gives them, through the column's trigram index when the text is long enough."""
    match = Q(**{f"{column}__contains": text})
    if connection.vendor != "sqlite" or len(text) < MIN_LENGTH:
        return match
    fts = index_name(model._meta.db_table, column)
    phrase = '"' + text.replace('"', '""') + '"'
    # The table name comes from the model, never from the user; the text is a parameter.
    rowids = RawSQL(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [phrase])  # noqa: S608, S611
    return match & Q(pk__in=rowids)


# The FTS5 table indexes the column alone (`content=` reads the text from the model's
# table); the triggers add a row's text on insert, and on update or delete take out the
# old text first, as an external-content table requires.
_ADD = "INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column})"
_REMOVE = "INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column})"
_SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', "
    "content_rowid='id', tokenize='trigram')",
    "INSERT INTO {fts}(rowid, {column}) SELECT id, {column} FROM {table}",
    "CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN " + _ADD + "; END",
    "CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN " + _REMOVE + "; END",
    "CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN "
    + "; ".join((_REMOVE, _ADD, "END")),
)
_SQLITE_DROP = (
    "DROP TRIGGER {fts}_ai",
    "DROP TRIGGER {fts}_ad",
    "DROP TRIGGER {fts}_au",
    "DROP TABLE {fts}",
)
_POSTGRESQL_CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX {fts} ON {table} USING gin ({column} gin_trgm_ops)",
)
_POSTGRESQL_DROP = ("DROP INDEX {fts}",)


def trigram_index(table: str, column: str) -> migrations.RunPython:
    """The migration operation building the trigram index of `table.column` on
    whichever database it runs (and dropping it when the migration is reversed)."""

    def statements(schema_editor, forwards: bool) -> list[str]:
        sqlite = schema_editor.connection.vendor == "sqlite"
        if forwards:
            templates = _SQLITE_CREATE if sqlite else _POSTGRESQL_CREATE
        else:
            templates = _SQLITE_DROP if sqlite else _POSTGRESQL_DROP
        names = {"fts": index_name(table, column), "table": table, "column": column}
        return [template.format(**names) for template in templates]

    def forwards(apps, schema_editor):
        for sql in statements(schema_editor, True):
            schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        for sql in statements(schema_editor, False):
            schema_editor.execute(sql)

    return migrations.RunPython(forwards, backwards, elidable=False)
