"""The group of handling units' staff (they may enter the admin, nothing more by default),
and the existing sites' editors' permissions on handling units (new sites get them when
provisioned). The permissions are created here, not left to ``post_migrate``, so one
``migrate`` is enough."""

from django.db import migrations

GROUP = "承办单位工作人员"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name=GROUP)
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access, _ = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    group.permissions.add(access)
    unit_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="handlingunit")
    perms = [
        Permission.objects.get_or_create(
            content_type=unit_type, codename=f"{action}_handlingunit",
            defaults={"name": f"Can {action} 承办单位"},
        )[0]
        for action in ("add", "change", "delete", "view")
    ]
    SiteProfile = apps.get_model("sitegroup", "SiteProfile")
    for profile in SiteProfile.objects.exclude(editors_group=None).select_related("editors_group"):
        profile.editors_group.permissions.add(*perms)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("sitegroup", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
