"""The home-made search engine kept each index's version in core_searchstate; the databases'
own engines need none. A database made before keeps the table until this drops it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_squashed_0003_search_state_documents"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS core_searchstate", migrations.RunSQL.noop),
    ]
