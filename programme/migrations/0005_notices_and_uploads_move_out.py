# Notice moved to notifications, ActivityUpload and RunTrack to imports (their migrations
# created them there, on the same tables). Here programme lets go of them, and the run's
# link to its file (now on the track, copied by imports 0002) is dropped.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("programme", "0004_notice_unsent_index"),
        ("imports", "0002_track_upload"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="run", name="upload"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="RunTrack"),
                migrations.DeleteModel(name="ActivityUpload"),
                migrations.DeleteModel(name="Notice"),
            ],
            database_operations=[],
        ),
    ]
