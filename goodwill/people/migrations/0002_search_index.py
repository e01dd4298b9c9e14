"""The search index: an FTS5 table on SQLite, a tsvector table with a GIN index on PostgreSQL.

It is not a Django model (FTS5 tables cannot be); goodwill.people.search reads and writes it.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE people_search USING fts5("
    "body, workspace_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')",
]
POSTGRES = [
    # No foreign key: the index is kept by goodwill.people.search, and Django's test flush
    # truncates people_contact without knowing about this table.
    "CREATE TABLE people_search ("
    "contact_id bigint PRIMARY KEY, "
    "workspace_id bigint NOT NULL, body text NOT NULL, document tsvector NOT NULL)",
    "CREATE INDEX people_search_document ON people_search USING gin (document)",
    "CREATE INDEX people_search_workspace ON people_search (workspace_id)",
]


def create(apps, schema_editor):
    for statement in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS people_search")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
