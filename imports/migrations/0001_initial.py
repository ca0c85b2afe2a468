# ActivityUpload and RunTrack move here from programme; their tables stay until 0003
# renames them. 0002 moves the link to the file from the run to its track.

import uuid

import django.db.models.deletion
from django.db import migrations, models

import imports.models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("programme", "0004_notice_unsent_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ActivityUpload",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        ("file", models.FileField(blank=True, max_length=200, storage=imports.models.private_storage, upload_to=imports.models.activity_upload_path, verbose_name="file")),
                        ("original_name", models.CharField(max_length=255, verbose_name="file name")),
                        ("size_bytes", models.PositiveIntegerField(verbose_name="size (bytes)")),
                        ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                        ("batch", models.UUIDField(default=uuid.uuid4, verbose_name="batch")),
                        ("state", models.CharField(choices=[("queued", "Queued"), ("parsing", "Reading"), ("done", "Imported"), ("refused", "Refused"), ("failed", "Failed")], default="queued", max_length=8, verbose_name="state")),
                        ("message", models.CharField(blank=True, max_length=500, verbose_name="message")),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        ("file_deleted_at", models.DateTimeField(blank=True, null=True, verbose_name="file deleted at")),
                        ("participant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="uploads", to="programme.participant")),
                    ],
                    options={
                        "verbose_name": "activity upload",
                        "verbose_name_plural": "activity uploads",
                        "ordering": ["-created_at", "-pk"],
                        "db_table": "programme_activityupload",
                        "indexes": [
                            models.Index(fields=["participant", "-created_at"], name="upload_participant_recent"),
                            models.Index(fields=["state", "updated_at"], name="upload_state_updated"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(condition=models.Q(("state__in", ("queued", "parsing", "done"))), fields=("participant", "sha256"), name="upload_file_once_per_participant"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RunTrack",
                    fields=[
                        ("run", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="track", serialize=False, to="programme.run")),
                        ("points", models.JSONField(blank=True, default=list, verbose_name="route")),
                        ("splits_s", models.JSONField(blank=True, default=list, verbose_name="splits (seconds per km)")),
                        ("max_sustained_speed_mps", models.FloatField(default=0, verbose_name="best sustained speed (m/s)")),
                        ("point_count", models.PositiveIntegerField(default=0, verbose_name="recorded points")),
                    ],
                    options={
                        "verbose_name": "run track",
                        "verbose_name_plural": "run tracks",
                        "db_table": "programme_runtrack",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
