from django.db import migrations, models

# The built-in stretches as they stood when rows gained a key: the muscle stored, and the
# names a row could carry (onboarding stored its name in English or Spanish). Frozen here so
# that later changes to the catalog do not change what this migration did.
KNOWN = {
    "calf": ("gastrocnemius", ("calf stretch", "estiramiento de gemelos")),
    "hamstrings": ("hamstrings", ("hamstring stretch", "estiramiento de isquiotibiales")),
    "hip-flexors": ("hip flexors", ("hip flexor stretch",)),
    "elbow-flexors": ("biceps brachii", ("elbow flexor stretch", "biceps stretch")),
    "wrist-flexors": ("wrist flexors", ("wrist flexor stretch", "wrist stretch")),
    "neck": ("cervical muscles", ("neck side stretch", "neck stretch")),
    "quadriceps": ("quadriceps", ("thigh stretch", "quadriceps stretch")),
    "adductors": ("adductors", ("inner thigh stretch", "adductor stretch")),
    "chest": ("pectorals", ("chest stretch",)),
    "fingers": ("finger flexors", ("finger stretch",)),
}


def link_built_in(apps, schema_editor):
    Stretch = apps.get_model("plans", "Stretch")
    for key, (muscle, names) in KNOWN.items():
        for stretch in Stretch.objects.filter(
            catalog_key=None, target_muscle__iexact=muscle
        ).only("id", "name"):
            if stretch.name.strip().lower() in names:
                Stretch.objects.filter(id=stretch.id).update(catalog_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0004_therapist_loop"),
    ]

    operations = [
        migrations.AddField(
            model_name="stretch",
            name="catalog_key",
            field=models.CharField(blank=True, max_length=40, null=True),
        ),
        migrations.RunPython(link_built_in, migrations.RunPython.noop),
    ]
