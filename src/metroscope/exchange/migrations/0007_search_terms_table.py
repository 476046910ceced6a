# The terms leave the entry table for the engine's own table, `<entry table>_fts`, on both
# databases: on SQLite it already was the FTS5 table; on PostgreSQL it becomes a narrow table
# (key and tsvector, the tsvector out of line) with the GIN index, so that a match visits
# small rows instead of entries carrying ~1 kB of terms each (docs/performance.md). The terms
# an entry holds are moved over, so nothing needs reindexing. Removing the column rebuilds the
# table on SQLite, which drops its trigger: the engine side is installed again after it.

from django.db import migrations

import metroscope.core.search

TABLE, KEY = "exchange_solutionsearchentry", "solution_id"


def move_terms(apps, schema_editor):
    metroscope.core.search.install(schema_editor, TABLE, KEY)
    if schema_editor.connection.vendor == "postgresql":
        padded = f"terms || '{metroscope.core.search._PAD}'::tsvector"  # stored out of line
        schema_editor.execute(
            f'INSERT INTO "{TABLE}_fts" (rowid, terms) SELECT "{KEY}", {padded} '  # noqa: S608
            f'FROM "{TABLE}" ON CONFLICT (rowid) DO UPDATE SET terms = excluded.terms'
        )


def put_terms_back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'UPDATE "{TABLE}" e SET terms = f.terms FROM "{TABLE}_fts" f '  # noqa: S608
            f'WHERE f.rowid = e."{KEY}"'
        )


def reinstall(apps, schema_editor):
    metroscope.core.search.install(schema_editor, TABLE, KEY)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0006_search_entry_no_head"),
    ]

    operations = [
        migrations.RunPython(move_terms, put_terms_back),
        migrations.RemoveField(model_name="solutionsearchentry", name="terms"),
        migrations.RunPython(reinstall, migrations.RunPython.noop),
    ]
