"""PostgreSQL's search index gets the names alone (the words of weight A) under a GIN index of
their own, so a search ranks the people whose names match first without reading every match.
SQLite's FTS5 table is left as it is."""

from django.db import migrations

POSTGRES = [
    "ALTER TABLE people_search ADD COLUMN names tsvector "
    "GENERATED ALWAYS AS (ts_filter(document, '{a}')) STORED",
    "CREATE INDEX people_search_names ON people_search USING gin (names)",
]


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES:
            schema_editor.execute(statement)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX people_search_names")
        schema_editor.execute("ALTER TABLE people_search DROP COLUMN names")


class Migration(migrations.Migration):
    dependencies = [("people", "0008_contact_import")]

    operations = [migrations.RunPython(add, remove)]
