"""The full-text index of the catalogue (see auzolan/catalog/search.py), one structure per database vendor.

SQLite: an FTS5 table (rowid = dataset id). PostgreSQL: the unaccent extension, an immutable wrapper of it
(usable in an index), a table of tsvector documents and its GIN index. Fill it with `manage.py reindex_catalog`.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalog_search USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS catalog_search"]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE OR REPLACE FUNCTION auzolan_unaccent(text) RETURNS text AS "
    "$$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$ "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT",
    "CREATE TABLE IF NOT EXISTS catalog_search (dataset_id integer PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS catalog_search_document ON catalog_search USING GIN (document)",
]
POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS catalog_search",
    "DROP FUNCTION IF EXISTS auzolan_unaccent(text)",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
            elidable=False,
        )
    ]
