# Written by hand (issue 16): the programs app became events.
#
# Content types name a model by app label. The rows of the old label are relabelled in place,
# keeping their ids, so that what points at them (permissions and the groups holding them, the
# admin's log) keeps pointing at the same models. A fresh database has no such rows yet
# (content types are made after migrating): nothing to do.

from django.db import migrations

OLD, NEW = "programs", "events"


def _relabel(apps, schema_editor, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = ContentType.objects.using(schema_editor.connection.alias)
    for content_type in rows.filter(app_label=old):
        # A `migrate` stopped before this migration has already made rows for the new label
        # (its post_migrate): those are minutes old and own next to nothing (their permissions
        # go with them); the old rows hold the history, so they win.
        rows.filter(app_label=new, model=content_type.model).delete()
        content_type.app_label = new
        content_type.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    _relabel(apps, schema_editor, OLD, NEW)


def backwards(apps, schema_editor):
    _relabel(apps, schema_editor, NEW, OLD)


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0002_certificate_sending'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
