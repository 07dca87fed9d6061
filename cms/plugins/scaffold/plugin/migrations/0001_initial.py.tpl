import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("wagtailcore", "${wagtailcore_migration}"),
        ("moderation", "${moderation_migration}"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Entry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="标题")),
                ("body", models.TextField(blank=True, verbose_name="内容")),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="创建时间"),
                ),
                (
                    "site",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="wagtailcore.site",
                        verbose_name="所属站点",
                    ),
                ),
            ],
            options={
                "verbose_name": "条目",
                "verbose_name_plural": "条目",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="Submission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "moderation_status",
                    models.CharField(
                        choices=[
                            ("pending", "待审核"),
                            ("approved", "已通过"),
                            ("rejected", "已退回"),
                        ],
                        db_index=True,
                        default="approved",
                        max_length=10,
                        verbose_name="审核状态",
                    ),
                ),
                (
                    "moderation_reason",
                    models.CharField(blank=True, max_length=500, verbose_name="退回理由"),
                ),
                ("text", models.TextField(max_length=2000, verbose_name="内容")),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="提交时间"),
                ),
                (
                    "site",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="wagtailcore.site",
                        verbose_name="所属站点",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="提交人",
                    ),
                ),
                (
                    "attachments",
                    models.ManyToManyField(
                        blank=True, related_name="+", to="moderation.upload", verbose_name="附件"
                    ),
                ),
            ],
            options={
                "verbose_name": "来信",
                "verbose_name_plural": "来信",
                "ordering": ["-created_at", "-pk"],
            },
        ),
    ]
