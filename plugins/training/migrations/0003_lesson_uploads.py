"""Lesson files go through the core's uploads service: each stored lesson file becomes an
``Upload`` row (the file stays where it is; its type, size and SHA-256 are recorded), then
the lesson's own file columns go."""

import hashlib
import secrets

import django.db.models.deletion
from django.db import migrations, models


def to_uploads(apps, schema_editor):
    Lesson = apps.get_model("training", "Lesson")
    Upload = apps.get_model("moderation", "Upload")
    for lesson in Lesson.objects.exclude(media="").select_related("course").iterator():
        name = lesson.media.name
        digest, size = hashlib.sha256(), 0
        try:
            with lesson.media.storage.open(name, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 16), b""):
                    digest.update(chunk)
                    size += len(chunk)
        except OSError:  # the file is gone: the lesson keeps no file
            continue
        extension = ("." + name.rsplit(".", 1)[-1].lower())[:10] if "." in name else ""
        upload = Upload.objects.create(
            site_id=lesson.course.site_id, token=secrets.token_hex(16), file=name,
            name=f"{lesson.title[:190]}{extension}", content_type=lesson.content_type,
            size=size, sha256=digest.hexdigest(), extension=extension,
        )  # fmt: skip
        Lesson.objects.filter(pk=lesson.pk).update(upload=upload)
    if schema_editor.connection.vendor == "postgresql":
        # Check the new foreign keys now: PostgreSQL refuses to alter a table with
        # deferred checks pending, and the columns go in the same transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0002_site_permissions"),
        ("training", "0002_laws_and_lectures"),
    ]

    operations = [
        migrations.AddField(
            model_name="lesson",
            name="upload",
            field=models.ForeignKey(
                blank=True, editable=False, null=True,
                on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="moderation.upload", verbose_name="文件",
            ),  # fmt: skip
        ),
        migrations.RunPython(to_uploads, migrations.RunPython.noop),
        migrations.RemoveField(model_name="lesson", name="content_type"),
        migrations.RemoveField(model_name="lesson", name="media"),
        migrations.RemoveField(model_name="lesson", name="size"),
    ]
