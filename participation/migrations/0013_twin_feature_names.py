"""Twin objects are named by what they are where they have no name or address: objects imported before the
readers took the BGT's class and type (Dutch city models) as their function get it from their attributes,
as a re-import would give it (participation.twin.readers.common.function, as of this migration)."""

from django.db import migrations

FUNCTION_ATTRIBUTES = ("function", "usage", "class", "bgt_type", "bgt_fysiekvoorkomen", "gebruiksdoel")
NO_VALUE = {"waardeOnbekend", "geenWaarde"}
BATCH = 500


def _text(value) -> str:
    if value is None:
        return ""
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value).strip()


def _function(attributes) -> str:
    for key in FUNCTION_ATTRIBUTES:
        value = _text((attributes or {}).get(key))
        if value and value not in NO_VALUE:
            return value[:255]
    return ""


def functions_from_attributes(apps, schema_editor):
    TwinFeature = apps.get_model("participation", "TwinFeature")
    changed = []
    for feature in TwinFeature.objects.filter(function="").only("pk", "attributes").iterator(chunk_size=BATCH):
        feature.function = _function(feature.attributes)
        if feature.function:
            changed.append(feature)
        if len(changed) >= BATCH:
            TwinFeature.objects.bulk_update(changed, ["function"])
            changed = []
    TwinFeature.objects.bulk_update(changed, ["function"])


class Migration(migrations.Migration):
    dependencies = [("participation", "0012_paper_contributions")]

    operations = [migrations.RunPython(functions_from_attributes, migrations.RunPython.noop)]
