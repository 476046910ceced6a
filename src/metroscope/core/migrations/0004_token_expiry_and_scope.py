"""API tokens expire and may be read-only (issue 21). Tokens issued before get a year from
their creation, so none stops working without notice on the day of the upgrade."""

from datetime import timedelta

from django.db import migrations, models


def a_year_from_creation(apps, schema_editor):
    ApiToken = apps.get_model("core", "ApiToken")
    for token in ApiToken.objects.filter(expires_at__isnull=True):
        token.expires_at = token.created_at + timedelta(days=365)
        token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [("core", "0003_notification")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires at"),
        ),
        migrations.RunPython(a_year_from_creation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires at"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="read_only",
            field=models.BooleanField(
                default=False, help_text="Reads only: GET and HEAD requests.", verbose_name="read only"
            ),
        ),
    ]
