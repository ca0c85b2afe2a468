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
    if connection.vendor != "postgresql":
        type(instance).objects.filter(pk=instance.pk).update(**{field_name: data})
        return
    statement = _one_row("UPDATE {table} SET {column} = %b WHERE {pk} = %s", instance, field_name)
    with _server_binding_cursor() as cursor:
        cursor.execute(statement, [data, instance.pk])


def load_binary(instance, field_name):
    """Read a large binary value (tens of MB) of one row as bytes, in binary format.

    The counterpart of ``store_binary``: Django's cursor asks for text, in which PostgreSQL
    sends bytea as hex, twice the size, then decoded on this side (0.3 s of 39 MB).
    """
    model = type(instance)
    if connection.vendor != "postgresql":
        return bytes(model.objects.values_list(field_name, flat=True).get(pk=instance.pk))
    statement = _one_row("SELECT {column} FROM {table} WHERE {pk} = %s", instance, field_name)
    with _server_binding_cursor() as cursor:
        cursor.execute(statement, [instance.pk], binary=True)
        return bytes(cursor.fetchone()[0])


def _one_row(template, instance, field_name):
    """``template`` with the quoted names of ``instance``'s table, the field's column and the
    primary key column."""
    from psycopg import sql

    meta = type(instance)._meta
    return sql.SQL(template).format(
        table=sql.Identifier(meta.db_table),
        column=sql.Identifier(meta.get_field(field_name).column),
        pk=sql.Identifier(meta.pk.column),
    )


def _server_binding_cursor():
    """A plain psycopg cursor on Django's own connection (and so its transaction)."""
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)
