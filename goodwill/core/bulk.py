"""Inserting many rows fast, for imports and restores of 100,000 people.

Django's bulk_create() builds a model instance and compiles each value of each row through the
query compiler: for hundreds of thousands of rows that costs ten times the database's own work.
These functions take plain tuples, values already as the database takes them (prepared(), or
plain text and numbers, which need no preparing), and send them as parameters of one statement:
table and column names come from the models, never from input.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

# Parameters of one multi-row INSERT: under SQLite's limit (32,766 since 3.32) and PostgreSQL's
# (65,535).
MAX_PARAMETERS = 30_000


def prepared(model: type[models.Model], name: str, value: Any) -> Any:
    """*value* of the field *name* as the database takes it (a datetime in UTC text on SQLite,
    a dict as JSON text, …)."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)  # type: ignore[union-attr]


def _columns(model: type[models.Model], fields: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    column_of = {field.attname: str(field.column) for field in model._meta.concrete_fields}
    return ", ".join(quote(column_of[name]) for name in fields)


def insert(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert *rows* (values of *fields*, by attname, in order) with one executemany()."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({_columns(model, fields)}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert_returning_ids(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> list[int]:
    """Insert *rows* and return their new primary keys in the rows' order: multi-row INSERTs
    with RETURNING, which SQLite (3.35+) and PostgreSQL answer in the order of the VALUES (what
    bulk_create() relies on too)."""
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(str(model._meta.pk.column))
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, MAX_PARAMETERS // max(len(fields), 1))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = ", ".join([one] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({_columns(model, fields)}) VALUES {values} "  # noqa: S608
                f"RETURNING {pk}",
                [value for row in chunk for value in row],
            )
            ids.extend(row[0] for row in cursor.fetchall())
    return ids
