import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def names_as_they_are(apps, schema_editor):
    """Existing notes get their author's present name: the same rule as display_name."""
    Note = apps.get_model("checkins", "Note")
    for note in Note.objects.select_related("author").iterator():
        author = note.author
        note.author_name = author.name or (author.email or "").split("@")[0]
        note.save(update_fields=["author_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0002_note"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="note",
            name="author_name",
            field=models.CharField(default="", max_length=254),
            preserve_default=False,
        ),
        migrations.RunPython(names_as_they_are, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="note",
            name="author",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
