# A run no longer points at the file it came from; its track does (imports sits above
# programme). The link is copied before programme 0005 drops the run's column.

import django.db.models.deletion
from django.db import migrations, models


def copy_upload_links(apps, schema_editor):
    schema_editor.execute(
        "UPDATE programme_runtrack SET upload_id = ("
        "SELECT upload_id FROM programme_run WHERE programme_run.id = programme_runtrack.run_id)"
    )


def copy_upload_links_back(apps, schema_editor):
    schema_editor.execute(
        "UPDATE programme_run SET upload_id = ("
        "SELECT upload_id FROM programme_runtrack WHERE programme_runtrack.run_id = programme_run.id)"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("imports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="runtrack",
            name="upload",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="tracks", to="imports.activityupload", verbose_name="imported from"),
        ),
        migrations.RunPython(copy_upload_links, copy_upload_links_back, elidable=False),
    ]
