from django.db import migrations


def seed(apps, schema_editor):
    from gridgov.cases.seed import category_rows

    Category = apps.get_model("cases", "Category")
    if not Category.objects.exists():
        Category.objects.bulk_create(Category(**row) for row in category_rows())


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
