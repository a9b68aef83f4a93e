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

A text of two characters (a given name, "井盖") holds no trigram, yet it is what people
type most: it goes through a second index of the column's two-character pieces
(`bigram_index`):

- PostgreSQL: a GIN index on `gridgov_bigrams(column)`, the array of the text's
  distinct two-character pieces, asked with `@> ARRAY[text]`.
- SQLite: a contentless FTS5 table (unicode61 tokenizer) whose row holds the pieces
  separated by spaces, each a token, written by triggers with `substr`.

Only a two-character text of letters or digits goes there (a tokenizer splits at
punctuation); a single character, or a pair holding a space or a sign, keeps the plain
filter, which callers run inside the user's scope and cut with LIMIT.

`trigram_index(table, column)` and `bigram_index(table, column, max_length)` are the
migration operations that build the indexes on either database.
On SQLite the triggers belong to the model's table: a later migration that rebuilds that
table drops them, which the index's own tests (a rename found by its new name) catch.
"""

from django.db import connection, migrations
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

# The shortest text a trigram index can answer.
MIN_LENGTH = 3


def index_name(table: str, column: str) -> str:
    """The GIN index (PostgreSQL) or FTS5 table (SQLite) of `table.column`."""
    return f"{table}_{column}_trgm"


def bigram_index_name(table: str, column: str) -> str:
    """The GIN index (PostgreSQL) or FTS5 table (SQLite) of `table.column`'s pieces."""
    return f"{table}_{column}_bigram"


def contains_q(model, column: str, text: str) -> Q:
    """Rows of `model` whose `column` contains `text`, as `Q(column__contains=text)`
    gives them, through the column's trigram or bigram index when the text allows."""
    match = Q(**{f"{column}__contains": text})
    table = model._meta.db_table
    # Table and column names come from the model, never from the user; the text is a
    # parameter of every statement below.
    if len(text) == 2 and text.isalnum():
        if connection.vendor != "sqlite":
            pieces = f'gridgov_bigrams("{table}"."{column}") @> ARRAY[%s]::text[]'
            return match & Q(RawSQL(pieces, [text], output_field=BooleanField()))  # noqa: S611
        fts = bigram_index_name(table, column)
    elif len(text) >= MIN_LENGTH and connection.vendor == "sqlite":
        fts = index_name(table, column)
    else:
        return match
    rowids = RawSQL(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [_phrase(text)])  # noqa: S608, S611
    return match & Q(pk__in=rowids)


def _phrase(text: str) -> str:
    """`text` as one FTS5 phrase: quoted, its quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


# The FTS5 table indexes the column alone (`content=` reads the text from the model's
# table); the triggers add a row's text on insert, and on update or delete take out the
# old text first, as an external-content table requires.
_ADD = "INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column})"
_REMOVE = "INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column})"
_TRIGGERS = (
    "CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {add}; END",
    "CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {remove}; END",
    "CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN {remove}; {add}; END",
)
_SQLITE_DROP = (
    "DROP TRIGGER {fts}_ai",
    "DROP TRIGGER {fts}_ad",
    "DROP TRIGGER {fts}_au",
    "DROP TABLE {fts}",
)
_TRIGRAM = {
    "sqlite": (
        "CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', "
        "content_rowid='id', tokenize='trigram')",
        "INSERT INTO {fts}(rowid, {column}) SELECT id, {column} FROM {table}",
        *_TRIGGERS,
    ),
    "postgresql": (
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE INDEX {fts} ON {table} USING gin ({column} gin_trgm_ops)",
    ),
}
# Two-character pieces. PostgreSQL computes them in a function an index can hold (so it
# must be IMMUTABLE). SQLite's contentless FTS5 row holds them as space-separated
# tokens, written with one `substr` per position up to the column's max_length (a
# trailing single character is a token no query matches); taking a row out needs the
# text it was indexed with, computed the same way from the old value.
_BIGRAM = {
    "sqlite": (
        "CREATE VIRTUAL TABLE {fts} USING fts5(pieces, content='', tokenize='unicode61')",
        "INSERT INTO {fts}(rowid, pieces) SELECT id, {pieces} FROM {table}",
        *_TRIGGERS,
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION gridgov_bigrams(text) RETURNS text[] "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
        "$$ SELECT ARRAY(SELECT DISTINCT substr($1, i, 2) "
        "FROM generate_series(1, char_length($1) - 1) AS i) $$",
        "CREATE INDEX {fts} ON {table} USING gin (gridgov_bigrams({column}))",
    ),
}
_POSTGRESQL_DROP = ("DROP INDEX {fts}",)


def _pieces(value: str, max_length: int) -> str:
    """SQLite's expression of the space-separated two-character pieces of `value`."""
    return " || ' ' || ".join(f"substr({value}, {i}, 2)" for i in range(1, max_length))


def _index_operation(create: dict, names: dict) -> migrations.RunPython:
    """A migration operation running `create`'s statements for the database at hand
    (and dropping the index when the migration is reversed)."""

    def run(schema_editor, forwards: bool):
        vendor = schema_editor.connection.vendor
        if forwards:
            templates = create[vendor]
        else:
            templates = _SQLITE_DROP if vendor == "sqlite" else _POSTGRESQL_DROP
        for template in templates:
            schema_editor.execute(template.format(**names))

    return migrations.RunPython(
        lambda apps, schema_editor: run(schema_editor, True),
        lambda apps, schema_editor: run(schema_editor, False),
        elidable=False,
    )


def trigram_index(table: str, column: str) -> migrations.RunPython:
    """The migration operation building the trigram index of `table.column`."""
    names = {"fts": index_name(table, column), "table": table, "column": column}
    names["add"], names["remove"] = _ADD.format(**names), _REMOVE.format(**names)
    return _index_operation(_TRIGRAM, names)


def bigram_index(table: str, column: str, max_length: int) -> migrations.RunPython:
    """The migration operation building the index of `table.column`'s two-character
    pieces (`max_length` is the column's)."""
    fts = bigram_index_name(table, column)
    names = {"fts": fts, "table": table, "column": column}
    names["pieces"] = _pieces(column, max_length)
    new, old = _pieces(f"new.{column}", max_length), _pieces(f"old.{column}", max_length)
    names["add"] = f"INSERT INTO {fts}(rowid, pieces) VALUES (new.id, {new})"  # noqa: S608
    names["remove"] = f"INSERT INTO {fts}({fts}, rowid, pieces) VALUES ('delete', old.id, {old})"  # noqa: S608
    return _index_operation(_BIGRAM, names)
