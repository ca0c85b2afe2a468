"""Store the entries file uncompressed (PostgreSQL ``STORAGE EXTERNAL``).

The file is random hex: PostgreSQL's default pglz compression gives up on it, but only after
trying, which made storing a 1M-entrant snapshot (39 MB) take about 1.5 s of the 3 s close.
Out of line without compression it takes about 0.3 s. Nothing else changes: same bytes.
"""

from django.db import migrations

TABLE_COLUMN = "rewards_drawsnapshot", "entries"


def storage(mode):
    def alter(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # other databases store it as they do
        table, column = (schema_editor.quote_name(name) for name in TABLE_COLUMN)
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STORAGE {mode}")

    return alter


class Migration(migrations.Migration):
    dependencies = [("rewards", "0004_draw_plain_labels")]

    operations = [migrations.RunPython(storage("EXTERNAL"), storage("EXTENDED"), elidable=False)]
