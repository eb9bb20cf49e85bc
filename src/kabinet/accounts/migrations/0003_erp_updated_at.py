import django.utils.timezone
from django.db import migrations, models


def _field():
    return models.DateTimeField(
        auto_now=True, db_index=True, default=django.utils.timezone.now, verbose_name="updated"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_password_reset_request"),
    ]

    operations = [
        migrations.AddField(
            model_name=model, name="updated_at", field=_field(), preserve_default=False
        )
        for model in ("partner", "counterparty", "agreement", "deliveryaddress")
    ]
