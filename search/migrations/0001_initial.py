from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=128, unique=True)),
                ("family", models.CharField(db_index=True, max_length=16)),
                ("type", models.CharField(db_index=True, max_length=64)),
                ("plugin", models.CharField(blank=True, db_index=True, default="", max_length=64)),
                ("object_id", models.BigIntegerField()),
                ("site_id", models.IntegerField(db_index=True)),
                ("site_code", models.CharField(max_length=9)),
                ("level", models.CharField(max_length=16)),
                ("column_id", models.BigIntegerField(blank=True, null=True)),
                ("path", models.CharField(blank=True, db_index=True, default="", max_length=255)),
                ("title", models.TextField()),
                ("body", models.TextField(blank=True, default="")),
                ("date", models.DateField(blank=True, db_index=True, null=True)),
                ("url", models.CharField(blank=True, default="", max_length=500)),
                ("title_tokens", models.TextField(blank=True, default="")),
                ("body_tokens", models.TextField(blank=True, default="")),
                ("scope_tokens", models.CharField(blank=True, default="", max_length=64)),
                ("indexed_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name": "搜索索引条目", "verbose_name_plural": "搜索索引条目"},
        ),
    ]
