"""Existing sites' editors answer readers' reports (new sites get them when provisioned). The permissions are
created here rather than left to ``post_migrate``, so one ``migrate`` is enough."""

from django.db import migrations


def grant(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    SiteProfile = apps.get_model("sitegroup", "SiteProfile")
    content_type, _ = ContentType.objects.get_or_create(app_label="feedback", model="feedback")
    perms = [
        Permission.objects.get_or_create(content_type=content_type, codename=f"{action}_feedback",
                                         defaults={"name": f"Can {action} feedback"})[0]
        for action in ("change", "view")
    ]
    for profile in SiteProfile.objects.all():
        for group_id in (profile.editors_group_id,):
            if group_id:
                apps.get_model("auth", "Group").objects.get(pk=group_id).permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial"), ("sitegroup", "0001_initial")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
