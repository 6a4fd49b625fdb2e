"""Full-text search tables: FTS5 on SQLite; unaccent, mapster_fr and a GIN index on PostgreSQL."""

from django.db import migrations


def forwards(apps, schema_editor):
    from core.search import create_schema

    create_schema(schema_editor)


def backwards(apps, schema_editor):
    from core.search import drop_schema

    drop_schema(schema_editor)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(forwards, backwards)]
