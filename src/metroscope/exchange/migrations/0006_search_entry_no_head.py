# The search entry no longer keeps the terms of its heavier fields apart (`head`): which field
# holds a word is asked of the engine itself, one expression per word and field, and facet
# values are no longer index terms (facets are filtered from the entries' snapshot). The table
# is altered, which on SQLite rebuilds it and drops its trigger: the engine side is installed
# again, and the entries must be written again (`load_open_data` does it, or
# `metroscope reindex_solutions`) so that no facet term stays behind.

import metroscope.core.search
from django.db import migrations

TABLE, KEY = "exchange_solutionsearchentry", "solution_id"


def reinstall(apps, schema_editor):
    metroscope.core.search.install(schema_editor, TABLE, KEY)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0005_search_entry_rowid"),
    ]

    operations = [
        migrations.RemoveField(model_name="solutionsearchentry", name="head"),
        migrations.RunPython(reinstall, migrations.RunPython.noop),
    ]
