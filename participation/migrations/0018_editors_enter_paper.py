from django.db import migrations


def grant_editors(apps, schema_editor):
    """Staff editors enter analog tallies (DESIGN.md): Wagtail's "Editors" group may add paper entries, as it may
    import twin data (0006), if the group exists. Moderators may by ``participation.rules.may_enter_paper``."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    editors = Group.objects.filter(name="Editors").first()
    if editors is None:
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="participation", model="analogentry")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="add_analogentry", defaults={"name": "Can add paper entry"}
    )
    editors.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0017_export_job"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant_editors, migrations.RunPython.noop)]
