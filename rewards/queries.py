"""Small query expressions the draws need that Django does not ship."""

from django.db import connection
from django.db.models import BinaryField, F, Func, IntegerField, TextField, Value
from django.db.models.functions import Cast


class BytesPosition(Func):
    """1-based position of the bytes ``needle`` in a binary column; 0 when absent."""

    output_field = IntegerField()

    def __init__(self, haystack, needle, **extra):
        super().__init__(haystack, Value(needle, output_field=BinaryField()), **extra)

    def as_sql(self, compiler, connection, **extra_context):  # SQLite: instr(X, Y)
        return super().as_sql(compiler, connection, function="INSTR", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        haystack, needle = self.get_source_expressions()
        haystack_sql, haystack_params = compiler.compile(haystack)
        needle_sql, needle_params = compiler.compile(needle)
        return f"POSITION({needle_sql} IN {haystack_sql})", (*needle_params, *haystack_params)


def canonical_uuid(field):
    """``field`` as canonical lowercase UUID text where the database can write it.

    PostgreSQL's uuid::text is the canonical form, and a million short strings load much
    faster than a million UUID objects. Elsewhere the column comes back as UUID objects,
    whose ``str()`` is canonical too (``canonical_entries`` accepts both).
    """
    if connection.vendor == "postgresql":
        return Cast(field, TextField())
    return F(field)


def store_binary(instance, field_name, data):
    """Write a large binary value (tens of MB) into one row without escaping it first.

    Django's psycopg cursor binds parameters on the client, turning 40 MB of bytes into
    80 MB of hex literal inside the SQL text; a server-binding cursor sends the bytes as
    they are (``%b``: binary format). Same transaction: it is the same connection.
    """
    model = type(instance)
    field = model._meta.get_field(field_name)
    if connection.vendor != "postgresql":
        model.objects.filter(pk=instance.pk).update(**{field_name: data})
        return
    import psycopg
    from psycopg import sql

    statement = sql.SQL("UPDATE {table} SET {column} = %b WHERE {pk} = %s").format(
        table=sql.Identifier(model._meta.db_table),
        column=sql.Identifier(field.column),
        pk=sql.Identifier(model._meta.pk.column),
    )
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(statement, [data, instance.pk])


def load_binary(instance, field_name):
    """Read a large binary value (tens of MB) of one row as bytes, in binary format.

    The counterpart of ``store_binary``: Django's cursor asks for text, in which PostgreSQL
    sends bytea as hex, twice the size, then decoded on this side (0.3 s of 39 MB).
    """
    model = type(instance)
    field = model._meta.get_field(field_name)
    if connection.vendor != "postgresql":
        return bytes(model.objects.values_list(field_name, flat=True).get(pk=instance.pk))
    import psycopg
    from psycopg import sql

    statement = sql.SQL("SELECT {column} FROM {table} WHERE {pk} = %s").format(
        table=sql.Identifier(model._meta.db_table),
        column=sql.Identifier(field.column),
        pk=sql.Identifier(model._meta.pk.column),
    )
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(statement, [instance.pk], binary=True)
        return bytes(cursor.fetchone()[0])
