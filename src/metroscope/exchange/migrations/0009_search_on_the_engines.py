"""The Exchange's search on the databases' own engines (core/fulltext.py): the texts and facet
values of each published solution, PostgreSQL's generated tsvector columns with GIN indexes
(or SQLite's FTS5 tables), filled from the published solutions. A database made before loses the
home-made index (entries, terms table, triggers) and keeps every solution."""

import django.db.models.deletion
from django.db import migrations, models

from metroscope.core import fulltext

OLD = "exchange_solutionsearchentry"
ENGINE = fulltext.Index(  # install() reads only the table's name, key and facets' names
    table="exchange_solutiontext",
    key="solution_id",
    source_table="exchange_solution",
    single=("collection", "region", "country", "year"),
    multi=("theme", "challenge", "sdg"),
    codes=dict,
    orders={},
)


def drop_old_index(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(f"DROP TABLE IF EXISTS {OLD}_fts CASCADE")
        run(f"DROP TABLE IF EXISTS {OLD} CASCADE")
        for suffix in ("ad", "at"):
            run(f'DROP FUNCTION IF EXISTS "{OLD}_{suffix}"() CASCADE')
        return
    for suffix in ("ai", "ad", "au"):
        run(f'DROP TRIGGER IF EXISTS "{OLD}_{suffix}"')
    run(f"DROP TABLE IF EXISTS {OLD}_fts")
    run(f"DROP TABLE IF EXISTS {OLD}")


def install(apps, schema_editor):
    fulltext.install(schema_editor, ENGINE)


def uninstall(apps, schema_editor):
    fulltext.uninstall(schema_editor, ENGINE)


def fill(apps, schema_editor):
    """Index the published solutions an existing database holds (none in a new one)."""
    Solution = apps.get_model("exchange", "Solution")
    if not Solution.objects.using(schema_editor.connection.alias).filter(
        status="published"
    ).exists():
        return
    from metroscope.exchange import search

    search.reindex()


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0008_translated_by"),
    ]

    operations = [
        migrations.RunPython(drop_old_index, migrations.RunPython.noop),
        migrations.CreateModel(
            name='SolutionText',
            fields=[
                ('solution', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_text', serialize=False, to='exchange.solution')),
                ('date', models.DateTimeField(blank=True, null=True)),
                ('title', models.CharField(max_length=300)),
                ('f_collection', models.CharField(blank=True, default='', max_length=60)),
                ('f_region', models.CharField(blank=True, default='', max_length=60)),
                ('f_country', models.CharField(blank=True, default='', max_length=3)),
                ('f_year', models.CharField(blank=True, default='', max_length=4)),
                ('f_theme', models.BigIntegerField(default=0)),
                ('f_challenge', models.BigIntegerField(default=0)),
                ('f_sdg', models.BigIntegerField(default=0)),
                ('title_en', models.TextField(blank=True, default='', verbose_name='title (English)')),
                ('vocab_en', models.TextField(blank=True, default='', verbose_name='vocabulary (English)')),
                ('summary_en', models.TextField(blank=True, default='', verbose_name='summary (English)')),
                ('body_en', models.TextField(blank=True, default='', verbose_name='body (English)')),
                ('title_fr', models.TextField(blank=True, default='', verbose_name='title (French)')),
                ('vocab_fr', models.TextField(blank=True, default='', verbose_name='vocabulary (French)')),
                ('summary_fr', models.TextField(blank=True, default='', verbose_name='summary (French)')),
                ('body_fr', models.TextField(blank=True, default='', verbose_name='body (French)')),
                ('title_es', models.TextField(blank=True, default='', verbose_name='title (Spanish)')),
                ('vocab_es', models.TextField(blank=True, default='', verbose_name='vocabulary (Spanish)')),
                ('summary_es', models.TextField(blank=True, default='', verbose_name='summary (Spanish)')),
                ('body_es', models.TextField(blank=True, default='', verbose_name='body (Spanish)')),
            ],
            options={
                'verbose_name': 'search text',
                'verbose_name_plural': 'search texts',
            },
        ),
        migrations.AddIndex(
            model_name='solutiontext',
            index=models.Index(fields=['solution', 'date', 'f_collection', 'f_region', 'f_country', 'f_year', 'f_theme', 'f_challenge', 'f_sdg'], name='solution_text_facets'),
        ),
        migrations.RunPython(install, uninstall),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
