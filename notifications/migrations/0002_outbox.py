# The notice becomes the email outbox: each row says whether it is owed an email, and one
# partial index finds the unsent ones for the batches and the sweep.

from django.db import migrations, models


def owed_emails_mark(apps, schema_editor):
    """Unsent notices of the kinds that were emailed before the outbox kept it on the row."""
    Notice = apps.get_model("notifications", "Notice")
    unsent = Notice.objects.filter(emailed_at__isnull=True)
    unsent.filter(key__startswith="level-unlocked:").update(email="subscribed")
    unsent.filter(key__startswith="draw-reminder:").update(email="subscribed")
    unsent.filter(key__startswith="draw-won:").update(email="always")


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
        ("programme", "0005_notices_and_uploads_move_out"),
    ]

    operations = [
        migrations.AlterModelTable(name="notice", table=None),
        migrations.AddField(
            model_name="notice",
            name="email",
            field=models.CharField(choices=[("none", "In the app only"), ("subscribed", "Emailed unless the person turned reminders off"), ("always", "Always emailed (a prize won)")], default="none", max_length=10, verbose_name="email"),
        ),
        migrations.RemoveIndex(model_name="notice", name="notice_unsent_by_key"),
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(condition=models.Q(("emailed_at__isnull", True), models.Q(("email", "none"), _negated=True)), fields=["created_at"], name="notice_outbox"),
        ),
        migrations.RunPython(owed_emails_mark, migrations.RunPython.noop, elidable=True),
    ]
