"""PostgreSQL: each language's search vector moves out of the entry row (where it sat beside
the long texts, read from the TOAST table for every match) into a narrow table of that
language with the date and facet values (core/fulltext.py), filled from the entries. A
database made at 0009 loses its generated vector columns; SQLite is unchanged."""

from django.db import migrations

from metroscope.core import fulltext


ENGINE = fulltext.Index(
    table="exchange_solutiontext",
    key="solution_id",
    source_table="exchange_solution",
    single=("collection", "region", "country", "year"),
    multi=("theme", "challenge", "sdg"),
    codes=dict,
    orders={},
)


def move(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    fulltext.install(schema_editor, ENGINE)  # drops the columns, makes the tables
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {ENGINE.n('_v_en')}")
        if cursor.fetchone()[0]:
            return
    fulltext.fill_vectors(ENGINE)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0009_search_on_the_engines"),
    ]

    operations = [
        migrations.RunPython(move, migrations.RunPython.noop),
    ]
