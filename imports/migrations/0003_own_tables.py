from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("imports", "0002_track_upload"),
        ("programme", "0005_notices_and_uploads_move_out"),
    ]

    operations = [
        migrations.AlterModelTable(name="activityupload", table=None),
        migrations.AlterModelTable(name="runtrack", table=None),
    ]
