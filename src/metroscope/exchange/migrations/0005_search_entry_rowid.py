# The search entry's key becomes a plain integer key (on SQLite the table's rowid, which the
# FTS5 rowid joins without another index): the table is made again, empty; `load_open_data`
# (its last step) or `metroscope reindex_solutions` fills it.

import metroscope.core.search
from django.db import migrations, models

TABLE, KEY = "exchange_solutionsearchentry", "solution_id"


def reinstall(apps, schema_editor):
    metroscope.core.search.uninstall(schema_editor, TABLE, KEY)
    metroscope.core.search.install(schema_editor, TABLE, KEY)


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0004_search_entry_scoring'),
    ]

    operations = [
        migrations.DeleteModel(name='SolutionSearchEntry'),
        migrations.CreateModel(
            name='SolutionSearchEntry',
            fields=[
                ('title_key', models.TextField()),
                ('date_key', models.BigIntegerField(null=True)),
                ('facets', models.TextField(blank=True)),
                ('terms', metroscope.core.search.TermsField(blank=True)),
                ('head', metroscope.core.search.TermsField(blank=True)),
                ('solution_id', metroscope.core.search.EntryKey(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'search entry',
                'verbose_name_plural': 'search entries',
            },
        ),
        migrations.RunPython(reinstall, migrations.RunPython.noop),
    ]
