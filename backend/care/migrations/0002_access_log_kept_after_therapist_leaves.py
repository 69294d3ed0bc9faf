import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def names_as_they_are(apps, schema_editor):
    """Existing entries get the therapist's present name: the same rule as display_name."""
    AccessLogEntry = apps.get_model("care", "AccessLogEntry")
    for entry in AccessLogEntry.objects.select_related("therapist").iterator():
        therapist = entry.therapist
        entry.therapist_name = therapist.name or (therapist.email or "").split("@")[0]
        entry.save(update_fields=["therapist_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="therapist_name",
            field=models.CharField(default="", max_length=254),
            preserve_default=False,
        ),
        migrations.RunPython(names_as_they_are, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="accesslogentry",
            name="therapist",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterModelOptions(name="accesslogentry", options={"ordering": ["-at", "-id"]}),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["person", "-at"], name="access_log_of_person"),
        ),
    ]
