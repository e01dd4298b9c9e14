"""Inserting many rows fast, for imports and restores of 100,000 people.

Django's bulk_create() builds a model instance and compiles each value of each row through the
query compiler: for hundreds of thousands of rows that costs ten times the database's own work.
These functions take plain tuples, values already as the database takes them (prepared(), or
plain text and numbers, which need no preparing). Table and column names come from the models,
never from input; values are always parameters.

How the rows travel depends on the database:
- SQLite: executemany() of one prepared INSERT; multi-row INSERTs with RETURNING when the new
  ids are needed (SQLite 3.35+ answers them in the order of the VALUES, as bulk_create() relies).
- PostgreSQL: Django's psycopg cursors bind parameters on the client, so an executemany() is a
  statement per row that the server parses each time, and a long multi-row INSERT costs the
  client seconds to interpolate. Rows go in by COPY instead (new ids drawn from the table's
  sequence first), and other statements run many times through a cursor that binds on the
  server, prepared once and pipelined.
"""

from collections.abc import Sequence
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connection, connections, models

# Parameters of one multi-row INSERT on SQLite: under its limit (32,766 since 3.32).
MAX_PARAMETERS = 30_000


def prepared(model: type[models.Model], name: str, value: Any) -> Any:
    """*value* of the field *name* as the database takes it (a datetime in UTC text on SQLite,
    a dict as JSON, …)."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)  # type: ignore[union-attr]


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    """The quoted columns of the model's *fields* (attnames)."""
    column_of = {field.attname: str(field.column) for field in model._meta.concrete_fields}
    return [connection.ops.quote_name(column_of[name]) for name in fields]


def _target(model: type[models.Model], fields: Sequence[str]) -> str:
    """`table (column, …)` of the model's *fields* (attnames), quoted."""
    columns = ", ".join(_columns(model, fields))
    return f"{connection.ops.quote_name(model._meta.db_table)} ({columns})"


def insert_sql(model: type[models.Model], fields: Sequence[str], rows: int = 1) -> str:
    """INSERT INTO the model's table (the *fields*' columns) VALUES *rows* rows of %s."""
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = ", ".join([one] * rows)
    return f"INSERT INTO {_target(model, fields)} VALUES {values}"  # noqa: S608


def executemany(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run *sql* once per row, the fastest way the database offers (see above)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        with _server_cursor() as cursor:
            cursor.executemany(sql, rows)
    else:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def insert(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert *rows* (values of *fields*, by attname, in order): on PostgreSQL with COPY, its
    fastest way in."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        executemany(insert_sql(model, fields), rows)
        return
    with (
        _server_cursor() as cursor,
        cursor.copy(f"COPY {_target(model, fields)} FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def insert_returning_ids(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> list[int]:
    """Insert *rows* and return their new primary keys, in the rows' order."""
    if not rows:
        return []
    pk = connection.ops.quote_name(str(model._meta.pk.column))
    if connection.vendor == "postgresql":
        # The ids first, from the table's own sequence, then the rows with them by COPY.
        with _server_cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, str(model._meta.pk.column), len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        insert(
            model,
            [model._meta.pk.attname, *fields],
            [(new_id, *row) for new_id, row in zip(ids, rows, strict=True)],
        )
        return ids
    found: list[int] = []
    per_statement = max(1, MAX_PARAMETERS // max(len(fields), 1))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"{insert_sql(model, fields, len(chunk))} RETURNING {pk}",
                [value for row in chunk for value in row],
            )
            found.extend(row[0] for row in cursor.fetchall())
    return found


def create[M: models.Model](objs: list[M]) -> list[M]:
    """bulk_create() of many new *objs* of one model without its query compiler; each gets its
    new id. For scale data: no signals, no conflict handling, as bulk_create()."""
    if not objs:
        return objs
    model = type(objs[0])
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    # The connection itself: the `connection` proxy costs a lookup on each of millions of values.
    db = connections[DEFAULT_DB_ALIAS]
    rows = [
        tuple(field.get_db_prep_save(field.pre_save(obj, True), db) for field in fields)
        for obj in objs
    ]
    ids = insert_returning_ids(model, [field.attname for field in fields], rows)
    for obj, new_id in zip(objs, ids, strict=True):
        obj.pk = new_id
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def update(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Set the *fields* (attnames) of many rows: each row is its values, prepared, then its id.
    One UPDATE run many times: bulk_update()'s CASE over every id costs its compiler and the
    database more the more rows it has."""
    quote = connection.ops.quote_name
    sets = ", ".join(f"{column} = %s" for column in _columns(model, fields))
    pk = quote(str(model._meta.pk.column))
    executemany(f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {pk} = %s", rows)  # noqa: S608


def _server_cursor() -> Any:
    """A psycopg cursor binding parameters on the server, on Django's connection (so within
    its transaction)."""
    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)
