# Notice moves here from programme: the table stays (programme_notice) until 0002 renames it.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("programme", "0004_notice_unsent_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notice",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=80)),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        ("body", models.TextField(blank=True, verbose_name="body")),
                        ("url", models.CharField(blank=True, max_length=200, verbose_name="link")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read")),
                        ("emailed_at", models.DateTimeField(blank=True, null=True, verbose_name="emailed")),
                        ("participant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notices", to="programme.participant")),
                    ],
                    options={
                        "verbose_name": "notice",
                        "verbose_name_plural": "notices",
                        "ordering": ["-created_at"],
                        "db_table": "programme_notice",
                        "indexes": [
                            models.Index(fields=["participant", "-created_at"], name="notice_recent"),
                            models.Index(condition=models.Q(("emailed_at__isnull", True)), fields=["key"], name="notice_unsent_by_key"),
                        ],
                        "constraints": [models.UniqueConstraint(fields=("participant", "key"), name="notice_once_per_key")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
